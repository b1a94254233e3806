"""Reads of programs, courses and outcomes, scoped to the viewer (missing scope → nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from tandem.core.fulltext import FullTextIndex, ranked_matches
from tandem.organizations.models import Role
from tandem.organizations.permissions import org_ids

from .models import (
    Course,
    CourseEndorsement,
    ExtractionJob,
    LearningOutcome,
    MappingStatus,
    OutcomeComment,
    OutcomeSkill,
    PostingImport,
    Program,
    ProposalStatus,
    SkillProposal,
)
from .permissions import visible_extraction_jobs, visible_imports, visible_programs

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


T = TypeVar("T")
_OutcomeRow = TypeVar("_OutcomeRow", SkillProposal, OutcomeSkill)


def program_list(viewer: User | AnonymousUser, *, q: str = "") -> QuerySet[Program]:
    qs = visible_programs(viewer).select_related("institution")
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(code__icontains=q.strip()))
    return qs.annotate(course_count=Count("courses", distinct=True)).order_by(
        "institution__name", "title", "pk"
    )


#: The full-text indexes of programs and courses (migration 0009;
#: docs/decisions/0012-platform-search.md).
PROGRAM_SEARCH_INDEX = FullTextIndex(
    Program._meta.db_table, (("title", "A"), ("code", "A"), ("description", "C"))
)
COURSE_SEARCH_INDEX = FullTextIndex(
    Course._meta.db_table, (("title", "A"), ("code", "A"), ("description", "C"))
)


def program_search(viewer: User | AnonymousUser, text: str) -> QuerySet[Program]:
    """Programs ``viewer`` may read matching ``text``, best first (``search_rank``)."""
    qs = visible_programs(viewer).select_related("institution")
    return ranked_matches(qs, PROGRAM_SEARCH_INDEX, text)


def course_search(viewer: User | AnonymousUser, text: str) -> QuerySet[Course]:
    """Courses of programs ``viewer`` may read matching ``text``, best first."""
    qs = Course.objects.filter(program__in=visible_programs(viewer)).select_related(
        "program__institution"
    )
    return ranked_matches(qs, COURSE_SEARCH_INDEX, text)


def program_get(viewer: User | AnonymousUser, public_id: UUID | str) -> Program | None:
    return (
        visible_programs(viewer).select_related("institution").filter(public_id=public_id).first()
    )


def courses_of(program: Program) -> QuerySet[Course]:
    return program.courses.annotate(
        outcome_count=Count("outcomes", distinct=True),
        confirmed_count=Count(
            "outcomes__skill_links",
            filter=Q(outcomes__skill_links__status=MappingStatus.CONFIRMED),
            distinct=True,
        ),
    ).order_by("code", "title", "pk")


def course_get(viewer: User | AnonymousUser, public_id: UUID | str) -> Course | None:
    return (
        Course.objects.filter(program__in=visible_programs(viewer), public_id=public_id)
        .select_related("program__institution")
        .first()
    )


def outcomes_with_mappings(course: Course) -> QuerySet[LearningOutcome]:
    links = OutcomeSkill.objects.select_related("concept").order_by("status", "-score", "pk")
    comments = OutcomeComment.objects.select_related("author", "organization")
    proposals = SkillProposal.objects.select_related("concept", "organization", "proposed_by")
    return course.outcomes.prefetch_related(
        Prefetch("skill_links", queryset=links),
        Prefetch("comments", queryset=comments),
        Prefetch("proposals", queryset=proposals),
    )


def endorsements_of(course: Course) -> QuerySet[CourseEndorsement]:
    return course.endorsements.select_related("organization", "endorsed_by")


def course_history(course: Course) -> list[dict[str, Any]]:
    """Comments, skill proposals (with their decisions) and endorsements of a course, oldest
    first: what the educator reads before deciding."""
    events: list[dict[str, Any]] = []
    for c in OutcomeComment.objects.filter(outcome__course=course).select_related(
        "author", "organization", "outcome"
    ):
        events.append({"kind": "comment", "at": c.created_at, "item": c})
    for p in SkillProposal.objects.filter(outcome__course=course).select_related(
        "proposed_by", "decided_by", "organization", "outcome", "concept"
    ):
        events.append({"kind": "proposal", "at": p.created_at, "item": p})
    for e in endorsements_of(course):
        events.append({"kind": "endorsement", "at": e.created_at, "item": e})
    events.sort(key=lambda ev: (ev["at"], ev["kind"]))
    return events


def proposal_get(viewer: User | AnonymousUser, public_id: UUID | str) -> SkillProposal | None:
    return _of_visible_outcome(SkillProposal.objects.all(), viewer, public_id)


def outcome_get(viewer: User | AnonymousUser, public_id: UUID | str) -> LearningOutcome | None:
    return (
        LearningOutcome.objects.filter(
            course__program__in=visible_programs(viewer), public_id=public_id
        )
        .select_related("course__program__institution")
        .first()
    )


def mapping_get(viewer: User | AnonymousUser, public_id: UUID | str) -> OutcomeSkill | None:
    return _of_visible_outcome(OutcomeSkill.objects.all(), viewer, public_id)


def _of_visible_outcome(
    rows: QuerySet[_OutcomeRow], viewer: User | AnonymousUser, public_id: UUID | str
) -> _OutcomeRow | None:
    """The proposal or mapping ``public_id`` of an outcome the viewer may see, else None."""
    return (
        rows.filter(outcome__course__program__in=visible_programs(viewer), public_id=public_id)
        .select_related("outcome__course__program__institution", "concept")
        .first()
    )


def program_confirmed_skills(program: Program) -> QuerySet[OutcomeSkill]:
    """The program's supply: confirmed mappings with their outcome and concept."""
    return OutcomeSkill.objects.filter(
        outcome__course__program=program, status=MappingStatus.CONFIRMED
    ).select_related("concept", "outcome__course")


def program_get_or_404(viewer: User | AnonymousUser, public_id: UUID | str) -> Program:
    """:func:`program_get`, with ``Http404`` for a program the viewer may not see."""
    return _or_404(program_get(viewer, public_id))


def course_get_or_404(viewer: User | AnonymousUser, public_id: UUID | str) -> Course:
    """:func:`course_get`, with ``Http404`` for a course the viewer may not see."""
    return _or_404(course_get(viewer, public_id))


def outcome_get_or_404(viewer: User | AnonymousUser, public_id: UUID | str) -> LearningOutcome:
    """:func:`outcome_get`, with ``Http404`` for an outcome the viewer may not see."""
    return _or_404(outcome_get(viewer, public_id))


def extraction_job_list(viewer: User | AnonymousUser) -> QuerySet[ExtractionJob]:
    """Extraction jobs the viewer may follow, newest first, with what the list shows."""
    return visible_extraction_jobs(viewer).select_related(
        "institution", "program", "posting_import", "requested_by"
    )


def extraction_job_get_or_404(viewer: User | AnonymousUser, public_id: UUID | str) -> ExtractionJob:
    """One extraction job the viewer may follow, else ``Http404``."""
    return _or_404(extraction_job_list(viewer).filter(public_id=public_id).first())


def import_get_or_404(viewer: User | AnonymousUser, public_id: UUID | str) -> PostingImport:
    """One posting import the viewer may see (with its institution), else ``Http404``."""
    return _or_404(
        visible_imports(viewer).select_related("institution").filter(public_id=public_id).first()
    )


def _or_404(obj: T | None) -> T:
    if obj is None:
        raise Http404
    return obj


def educator_worklist(viewer: User | AnonymousUser, limit: int = 8) -> list[Program]:
    """Programs of the institutions where ``viewer`` teaches, each with ``to_confirm``
    (skills suggested for its outcomes, not yet confirmed or rejected) and ``proposals``
    (partners' co-development proposals awaiting the educator); those with the most waiting
    first, at most ``limit``; one query."""
    institution_ids = org_ids(viewer, [Role.EDUCATOR])
    if not institution_ids:
        return []
    return list(
        Program.objects.filter(institution_id__in=institution_ids)
        .annotate(
            to_confirm=_count_of(
                OutcomeSkill.objects.filter(
                    outcome__course__program=OuterRef("pk"), status=MappingStatus.SUGGESTED
                )
            ),
            proposals=_count_of(
                SkillProposal.objects.filter(
                    outcome__course__program=OuterRef("pk"), status=ProposalStatus.PENDING
                )
            ),
        )
        .select_related("institution")
        .order_by("-proposals", "-to_confirm", "title", "pk")[:limit]
    )


def _count_of(rows: QuerySet[Any]) -> Any:
    """A correlated COUNT subquery over ``rows`` (one program's), 0 when there are none."""
    counted = rows.order_by().values("outcome__course__program").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def failed_extraction_jobs_since(since: Any) -> int:
    """How many batch extraction jobs and posting imports failed since ``since`` (the
    platform admin's health panel; every institution's, so call it for admins only)."""
    from .models import ImportStatus, JobStatus

    return (
        ExtractionJob.objects.filter(status=JobStatus.FAILED, updated_at__gte=since).count()
        + PostingImport.objects.filter(status=ImportStatus.FAILED, updated_at__gte=since).count()
    )
