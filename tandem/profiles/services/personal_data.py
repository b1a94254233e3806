"""The profile's personal data: export and erasure (registered in ``apps.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import CourseCompletion, ProfileSkill, RemovedSkill, StudentRanking

if TYPE_CHECKING:
    from tandem.accounts.models import User


def profile_personal_data_export(user: User) -> dict[str, Any]:
    """The person's completions, profile skills with their evidence, removals, and when their
    "For you" ranking was last computed."""
    return {
        "course_completions": [
            {
                "course": c.course.title,
                "course_code": c.course.code,
                "institution": c.institution.name,
                "completed_on": c.completed_on,
                "grade": c.grade,
            }
            for c in CourseCompletion.objects.filter(student=user).select_related(
                "course", "institution"
            )
        ],
        "skills": [
            {
                "skill": s.concept.uri,
                "label": s.concept.preferred_label,
                "source": s.source,
                "course": s.course.title if s.course else None,
                "placement": s.application.opportunity.title if s.application else None,
                "cv_excerpt": s.excerpt,
                "created_at": s.created_at,
            }
            for s in ProfileSkill.objects.filter(student=user).select_related(
                "concept", "course", "application__opportunity"
            )
        ],
        "removed_skills": [
            {"skill": r.concept.uri, "removed_at": r.created_at}
            for r in RemovedSkill.objects.filter(student=user).select_related("concept")
        ],
        "recommendations": [
            {"computed_at": r.computed_at, "opportunities": len(r.entries)}
            for r in StudentRanking.objects.filter(student=user)
        ],
    }


def profile_personal_data_erase(user: User) -> None:
    """A profile is wholly about its student: delete it. Completions the person recorded for
    others stay, unlinked from them."""
    ProfileSkill.objects.filter(student=user).delete()
    RemovedSkill.objects.filter(student=user).delete()
    StudentRanking.objects.filter(student=user).delete()
    CourseCompletion.objects.filter(student=user).delete()
    CourseCompletion.objects.filter(recorded_by=user).update(recorded_by=None)
