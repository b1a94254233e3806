"""REST endpoints for opportunities (mounted at /api/v1/opportunities by tandem.api.main).

Same rules as the pages: a posting the caller may not see is a 404; one they see but may not
change is a 403; broken rules are 400 with field messages; wrong types are 422.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tandem.core.dates import Date, DateTime
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.pagination import PageNumberPagination, paginate
from tandem.core.schemas import PublicIdSchema
from tandem.organizations.models import Organization, OrganizationKind, Sector, Site
from tandem.organizations.permissions import coordinator_institution_ids, is_platform_admin
from tandem.partnerships.models import Partnership

from . import selectors, services
from .models import (
    ApprovalStatus,
    Opportunity,
    OpportunityApproval,
    OpportunityStatus,
    OpportunityType,
    WorkMode,
)
from .permissions import can_edit_opportunity, is_host_staff

router = Router(tags=["opportunities"])


class HostOut(PublicIdSchema):
    name: str
    kind: str
    sector: str


class OpportunityOut(PublicIdSchema):
    title: str
    host: HostOut
    type: OpportunityType
    status: OpportunityStatus
    description: str
    skills_wanted: str
    location: str
    work_mode: WorkMode
    site_id: UUID | None
    partnership_id: UUID | None
    start_date: date | None
    end_date: date | None
    hours_per_week: Decimal | None
    pay_amount: Decimal | None
    pay_currency: str
    pay_period: str
    seats: int
    eligible_programs: list[str]
    min_year_of_study: int | None
    max_year_of_study: int | None
    application_deadline: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_site_id(obj: Opportunity) -> UUID | None:
        return obj.site.public_id if obj.site_id and obj.site else None

    @staticmethod
    def resolve_partnership_id(obj: Opportunity) -> UUID | None:
        return obj.partnership.public_id if obj.partnership_id and obj.partnership else None


class ApprovalOut(Schema):
    institution_id: UUID
    institution_name: str
    status: ApprovalStatus
    note: str
    decided_at: datetime | None

    @staticmethod
    def resolve_institution_id(obj: OpportunityApproval) -> UUID:
        return obj.institution.public_id

    @staticmethod
    def resolve_institution_name(obj: OpportunityApproval) -> str:
        return obj.institution.name


class OpportunityDetailOut(OpportunityOut):
    approvals: list[ApprovalOut]

    @staticmethod
    def resolve_approvals(obj: Opportunity, context: dict[str, Any]) -> Any:
        """Host staff and admins see every institution's decision; coordinators their own."""
        user = context["request"].user
        approvals = selectors.approvals_of(obj)
        if not (is_platform_admin(user) or is_host_staff(user, obj)):
            approvals = approvals.filter(institution_id__in=coordinator_institution_ids(user))
        return list(approvals)


class OpportunityFilters(Schema):
    q: str = Field("", max_length=100)
    type: OpportunityType | None = None
    work_mode: WorkMode | None = None
    sector: Sector | None = None
    status: OpportunityStatus | None = None
    host: UUID | None = None


class OpportunityFieldsIn(Schema):
    """Every editable field, all optional (PATCH semantics)."""

    title: str | None = None
    type: OpportunityType | None = None
    description: str | None = None
    skills_wanted: str | None = None
    location: str | None = None
    work_mode: WorkMode | None = None
    site_id: UUID | None = None
    partnership_id: UUID | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    hours_per_week: Decimal | None = None
    pay_amount: Decimal | None = None
    pay_currency: str | None = None
    pay_period: str | None = None
    seats: int | None = None
    eligible_programs: list[str] | None = None
    min_year_of_study: int | None = None
    max_year_of_study: int | None = None
    application_deadline: DateTime | None = None


class OpportunityCreateIn(OpportunityFieldsIn):
    host_id: UUID
    title: str  # type: ignore[assignment]
    type: OpportunityType  # type: ignore[assignment]
    description: str  # type: ignore[assignment]


class SubmitIn(Schema):
    institution_ids: list[UUID] = Field(..., min_length=1)


class DecideIn(Schema):
    institution_id: UUID
    approve: bool
    note: str = Field("", max_length=2000)
    application_deadline: datetime | None = Field(
        None,
        description="Required to approve a posting whose deadline has passed: the new, future "
        "deadline (before the start date). Refused for a posting whose deadline lies ahead.",
    )


def _visible(request: HttpRequest, opp_id: UUID) -> Opportunity:
    opp = selectors.opportunity_get(request.user, opp_id)
    if opp is None:
        raise Http404
    return opp


def _editable(request: HttpRequest, opp_id: UUID) -> Opportunity:
    opp = _visible(request, opp_id)
    if not can_edit_opportunity(request.user, opp):
        raise PermissionDeniedError()
    return opp


def _service_fields(data: dict[str, Any], host: Organization) -> dict[str, Any]:
    """API field names and ids → service keyword arguments with model instances."""
    errors: dict[str, list[str]] = {}
    if "site_id" in data:
        site_id = data.pop("site_id")
        site = (
            Site.objects.filter(public_id=site_id, organization=host).first() if site_id else None
        )
        if site_id and site is None:
            errors["site_id"] = [_("Choose one of the host's own sites.")]
        data["site"] = site
    if "partnership_id" in data:
        p_id = data.pop("partnership_id")
        partnership = Partnership.objects.filter(public_id=p_id).first() if p_id else None
        if p_id and partnership is None:
            errors["partnership_id"] = [_("No such partnership.")]
        data["partnership"] = partnership
    for key in ("skills_wanted", "location", "pay_period"):
        if key in data and data[key] is None:
            data[key] = ""
    if "eligible_programs" in data and data["eligible_programs"] is None:
        data["eligible_programs"] = []
    if errors:
        raise DomainError(_("Please correct the highlighted fields."), fields=errors)
    return data


@router.get("/", response=list[OpportunityOut])
@paginate(PageNumberPagination)
def opportunity_list(request: HttpRequest, filters: Query[OpportunityFilters]) -> Any:
    """Postings the caller may see, newest first, filtered."""
    return selectors.opportunity_listing(
        request.user,
        q=filters.q,
        type=filters.type or "",
        work_mode=filters.work_mode or "",
        sector=filters.sector or "",
        status=filters.status or "",
        host=str(filters.host) if filters.host else "",
    ).select_related("partnership")


@router.get("/approvals", response=list[OpportunityOut])
@paginate(PageNumberPagination)
def awaiting_approval(request: HttpRequest) -> Any:
    """Postings waiting for a decision by one of the caller's institutions (coordinators)."""
    return selectors.awaiting_approval_for(request.user).select_related(
        "host", "site", "partnership"
    )


@router.get("/{opp_id}", response=OpportunityDetailOut)
def opportunity_detail(request: HttpRequest, opp_id: UUID) -> Any:
    return _visible(request, opp_id)


@router.post("/", response={201: OpportunityDetailOut})
def opportunity_create(request: HttpRequest, payload: OpportunityCreateIn) -> Any:
    """Draft a posting. Recruiters for their partner; coordinators and educators for projects
    their institution hosts."""
    data = payload.dict(exclude_unset=True)
    host = Organization.objects.filter(public_id=data.pop("host_id")).first()
    if host is None:
        raise DomainError(
            _("No such organization."), fields={"host_id": [_("No such organization.")]}
        )
    opp = services.opportunity_create(actor=request.user, host=host, **_service_fields(data, host))
    return Status(201, opp)


@router.patch("/{opp_id}", response=OpportunityDetailOut)
def opportunity_update(request: HttpRequest, opp_id: UUID, payload: OpportunityFieldsIn) -> Any:
    """Change some fields of a posting (the host's staff)."""
    opp = _editable(request, opp_id)
    data = _service_fields(payload.dict(exclude_unset=True), opp.host)
    for required in ("title", "type", "description", "work_mode", "seats", "pay_currency"):
        if required in data and data[required] is None:
            raise DomainError(
                _("Please correct the highlighted fields."),
                fields={required: [_("This field cannot be empty.")]},
            )
    opp = services.opportunity_update(actor=request.user, opportunity=opp, **data)
    return opp


@router.post("/{opp_id}/submit", response=OpportunityDetailOut)
def opportunity_submit(request: HttpRequest, opp_id: UUID, payload: SubmitIn) -> Any:
    """Send a draft to institutions for approval."""
    opp = _editable(request, opp_id)
    institutions = list(
        Organization.objects.filter(
            public_id__in=payload.institution_ids, kind=OrganizationKind.INSTITUTION
        )
    )
    if len(institutions) != len(set(payload.institution_ids)):
        raise DomainError(
            _("Some institutions do not exist."),
            fields={"institution_ids": [_("Choose existing education institutions.")]},
        )
    opp = services.opportunity_submit(
        actor=request.user, opportunity=opp, institutions=institutions
    )
    return opp


@router.post("/{opp_id}/decide", response=ApprovalOut)
def opportunity_decide(request: HttpRequest, opp_id: UUID, payload: DecideIn) -> Any:
    """Approve or reject a posting for one of your institutions (coordinators)."""
    opp = _visible(request, opp_id)
    institution = Organization.objects.filter(
        public_id=payload.institution_id, kind=OrganizationKind.INSTITUTION
    ).first()
    if institution is None:
        raise Http404
    return services.opportunity_decide(
        actor=request.user,
        opportunity=opp,
        institution=institution,
        approve=payload.approve,
        note=payload.note,
        application_deadline=payload.application_deadline,
    )


@router.post("/{opp_id}/close", response=OpportunityDetailOut)
def opportunity_close(request: HttpRequest, opp_id: UUID) -> Any:
    opp = services.opportunity_close(actor=request.user, opportunity=_editable(request, opp_id))
    return opp


@router.post("/{opp_id}/reopen", response=OpportunityDetailOut)
def opportunity_reopen(request: HttpRequest, opp_id: UUID) -> Any:
    opp = services.opportunity_reopen(actor=request.user, opportunity=_editable(request, opp_id))
    return opp


@router.post("/{opp_id}/filled", response=OpportunityDetailOut)
def opportunity_mark_filled(request: HttpRequest, opp_id: UUID) -> Any:
    opp = services.opportunity_mark_filled(
        actor=request.user, opportunity=_editable(request, opp_id)
    )
    return opp
