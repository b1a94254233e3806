"""What curriculum co-development holds about a person: export and erasure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from ..models import CourseEndorsement, ExtractionJob, OutcomeComment, OutcomeSkill, SkillProposal

if TYPE_CHECKING:
    from tandem.accounts.models import User


def curricula_personal_data_export(user: User) -> dict[str, Any]:
    """What a person wrote or decided in curriculum co-development."""
    return {
        "comments": [
            {"outcome": c.outcome.text, "body": c.body, "created_at": c.created_at}
            for c in OutcomeComment.objects.filter(author=user).select_related("outcome")
        ],
        "skill_proposals": [
            {"skill": p.concept.uri, "note": p.note, "status": p.status, "created_at": p.created_at}
            for p in SkillProposal.objects.filter(proposed_by=user).select_related("concept")
        ],
        "endorsements": [
            {"course": e.course.title, "note": e.note, "created_at": e.created_at}
            for e in CourseEndorsement.objects.filter(endorsed_by=user).select_related("course")
        ],
        "extraction_jobs": [
            {"scope": j.scope, "institution": j.institution.name, "created_at": j.created_at}
            for j in ExtractionJob.objects.filter(requested_by=user).select_related("institution")
        ],
    }


@transaction.atomic
def curricula_personal_data_erase(user: User) -> None:
    """Blank what the person wrote and unlink them; the organization's contribution stays.
    All of it or nothing: a failure half-way leaves every row as it was."""
    OutcomeComment.objects.filter(author=user).update(author=None, body="")
    SkillProposal.objects.filter(proposed_by=user).update(proposed_by=None, note="")
    SkillProposal.objects.filter(decided_by=user).update(decided_by=None)
    CourseEndorsement.objects.filter(endorsed_by=user).update(endorsed_by=None, note="")
    OutcomeSkill.objects.filter(decided_by=user).update(decided_by=None)
    ExtractionJob.objects.filter(requested_by=user).update(requested_by=None)
