"""REST endpoints for applications (mounted at /api/v1/applications by tandem.api.main).

Same selectors, services and permissions as the web pages: applications outside the caller's
scope answer 404; a visible application the caller may not move answers 403; illegal moves
400; a full opportunity, or a stage that changed meanwhile, 409. Errors are
``application/problem+json``.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from tandem.core.dates import Date
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.pagination import PageNumberPagination, paginate
from tandem.opportunities.selectors import opportunities_visible_to
from tandem.organizations.models import Organization

from . import selectors, services
from .models import Application, HireOutcome, HireRecord, Stage, StageChange
from .permissions import can_download_cv, can_record_hire
from .services import JOB_TITLE_MAX_CHARS, NOTE_MAX_CHARS, STATEMENT_MAX_CHARS
from .views import cv_response

router = Router(tags=["applications"])


class OrganizationRef(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str


class PersonRef(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str = Field(..., alias="full_name")


class OpportunityRef(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str
    host: OrganizationRef


class ApplicationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    opportunity: OpportunityRef
    student: PersonRef
    institution: OrganizationRef
    stage: Stage
    stage_label: str
    has_cv: bool
    created_at: datetime
    stage_changed_at: datetime

    @staticmethod
    def resolve_stage_label(obj: Application) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_has_cv(obj: Application) -> bool:
        return bool(obj.cv)


class StageChangeOut(Schema):
    from_stage: str
    to_stage: Stage
    actor: str | None
    note: str
    created_at: datetime

    @staticmethod
    def resolve_actor(obj: StageChange) -> str | None:
        return obj.actor.full_name if obj.actor else None


class HireRecordOut(Schema):
    outcome: HireOutcome
    start_date: date | None
    job_title: str
    note: str
    recorded_by: str
    actor: str | None
    created_at: datetime

    @staticmethod
    def resolve_actor(obj: HireRecord) -> str | None:
        return obj.actor.full_name if obj.actor else None


class ApplicationDetailOut(ApplicationOut):
    statement: str
    cv_url: str | None
    next_stages: list[Stage]
    history: list[StageChangeOut]
    hire: HireRecordOut | None = Field(
        None, description="The outcome after a completed placement (the latest recording)."
    )
    hire_history: list[HireRecordOut]
    can_record_hire: bool


class ApplicationFilters(Schema):
    stage: Stage | None = None
    opportunity: UUID | None = None
    q: str = Field("", max_length=100)


class ApplicationIn(Schema):
    opportunity: UUID
    institution: UUID | None = None
    statement: str = Field("", max_length=STATEMENT_MAX_CHARS * 2)


class MoveIn(Schema):
    stage: Stage
    note: str = Field("", max_length=NOTE_MAX_CHARS)


class HireIn(Schema):
    outcome: HireOutcome
    start_date: Date | None = Field(None, description="Required when hired.")
    job_title: str = Field("", max_length=JOB_TITLE_MAX_CHARS)
    note: str = Field("", max_length=NOTE_MAX_CHARS)


class StageCountsOut(Schema):
    counts: dict[str, int]
    total: int


def _detail(request: HttpRequest, a: Application) -> Application:
    """Annotate ``a`` with what :class:`ApplicationDetailOut` reads beyond model fields."""
    a.cv_url = (  # type: ignore[attr-defined]
        reverse("api:application_cv", kwargs={"application_id": a.public_id})
        if a.cv and can_download_cv(request.user, a)
        else None
    )
    a.next_stages = services.application_stage_options(request.user, a)  # type: ignore[attr-defined]
    a.history = list(selectors.stage_history(a))  # type: ignore[attr-defined]
    hires = list(selectors.hire_history(a))
    a.hire_history = hires  # type: ignore[attr-defined]
    a.hire = hires[-1] if hires else None  # type: ignore[attr-defined]
    a.can_record_hire = can_record_hire(request.user, a)  # type: ignore[attr-defined]
    return a


@router.get("/", response=list[ApplicationOut], url_name="application_list")
@paginate(PageNumberPagination)
def application_list(request: HttpRequest, filters: Query[ApplicationFilters]) -> Any:
    """Applications the caller may see: students their own, partner staff those to their
    organization's postings, coordinators and educators their students'. Filter by stage,
    opportunity id and search text (opportunity, host, applicant, institution)."""
    return selectors.application_list(
        request.user,
        stage=filters.stage,
        opportunity_id=filters.opportunity,
        search=filters.q or None,
    )


@router.get("/stage-counts", response=StageCountsOut, url_name="application_stage_counts")
def application_stage_counts(request: HttpRequest) -> Any:
    """Number of visible applications per stage (for dashboards)."""
    counts = selectors.stage_counts_for(request.user)
    return {"counts": counts, "total": sum(counts.values())}


@router.get("/{application_id}", response=ApplicationDetailOut, url_name="application_detail")
def application_detail(request: HttpRequest, application_id: UUID) -> Any:
    return _detail(request, selectors.application_detail(request.user, application_id))


@router.post("/", response={201: ApplicationDetailOut}, url_name="application_create")
def application_create(
    request: HttpRequest,
    payload: Form[ApplicationIn],
    cv: UploadedFile | None = File(None),  # noqa: B008
) -> Any:
    """Apply to an opportunity (multipart/form-data: ``opportunity``, ``statement``, ``cv``
    as a PDF, and ``institution`` when you study at several that share the opportunity)."""
    opportunity = opportunities_visible_to(request.user).filter(public_id=payload.opportunity)
    opp = opportunity.first()
    if opp is None:
        raise Http404
    institution = None
    if payload.institution is not None:
        institution = Organization.objects.filter(public_id=payload.institution).first()
        if institution is None:
            raise DomainError(
                _("Choose an institution where you study."),
                fields={"institution": [_("Choose an institution where you study.")]},
            )
    application = services.application_submit(
        actor=request.user,
        opportunity=opp,
        institution=institution,
        statement=payload.statement,
        cv=cv,
    )
    return Status(
        201, _detail(request, selectors.application_detail(request.user, application.public_id))
    )


@router.post("/{application_id}/move", response=ApplicationDetailOut, url_name="application_move")
def application_move(request: HttpRequest, application_id: UUID, payload: MoveIn) -> Any:
    """Move to the next stage. Allowed moves and who makes them: see docs/applications.md."""
    application = selectors.application_detail(request.user, application_id)
    services.application_move(
        actor=request.user, application=application, to_stage=payload.stage, note=payload.note
    )
    return _detail(request, selectors.application_detail(request.user, application_id))


@router.post(
    "/{application_id}/outcome", response=ApplicationDetailOut, url_name="application_record_hire"
)
def application_record_hire(request: HttpRequest, application_id: UUID, payload: HireIn) -> Any:
    """Record or correct what became of a completed placement: ``hired`` (with the job's
    ``start_date``, not before completion, and optionally ``job_title``) or ``not_hired``.
    For the host's recruiters and supervisors and the institution's coordinators; 409 before
    the placement is completed. Every recording is kept in ``hire_history``."""
    application = selectors.application_detail(request.user, application_id)
    services.application_record_hire(
        actor=request.user,
        application=application,
        outcome=payload.outcome,
        start_date=payload.start_date,
        job_title=payload.job_title,
        note=payload.note,
    )
    return _detail(request, selectors.application_detail(request.user, application_id))


@router.get(
    "/{application_id}/cv",
    url_name="application_cv",
    openapi_extra={
        "responses": {
            200: {
                "description": "The CV as a PDF attachment.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def application_cv(request: HttpRequest, application_id: UUID) -> FileResponse:
    """The CV (PDF): for the student, the host's staff and the institution's coordinators."""
    application = selectors.application_detail(request.user, application_id)
    if not can_download_cv(request.user, application):
        raise PermissionDeniedError(_("You may not download this CV."))
    if not application.cv:
        raise Http404
    return cv_response(application)
