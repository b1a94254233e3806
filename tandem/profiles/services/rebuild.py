"""The profile entries derived from evidence held elsewhere: the confirmed outcome skills of
completed courses and the skills of completed placements.

* :func:`rebuild_student` recomputes all of one student's derived entries (the student's
  **Refresh** button, and every recorded or removed completion);
* :func:`profile_course_refresh` recomputes one course's entries for every student who
  completed it, after an educator confirmed or rejected one of its outcome skills (run in the
  background by ``tasks.refresh_course_profiles``: a course may have hundreds of completions);
* :func:`profile_placement_refresh` recomputes one placement's entries, right after its
  application reached *Completed* (one student: cheap, done at once after commit).

Each compares the entries due with the entries stored and changes only the difference, so
running one twice changes nothing. CV entries, the student's additions and their removals are
never touched (a removed skill stays hidden whatever is recomputed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.applications.models import Application, Stage
from tandem.audit.services import audit_record
from tandem.core.errors import PermissionDeniedError
from tandem.curricula.models import Course, MappingStatus, OutcomeSkill
from tandem.skills.models import SkillConcept
from tandem.skills.selectors import opportunity_skills
from tandem.skills.services import opportunity_skills_refresh

from ..models import CourseCompletion, ProfileSkill, SkillSource
from ..permissions import can_edit_profile, can_record_completion, institutions_of_student
from .recommendations import students_skills_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


# (student id, source, concept id, course id, application id) of a derived entry.
Key = tuple[int, str, int, int | None, int | None]


@dataclass(frozen=True, slots=True)
class RebuildResult:
    added: int
    removed: int


def _course_keys(completions: QuerySet[CourseCompletion]) -> set[Key]:
    """Entries due from these completions: each confirmed outcome skill of the course."""
    pairs = list(completions.values_list("student_id", "course_id"))
    if not pairs:
        return set()
    skills: dict[int, set[int]] = {}
    for course_id, concept_id in (
        OutcomeSkill.objects.filter(
            status=MappingStatus.CONFIRMED, outcome__course_id__in={c for _s, c in pairs}
        )
        .values_list("outcome__course_id", "concept_id")
        .distinct()
    ):
        skills.setdefault(course_id, set()).add(concept_id)
    return {
        (student_id, SkillSource.COURSE, concept_id, course_id, None)
        for student_id, course_id in pairs
        for concept_id in skills.get(course_id, ())
    }


def _placement_keys(placements: Iterable[Application]) -> set[Key]:
    """Entries due from these completed placements: the skills of each opportunity."""
    completed = [a for a in placements if a.stage == Stage.COMPLETED]
    if not completed:
        return set()
    opportunity_ids = [a.opportunity_id for a in completed]
    opportunity_skills_refresh(opportunity_ids=opportunity_ids)  # extracts only if stale
    demand = opportunity_skills(opportunity_ids)
    uris = {u for a in completed for u in demand.get(a.opportunity_id, [])}
    ids = dict(SkillConcept.objects.filter(uri__in=uris, is_current=True).values_list("uri", "pk"))
    return {
        (a.student_id, SkillSource.PLACEMENT, ids[uri], None, a.pk)
        for a in completed
        for uri in demand.get(a.opportunity_id, [])
        if uri in ids
    }


def _sync(scope: QuerySet[ProfileSkill], wanted: set[Key]) -> RebuildResult:
    """Make the derived entries in ``scope`` exactly ``wanted`` (which must lie in it)."""
    existing = {
        key[1:]: key[0]
        for key in scope.values_list(
            "pk", "student_id", "source", "concept_id", "course_id", "application_id"
        )
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        ProfileSkill.objects.filter(pk__in=stale).delete()
    new = [
        ProfileSkill(
            student_id=student_id,
            source=source,
            concept_id=concept_id,
            course_id=course_id,
            application_id=application_id,
        )
        for (student_id, source, concept_id, course_id, application_id) in sorted(
            wanted - set(existing), key=lambda k: (k[0], k[1], k[2], k[3] or 0, k[4] or 0)
        )
    ]
    # A concurrent refresh of the same entries (the student's button while the course task
    # runs) may have inserted some already: the unique constraints keep one, the rest is moot.
    ProfileSkill.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    # The students whose skills changed get their "For you" ranking recomputed.
    touched = {k[0] for k in existing if k not in wanted} | {k[0] for k in wanted - set(existing)}
    students_skills_changed(student_ids=touched)
    return RebuildResult(added=len(new), removed=len(stale))


def rebuild_student(student: User) -> RebuildResult:
    """Recompute every derived entry of ``student``. No actor check and no audit event: for
    services that already checked and recorded theirs; call it inside their transaction."""
    return _sync(
        ProfileSkill.objects.filter(
            student=student, source__in=[SkillSource.COURSE, SkillSource.PLACEMENT]
        ),
        _course_keys(CourseCompletion.objects.filter(student=student))
        | _placement_keys(
            Application.objects.filter(student=student, stage=Stage.COMPLETED).select_related(
                "opportunity"
            )
        ),
    )


@transaction.atomic
def profile_rebuild(*, actor: User | AnonymousUser, student: User) -> RebuildResult:
    """Recompute the entries taken from completed courses (their confirmed outcome skills)
    and completed placements (the skills of the opportunity). Idempotent; the CV entries,
    the student's additions and removals are left as they are. The student, or staff who
    may record completions for one of the student's institutions, may ask for it."""
    staff_ok = any(can_record_completion(actor, i) for i in institutions_of_student(student))
    if not (can_edit_profile(actor, student) or staff_ok):
        raise PermissionDeniedError(_("You may not refresh this profile."))
    result = rebuild_student(student)
    if result.added or result.removed:
        audit_record(
            actor=actor,
            action="profiles.rebuild",
            target=student,
            organizations=institutions_of_student(student),
            changes={"added": result.added, "removed": result.removed},
        )
    return result


def profile_rebuild_system(*, student: User) -> RebuildResult:
    """The same rebuild for the platform itself (demo world, maintenance): no actor check."""
    with transaction.atomic():
        return rebuild_student(student)


@transaction.atomic
def profile_course_refresh(*, course_id: int) -> RebuildResult:
    """Recompute the entries ``course`` gives to every student who completed it, after its
    confirmed outcome skills changed. The platform acts (no actor): the educator's decision
    that caused it is audited by the curricula app; this records how many entries changed."""
    course = Course.objects.select_related("program").filter(pk=course_id).first()
    if course is None:  # deleted meanwhile: its entries went with it
        return RebuildResult(added=0, removed=0)
    result = _sync(
        ProfileSkill.objects.filter(source=SkillSource.COURSE, course=course),
        _course_keys(CourseCompletion.objects.filter(course=course)),
    )
    if result.added or result.removed:
        audit_record(
            actor=None,
            action="profiles.refresh.course",
            target=course,
            organizations=[course.program.institution_id],
            changes={"added": result.added, "removed": result.removed},
        )
    return result


@transaction.atomic
def profile_placement_refresh(*, application_id: int) -> RebuildResult:
    """Recompute the entries of one placement: the opportunity's skills once the application
    is *Completed*, none otherwise. The platform acts (no actor), after the stage change."""
    application = (
        Application.objects.select_related("opportunity", "student")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return RebuildResult(added=0, removed=0)
    result = _sync(
        ProfileSkill.objects.filter(source=SkillSource.PLACEMENT, application=application),
        _placement_keys([application]),
    )
    if result.added or result.removed:
        audit_record(
            actor=None,
            action="profiles.refresh.placement",
            target=application.student,
            organizations=institutions_of_student(application.student),
            changes={"added": result.added, "removed": result.removed},
        )
    return result
