"""REST endpoints for the curriculum (mounted at /api/v1/curriculum by tandem.api.main).

Same rules as the pages: something the caller may not see is a 404; something they see but may
not change is a 403; broken rules are 400 with field messages; wrong types are 422.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from tandem.accounts.models import signed_in_user
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.pagination import PageNumberPagination, paginate
from tandem.organizations.models import Organization
from tandem.skills.models import SkillConcept

from . import gap, reports, selectors, services, services_jobs
from .permissions import can_edit_program, can_view_gap
from .schemas import (
    CourseIn,
    CourseOut,
    ExtractionJobIn,
    ExtractionJobOut,
    GapOut,
    GapQuery,
    ImportOut,
    MappingAddIn,
    MappingDecisionIn,
    MappingOut,
    OutcomeIn,
    OutcomeOut,
    ProgramCreateIn,
    ProgramIn,
    ProgramOut,
)

router = Router(tags=["curriculum"])

# --- Helpers --------------------------------------------------------------------------------


def _institution(request: HttpRequest, institution_id: UUID) -> Organization:
    institution = Organization.objects.filter(public_id=institution_id).first()
    if institution is None:
        raise DomainError(
            _("No such institution."), fields={"institution_id": _("No such institution.")}
        )
    return institution


# --- Programs -------------------------------------------------------------------------------
@router.get("/programs", response=list[ProgramOut])
@paginate(PageNumberPagination)
def program_list(request: HttpRequest, q: str = "") -> Any:
    """Programs the caller may read."""
    return selectors.program_list(request.user, q=q[:100])


@router.post("/programs", response={201: ProgramOut})
def program_create(request: HttpRequest, payload: ProgramCreateIn) -> Any:
    program = services.program_create(
        actor=signed_in_user(request),
        institution=_institution(request, payload.institution_id),
        title=payload.title,
        code=payload.code,
        description=payload.description,
    )
    return Status(201, program)


@router.get("/programs/{program_id}", response=ProgramOut)
def program_detail(request: HttpRequest, program_id: UUID) -> Any:
    return selectors.program_get_or_404(request.user, program_id)


@router.put("/programs/{program_id}", response=ProgramOut)
def program_update(request: HttpRequest, program_id: UUID, payload: ProgramIn) -> Any:
    return services.program_update(
        actor=signed_in_user(request),
        program=selectors.program_get_or_404(request.user, program_id),
        **payload.dict(),
    )


@router.delete("/programs/{program_id}", response={204: None})
def program_delete(request: HttpRequest, program_id: UUID) -> Any:
    services.program_delete(
        actor=signed_in_user(request),
        program=selectors.program_get_or_404(request.user, program_id),
    )
    return Status(204, None)


# --- Courses --------------------------------------------------------------------------------
@router.get("/programs/{program_id}/courses", response=list[CourseOut])
def course_list(request: HttpRequest, program_id: UUID) -> Any:
    return list(
        selectors.courses_of(selectors.program_get_or_404(request.user, program_id)).select_related(
            "program"
        )
    )


@router.post("/programs/{program_id}/courses", response={201: CourseOut})
def course_create(request: HttpRequest, program_id: UUID, payload: CourseIn) -> Any:
    course = services.course_create(
        actor=signed_in_user(request),
        program=selectors.program_get_or_404(request.user, program_id),
        **payload.dict(),
    )
    return Status(201, course)


@router.get("/courses/{course_id}", response=CourseOut)
def course_detail(request: HttpRequest, course_id: UUID) -> Any:
    return selectors.course_get_or_404(request.user, course_id)


@router.put("/courses/{course_id}", response=CourseOut)
def course_update(request: HttpRequest, course_id: UUID, payload: CourseIn) -> Any:
    return services.course_update(
        actor=signed_in_user(request),
        course=selectors.course_get_or_404(request.user, course_id),
        **payload.dict(),
    )


@router.delete("/courses/{course_id}", response={204: None})
def course_delete(request: HttpRequest, course_id: UUID) -> Any:
    services.course_delete(
        actor=signed_in_user(request), course=selectors.course_get_or_404(request.user, course_id)
    )
    return Status(204, None)


# --- Outcomes and mappings ------------------------------------------------------------------
@router.get("/courses/{course_id}/outcomes", response=list[OutcomeOut])
def outcome_list(request: HttpRequest, course_id: UUID) -> Any:
    course = selectors.course_get_or_404(request.user, course_id)
    return list(course.outcomes.select_related("course"))


@router.post("/courses/{course_id}/outcomes", response={201: OutcomeOut})
def outcome_create(request: HttpRequest, course_id: UUID, payload: OutcomeIn) -> Any:
    outcome = services.outcome_create(
        actor=signed_in_user(request),
        course=selectors.course_get_or_404(request.user, course_id),
        text=payload.text,
        suggest=payload.suggest,
    )
    return Status(201, outcome)


@router.get("/outcomes/{outcome_id}", response=OutcomeOut)
def outcome_detail(request: HttpRequest, outcome_id: UUID) -> Any:
    return selectors.outcome_get_or_404(request.user, outcome_id)


@router.put("/outcomes/{outcome_id}", response=OutcomeOut)
def outcome_update(request: HttpRequest, outcome_id: UUID, payload: OutcomeIn) -> Any:
    return services.outcome_update(
        actor=signed_in_user(request),
        outcome=selectors.outcome_get_or_404(request.user, outcome_id),
        text=payload.text,
    )


@router.delete("/outcomes/{outcome_id}", response={204: None})
def outcome_delete(request: HttpRequest, outcome_id: UUID) -> Any:
    services.outcome_delete(
        actor=signed_in_user(request),
        outcome=selectors.outcome_get_or_404(request.user, outcome_id),
    )
    return Status(204, None)


@router.post("/outcomes/{outcome_id}/mappings", response={201: MappingOut})
def mapping_add(request: HttpRequest, outcome_id: UUID, payload: MappingAddIn) -> Any:
    """Link a skill (by ESCO URI) to the outcome; the link is confirmed."""
    outcome = selectors.outcome_get_or_404(request.user, outcome_id)
    if not can_edit_program(request.user, outcome.course.program):
        raise PermissionDeniedError()
    concept = SkillConcept.objects.filter(uri=payload.skill_uri).first()
    if concept is None:
        raise DomainError(
            _("Unknown ESCO skill URI."), fields={"skill_uri": _("Unknown ESCO skill URI.")}
        )
    return Status(
        201, services.mapping_add(actor=signed_in_user(request), outcome=outcome, concept=concept)
    )


@router.post("/mappings/{mapping_id}/decision", response=MappingOut)
def mapping_decide(request: HttpRequest, mapping_id: UUID, payload: MappingDecisionIn) -> Any:
    """Confirm or reject a mapping."""
    mapping = selectors.mapping_get(request.user, mapping_id)
    if mapping is None:
        raise Http404
    return services.mapping_decide(
        actor=signed_in_user(request), mapping=mapping, status=payload.status
    )


# --- Gap analysis and imports ---------------------------------------------------------------
def _row(r: gap.SkillRow) -> dict[str, Any]:
    return {
        "uri": r.uri,
        "label": r.label,
        "postings": r.postings,
        "demand": round(r.demand, 6),
        "share": round(r.share, 6),
        "taught": r.taught,
        "outcome_ids": list(r.outcome_ids),
    }


@router.get("/programs/{program_id}/gap", response=GapOut)
def gap_report(request: HttpRequest, program_id: UUID, query: Query[GapQuery]) -> Any:
    """The program's skills gap report (see docs/curriculum.md for the weighting)."""
    program = selectors.program_get_or_404(request.user, program_id)
    if not can_view_gap(request.user, program):
        raise PermissionDeniedError()
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise DomainError(
            _("The end comes before the start."),
            fields={"date_to": _("The end comes before the start.")},
        )
    filters = gap.Filters(
        query.sector, query.region, query.occupation, query.date_from, query.date_to
    )
    report = reports.program_gap(
        program, filters=filters, source=query.source, level=query.level
    ).report
    return {
        "postings": report.postings,
        "postings_with_skills": report.postings_with_skills,
        "coverage": round(report.coverage, 6),
        "demand_total": round(report.demand_total, 6),
        "covered_demand": round(report.covered_demand, 6),
        "half_life_days": report.half_life_days,
        "level": report.level,
        "demanded": [_row(r) for r in report.demanded[: query.top]],
        "missing": [_row(r) for r in report.missing[: query.top]],
        "taught_not_demanded": [_row(r) for r in report.taught_not_demanded],
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "demand": round(g.demand, 6),
                "covered": round(g.covered, 6),
                "coverage": round(g.coverage, 6),
                "skills": g.skills,
                "skills_taught": g.skills_taught,
                "placed": g.placed,
            }
            for g in report.groups
        ],
        "trend": [
            {
                "month": m.month,
                "postings": m.postings,
                "mentions": m.mentions,
                "covered_mentions": m.covered_mentions,
                "coverage": round(m.coverage, 6),
            }
            for m in report.trend
        ],
    }


@router.post("/imports", response={201: ImportOut})
def import_create(
    request: HttpRequest,
    institution_id: Form[UUID],
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    """Import job postings (CSV or JobPosting JSON-LD); skills are extracted in the background.
    Bad lines are listed in ``errors`` with their line numbers."""
    if (file.size or 0) > services.MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The file is larger than 20 MB."),
            fields={"file": _("The file is larger than 20 MB.")},
        )
    batch = services.posting_import_create(
        actor=signed_in_user(request),
        institution=_institution(request, institution_id),
        filename=file.name or "upload",
        content=file.read(),
    )
    batch.refresh_from_db()
    return Status(201, batch)


@router.get("/imports/{import_id}", response=ImportOut)
def import_detail(request: HttpRequest, import_id: UUID) -> Any:
    """An import with its extraction progress."""
    return selectors.import_get_or_404(request.user, import_id)


# --- Batch extraction jobs ------------------------------------------------------------------
@router.post("/extraction-jobs", response={201: ExtractionJobOut})
def extraction_job_start(request: HttpRequest, payload: ExtractionJobIn) -> Any:
    """Start a background skill extraction: ``outcomes`` of a program (``program_id``) or of
    an institution (``institution_id``), all ``opportunities`` (``institution_id``), or an
    ``import`` again (``import_id``). 409 while a job for the same items is active."""
    missing = ""
    if payload.scope == "import":
        missing = "" if payload.import_id else "import_id"
    elif payload.scope == "opportunities" or not payload.program_id:
        missing = "" if payload.institution_id else "institution_id"
    if missing:
        msg = _("Required for this scope.")
        raise DomainError(msg, fields={missing: msg})
    program = (
        selectors.program_get_or_404(request.user, payload.program_id)
        if payload.program_id
        else None
    )
    batch = (
        selectors.import_get_or_404(request.user, payload.import_id) if payload.import_id else None
    )
    job = services_jobs.extraction_job_start(
        actor=signed_in_user(request),
        scope=payload.scope,
        institution=(
            _institution(request, payload.institution_id) if payload.institution_id else None
        ),
        program=program,
        posting_import=batch,
    )
    job.refresh_from_db()
    return Status(201, job)


@router.get("/extraction-jobs", response=list[ExtractionJobOut])
@paginate(PageNumberPagination)
def extraction_job_list(request: HttpRequest) -> Any:
    """Extraction jobs of the caller's institutions (staff), newest first."""
    return selectors.extraction_job_list(request.user)


@router.get("/extraction-jobs/{job_id}", response=ExtractionJobOut)
def extraction_job_detail(request: HttpRequest, job_id: UUID) -> Any:
    """A job with its progress (poll it until ``status`` is done, failed or cancelled)."""
    return selectors.extraction_job_get_or_404(request.user, job_id)


@router.post("/extraction-jobs/{job_id}/cancel", response=ExtractionJobOut)
def extraction_job_cancel(request: HttpRequest, job_id: UUID) -> Any:
    """Cancel a queued or running job (who may start one for its institution may). A running
    job stops between chunks and keeps what it wrote. 409 once the job has ended."""
    job = selectors.extraction_job_get_or_404(request.user, job_id)
    return services_jobs.extraction_job_cancel(actor=signed_in_user(request), job=job)
