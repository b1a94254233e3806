"""REST endpoints for placements (mounted at /api/v1/placements by tandem.api.main).

Same selectors, services and permissions as the pages: placements outside the caller's scope
answer 404; a visible placement the caller may not act on answers 403; broken rules 400 with
field messages; an approved (locked) hours entry 409. Errors are ``application/problem+json``.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from tandem.applications.models import Application
from tandem.core.errors import PermissionDeniedError
from tandem.core.pagination import MAX_PAGE
from tandem.opportunities.models import OpportunityType
from tandem.organizations.models import Organization, Site
from tandem.organizations.permissions import coordinator_institution_ids

from . import selectors, services
from .models import (
    AgreementSection,
    AgreementStatus,
    AgreementTemplate,
    ClearanceKind,
    ClearanceRequirement,
    HoursEntry,
    HoursStatus,
    LearningAgreement,
    SignerRole,
)
from .permissions import PLACEMENT_STAGES, can_prepare_agreement, can_view_agreement, can_view_board

router = Router(tags=["placements"])
BOARD_PAGE_SIZE = 50


class RequirementOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: ClearanceKind
    name: str
    opportunity_type: str
    evidence_required: bool
    validity_days: int | None
    host_may_verify: bool


class RequirementIn(Schema):
    institution: UUID
    kind: ClearanceKind
    name: str = Field(..., max_length=200)
    partner: UUID | None = None
    site: UUID | None = None
    opportunity_type: OpportunityType | None = None
    evidence_required: bool = True
    validity_days: int | None = Field(None, ge=1)
    host_may_verify: bool = False


class ClearanceOut(Schema):
    requirement: RequirementOut
    id: UUID | None
    state: str
    expires_on: date | None
    rejection_reason: str
    has_evidence: bool


class HoursOut(Schema):
    id: UUID = Field(..., alias="public_id")
    date: date
    hours: Decimal
    activity: str
    status: HoursStatus
    return_reason: str


class PlacementOut(Schema):
    id: UUID
    stage: str
    start_date: date | None
    end_date: date | None
    required_hours: Decimal | None
    approved_hours: Decimal
    waiting_hours: Decimal
    clearances: list[ClearanceOut]
    #: The labels of the host's expired due-diligence items (the institution's checklist).
    diligence_flags: list[str]


class BoardRowOut(Schema):
    id: UUID
    student: str
    opportunity: str
    stage: str
    start_date: date | None
    blocked_by: list[str]
    blocked_since: date | None


class BoardOut(Schema):
    count: int
    page: int
    items: list[BoardRowOut]


class DecisionIn(Schema):
    verified: bool
    reason: str = Field("", max_length=1000)
    expires_on: date | None = None


class TermsIn(Schema):
    start_date: date | None = None
    end_date: date | None = None
    required_hours: Decimal | None = None


class HoursIn(Schema):
    date: date
    hours: Decimal
    activity: str = Field(..., max_length=500)


class HoursDecisionIn(Schema):
    entries: list[UUID]
    approve: bool
    reason: str = Field("", max_length=1000)


class HoursDecisionOut(Schema):
    decided: int
    at: datetime | None = None


def _placement(request: HttpRequest, application_id: UUID) -> Any:
    application = selectors.placement_for(request.user, application_id)
    if application is None:
        raise Http404
    return application


def _out(request: HttpRequest, application: Any) -> dict[str, Any]:
    start, end = selectors.placement_dates(application)
    totals = selectors.hours_totals(application)
    return {
        "id": application.public_id,
        "stage": application.stage,
        "start_date": start,
        "end_date": end,
        "required_hours": totals.required,
        "approved_hours": totals.approved,
        "waiting_hours": totals.waiting,
        "clearances": [
            {
                "requirement": line.requirement,
                "id": line.clearance.public_id if line.clearance else None,
                "state": line.state.value,
                "expires_on": line.clearance.expires_on if line.clearance else None,
                "rejection_reason": line.clearance.rejection_reason if line.clearance else "",
                "has_evidence": bool(line.clearance and line.clearance.evidence),
            }
            for line in selectors.clearance_lines(application)
        ],
        "diligence_flags": selectors.diligence_flags([application]).get(application.pk, []),
    }


def _requirement(requirement_id: UUID) -> ClearanceRequirement:
    requirement = ClearanceRequirement.objects.filter(public_id=requirement_id).first()
    if requirement is None:
        raise Http404
    return requirement


# --- Learning agreement templates (before "/{application_id}") -------------------------------
class AgreementTemplateIn(Schema):
    name: str = Field(..., max_length=200)
    opportunity_type: OpportunityType | None = None
    sections: list[AgreementSection]
    signing_order: list[SignerRole]
    insurance_text: str = ""
    stipend_text: str = ""
    minors_text: str = ""
    clauses: str = ""
    required_before_start: bool = False


class AgreementTemplateCreateIn(AgreementTemplateIn):
    institution: UUID


class AgreementTemplateUpdateIn(AgreementTemplateIn):
    is_active: bool = True


class AgreementTemplateOut(Schema):
    id: UUID
    institution: UUID
    name: str
    opportunity_type: str
    sections: list[str]
    signing_order: list[str]
    insurance_text: str
    stipend_text: str
    minors_text: str
    clauses: str
    required_before_start: bool
    is_active: bool
    updated_at: datetime


def _template_out(t: AgreementTemplate) -> dict[str, Any]:
    return {
        "id": t.public_id,
        "institution": t.institution.public_id,
        "name": t.name,
        "opportunity_type": t.opportunity_type,
        "sections": list(t.sections),
        "signing_order": list(t.signing_order),
        "insurance_text": t.insurance_text,
        "stipend_text": t.stipend_text,
        "minors_text": t.minors_text,
        "clauses": t.clauses,
        "required_before_start": t.required_before_start,
        "is_active": t.is_active,
        "updated_at": t.updated_at,
    }


def _template_fields(payload: AgreementTemplateIn) -> dict[str, Any]:
    return {
        "name": payload.name,
        "opportunity_type": payload.opportunity_type or "",
        "sections": [str(s) for s in payload.sections],
        "signing_order": [str(r) for r in payload.signing_order],
        "insurance_text": payload.insurance_text,
        "stipend_text": payload.stipend_text,
        "minors_text": payload.minors_text,
        "clauses": payload.clauses,
        "required_before_start": payload.required_before_start,
    }


@router.get(
    "/agreement-templates",
    response=list[AgreementTemplateOut],
    url_name="agreement_template_list",
)
def agreement_template_list(request: HttpRequest) -> Any:
    """The learning agreement templates of the institutions where you coordinate."""
    return [
        _template_out(t) for t in selectors.agreement_templates_for(request.user).order_by("pk")
    ]


@router.post(
    "/agreement-templates",
    response={201: AgreementTemplateOut},
    url_name="agreement_template_create",
)
def agreement_template_create(request: HttpRequest, payload: AgreementTemplateCreateIn) -> Any:
    """Define a template for an institution where you coordinate (its sections, standard
    texts, signing order, and whether a placement waits for the signed agreement)."""
    institution = Organization.objects.filter(
        pk__in=coordinator_institution_ids(request.user), public_id=payload.institution
    ).first()
    if institution is None:
        raise PermissionDeniedError()
    template = services.agreement_template_create(
        actor=request.user, institution=institution, **_template_fields(payload)
    )
    return Status(201, _template_out(template))


@router.put(
    "/agreement-templates/{template_id}",
    response=AgreementTemplateOut,
    url_name="agreement_template_update",
)
def agreement_template_update(
    request: HttpRequest, template_id: UUID, payload: AgreementTemplateUpdateIn
) -> Any:
    """Change a template; agreements already prepared keep what they were made with."""
    template = selectors.agreement_templates_for(request.user).filter(public_id=template_id).first()
    if template is None:
        raise Http404
    updated = services.agreement_template_update(
        actor=request.user,
        template=template,
        is_active=payload.is_active,
        **_template_fields(payload),
    )
    return _template_out(updated)


@router.get("/board", response=BoardOut, url_name="placement_board")
def placement_board(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    q: str = "",
    page: int = Query(1, ge=1, le=MAX_PAGE),  # type: ignore[type-arg]
) -> Any:
    """Coordinators: accepted and started placements of their students and what blocks each
    (``status``: ``blocked`` or ``clear``; ``kind``: a clearance kind), 50 a page."""
    if not can_view_board(request.user):
        raise PermissionDeniedError()
    rows = selectors.compliance_board(request.user, status=status, kind=kind, search=q[:100])
    page = max(page, 1)
    chunk = rows[(page - 1) * BOARD_PAGE_SIZE : page * BOARD_PAGE_SIZE]
    return {
        "count": len(rows),
        "page": page,
        "items": [
            {
                "id": e.application.public_id,
                "student": e.application.student.full_name,
                "opportunity": e.application.opportunity.title,
                "stage": e.application.stage,
                "start_date": e.row.start_date,
                "blocked_by": [f"{name}: {state}" for name, state in e.row.blocked_by],
                "blocked_since": e.row.blocked_since,
            }
            for e in selectors.board_page_applications(chunk)
        ],
    }


@router.get("/requirements", response=list[RequirementOut], url_name="requirement_list")
def requirement_list(request: HttpRequest) -> Any:
    """The clearance requirements of the institutions where you coordinate."""
    return list(selectors.requirements_for(request.user))


@router.post("/requirements", response={201: RequirementOut}, url_name="requirement_create")
def requirement_create(request: HttpRequest, payload: RequirementIn) -> Any:
    """Ask a clearance of an institution's students (``institution``: one where you
    coordinate)."""
    institution = Organization.objects.filter(
        pk__in=coordinator_institution_ids(request.user), public_id=payload.institution
    ).first()
    if institution is None:
        raise PermissionDeniedError()
    partner = (
        Organization.objects.filter(public_id=payload.partner).first() if payload.partner else None
    )
    site = Site.objects.filter(public_id=payload.site).first() if payload.site else None
    requirement = services.clearance_requirement_create(
        actor=request.user,
        institution=institution,
        kind=payload.kind,
        name=payload.name,
        partner=partner,
        site=site,
        opportunity_type=payload.opportunity_type or "",
        evidence_required=payload.evidence_required,
        validity_days=payload.validity_days,
        host_may_verify=payload.host_may_verify,
    )
    return Status(201, requirement)


@router.get("/{application_id}", response=PlacementOut, url_name="placement_detail")
def placement_detail(request: HttpRequest, application_id: UUID) -> Any:
    """A placement (an accepted, started or completed application): its dates, clearances
    with their state on the start day, and hours totals."""
    return _out(request, _placement(request, application_id))


@router.post(
    "/{application_id}/clearances/{requirement_id}/evidence",
    response=PlacementOut,
    url_name="clearance_evidence_upload",
)
def clearance_evidence_upload(
    request: HttpRequest,
    application_id: UUID,
    requirement_id: UUID,
    evidence: UploadedFile = File(...),  # noqa: B008
) -> Any:
    """The student uploads evidence (multipart ``evidence``: PDF, DOCX, ODT, JPEG or PNG)."""
    application = _placement(request, application_id)
    services.clearance_evidence_upload(
        actor=request.user,
        application=application,
        requirement=_requirement(requirement_id),
        file=evidence,
    )
    return _out(request, application)


@router.post(
    "/{application_id}/clearances/{requirement_id}/decision",
    response=PlacementOut,
    url_name="clearance_decide",
)
def clearance_decide(
    request: HttpRequest, application_id: UUID, requirement_id: UUID, payload: DecisionIn
) -> Any:
    """Verify (optional ``expires_on``) or reject (with a ``reason``) a clearance."""
    application = _placement(request, application_id)
    services.clearance_decide(
        actor=request.user,
        application=application,
        requirement=_requirement(requirement_id),
        verified=payload.verified,
        reason=payload.reason,
        expires_on=payload.expires_on,
    )
    return _out(request, application)


@router.put("/{application_id}/terms", response=PlacementOut, url_name="placement_terms_set")
def placement_terms_set(request: HttpRequest, application_id: UUID, payload: TermsIn) -> Any:
    """Coordinators: the placement's dates and required hours."""
    application = _placement(request, application_id)
    services.placement_terms_set(
        actor=request.user,
        application=application,
        start_date=payload.start_date,
        end_date=payload.end_date,
        required_hours=payload.required_hours,
    )
    return _out(request, application)


@router.get("/{application_id}/hours", response=list[HoursOut], url_name="hours_list")
def hours_list(request: HttpRequest, application_id: UUID) -> Any:
    return list(selectors.hours_of(_placement(request, application_id)))


@router.post("/{application_id}/hours", response={201: HoursOut}, url_name="hours_log")
def hours_log(request: HttpRequest, application_id: UUID, payload: HoursIn) -> Any:
    """The student logs time on their started placement."""
    entry = services.hours_log(
        actor=request.user,
        application=_placement(request, application_id),
        date=payload.date,
        hours=payload.hours,
        activity=payload.activity,
    )
    return Status(201, entry)


@router.post("/hours/decisions", response=HoursDecisionOut, url_name="hours_decide")
def hours_decide(request: HttpRequest, payload: HoursDecisionIn) -> Any:
    """Workplace supervisors approve (locking) or return (with a ``reason``) entries in bulk;
    ``decided`` counts those this call decided (not those decided meanwhile)."""
    decided = services.hours_decide(
        actor=request.user,
        entry_ids=payload.entries,
        approve=payload.approve,
        reason=payload.reason,
    )
    return {"decided": decided}


@router.put("/hours/{entry_id}", response=HoursOut, url_name="hours_edit")
def hours_edit(request: HttpRequest, entry_id: UUID, payload: HoursIn) -> Any:
    """The student corrects an entry that waits or was returned (approved entries: 409)."""
    entry = (
        HoursEntry.objects.select_related("application__opportunity")
        .filter(public_id=entry_id)
        .first()
    )
    if entry is None or selectors.placement_for(request.user, entry.application.public_id) is None:
        raise Http404
    return services.hours_edit(
        actor=request.user,
        entry=entry,
        date=payload.date,
        hours=payload.hours,
        activity=payload.activity,
    )


# --- Learning agreements ----------------------------------------------------------------------
# The parties (the student, the institution's coordinators and educators, the holders of a
# role in the signing order) see an agreement; anyone else gets 404. Signing out of turn: 409
# naming whose turn it is; a stale step or content hash: 409.
class SignatureOut(Schema):
    step: int
    role: SignerRole
    signer: str
    signed_at: datetime
    content_hash: str


class AgreementSummaryOut(Schema):
    id: UUID
    placement: UUID
    student: str
    opportunity: str
    version: int
    status: AgreementStatus
    awaiting_role: str


class AgreementOut(AgreementSummaryOut):
    signing_order: list[str]
    next_step: int | None
    content: dict[str, Any]
    content_hash: str
    decline_reason: str
    has_pdf: bool
    signatures: list[SignatureOut]


class AgreementObjectiveIn(Schema):
    text: str = Field(..., max_length=1000)
    outcome: UUID | None = None
    skills: list[str] = Field(default_factory=list, max_length=10)


class AgreementEditIn(Schema):
    start_date: date | None = None
    end_date: date | None = None
    required_hours: Decimal | None = None
    hours_per_week: Decimal | None = None
    site: str | None = Field(None, max_length=5000)
    supervisor: str | None = Field(None, max_length=5000)
    insurance: str | None = Field(None, max_length=5000)
    stipend: str | None = Field(None, max_length=5000)
    minors: str | None = Field(None, max_length=5000)
    clauses: str | None = Field(None, max_length=5000)
    objectives: list[AgreementObjectiveIn] | None = Field(None, max_length=20)


class AgreementSignIn(Schema):
    step: int | None = Field(None, ge=0, le=20)
    content_hash: str | None = Field(None, max_length=64)


class AgreementDeclineIn(Schema):
    reason: str = Field(..., max_length=1000)


def _agreement_summary(agreement: LearningAgreement) -> dict[str, Any]:
    application = agreement.application
    return {
        "id": agreement.public_id,
        "placement": application.public_id,
        "student": application.student.full_name,
        "opportunity": application.opportunity.title,
        "version": agreement.version,
        "status": agreement.status,
        "awaiting_role": agreement.awaiting_role,
    }


def _agreement_out(agreement: LearningAgreement) -> dict[str, Any]:
    return {
        **_agreement_summary(agreement),
        "signing_order": list(agreement.signing_order),
        "next_step": agreement.next_step if agreement.status == AgreementStatus.SIGNING else None,
        "content": agreement.content,
        "content_hash": agreement.content_hash,
        "decline_reason": agreement.decline_reason,
        "has_pdf": bool(agreement.pdf),
        "signatures": [
            {
                "step": s.step,
                "role": s.role,
                "signer": s.signer_name,
                "signed_at": s.signed_at,
                "content_hash": s.content_hash,
            }
            for s in selectors.signatures_of(agreement)
        ],
    }


def _agreement(request: HttpRequest, agreement_id: UUID) -> LearningAgreement:
    agreement = selectors.agreement_for(request.user, agreement_id)
    if agreement is None:
        raise Http404
    return agreement


def _agreement_placement(request: HttpRequest, application_id: UUID) -> Application:
    """The placement by id for a party to its agreement (educators see no placement page but
    prepare and sign agreements): 404 to anyone else."""
    application = selectors.placement_for(request.user, application_id)
    if application is not None:
        return application
    application = (
        Application.objects.select_related("opportunity", "student", "institution")
        .filter(public_id=application_id, stage__in=list(PLACEMENT_STAGES))
        .first()
    )
    if application is None or not can_prepare_agreement(request.user, application):
        raise Http404
    return application


@router.get(
    "/agreements/awaiting",
    response=list[AgreementSummaryOut],
    url_name="agreements_awaiting_signature",
)
def agreements_awaiting_signature(request: HttpRequest) -> Any:
    """The agreements waiting for your signature (your "to sign" list), oldest turn first."""
    return [
        _agreement_summary(a) for a in selectors.agreements_awaiting_signature(request.user)[:200]
    ]


@router.get("/agreements/{agreement_id}", response=AgreementOut, url_name="agreement_detail")
def agreement_detail(request: HttpRequest, agreement_id: UUID) -> Any:
    """One agreement version: its content, signing order, next step and signatures."""
    return _agreement_out(_agreement(request, agreement_id))


@router.put("/agreements/{agreement_id}", response=AgreementOut, url_name="agreement_edit")
def agreement_edit(request: HttpRequest, agreement_id: UUID, payload: AgreementEditIn) -> Any:
    """Coordinators and educators edit a draft (only the fields given change; ``objectives``
    replaces the objectives). Out for signature or signed: 409."""
    agreement = _agreement(request, agreement_id)
    data = payload.model_dump(exclude_unset=True)
    objectives = data.pop("objectives", None)
    updated = services.agreement_edit(
        actor=request.user,
        agreement=agreement,
        changes=data,
        objectives=None
        if objectives is None
        else [
            services.ObjectiveInput(
                text=o["text"], outcome=o.get("outcome"), skills=tuple(o.get("skills") or ())
            )
            for o in objectives
        ],
    )
    return _agreement_out(updated)


@router.post("/agreements/{agreement_id}/send", response=AgreementOut, url_name="agreement_send")
def agreement_send(request: HttpRequest, agreement_id: UUID) -> Any:
    """Freeze a draft and ask the first signer to sign (they are e-mailed)."""
    agreement = services.agreement_send(
        actor=request.user, agreement=_agreement(request, agreement_id)
    )
    return _agreement_out(agreement)


@router.post(
    "/agreements/{agreement_id}/signatures", response=AgreementOut, url_name="agreement_sign"
)
def agreement_sign(request: HttpRequest, agreement_id: UUID, payload: AgreementSignIn) -> Any:
    """Sign the step that waits for you. ``step`` and ``content_hash`` (optional) must be the
    step and the content you read: 409 if either has changed, or if it is not your turn."""
    agreement = services.agreement_sign(
        actor=request.user,
        agreement=_agreement(request, agreement_id),
        step=payload.step,
        signed_hash=payload.content_hash,
    )
    return _agreement_out(agreement)


@router.post(
    "/agreements/{agreement_id}/decline", response=AgreementOut, url_name="agreement_decline"
)
def agreement_decline(request: HttpRequest, agreement_id: UUID, payload: AgreementDeclineIn) -> Any:
    """Decline the step that waits for you, with a ``reason``: back to draft."""
    agreement = services.agreement_decline(
        actor=request.user, agreement=_agreement(request, agreement_id), reason=payload.reason
    )
    return _agreement_out(agreement)


@router.post(
    "/agreements/{agreement_id}/amend", response={201: AgreementOut}, url_name="agreement_amend"
)
def agreement_amend(request: HttpRequest, agreement_id: UUID) -> Any:
    """Amend a fully signed agreement: a new draft version, to be signed again in full."""
    agreement = services.agreement_amend(
        actor=request.user, agreement=_agreement(request, agreement_id)
    )
    return Status(201, _agreement_out(agreement))


@router.get(
    "/agreements/{agreement_id}/pdf",
    url_name="agreement_pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The signed agreement as a PDF attachment.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def agreement_pdf(request: HttpRequest, agreement_id: UUID) -> FileResponse:
    """The fully signed agreement's PDF (content and signature record), for the parties."""
    agreement = _agreement(request, agreement_id)
    if not agreement.pdf:
        raise Http404
    response = FileResponse(
        agreement.pdf.open("rb"),
        as_attachment=True,
        filename=f"learning-agreement-v{agreement.version}-{agreement.public_id}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/{application_id}/agreements",
    response=list[AgreementSummaryOut],
    url_name="agreement_list",
)
def agreement_list(request: HttpRequest, application_id: UUID) -> Any:
    """Every version of the placement's learning agreement you are a party to, newest first."""
    application = _agreement_placement(request, application_id)
    visible = [
        a for a in selectors.agreement_versions(application) if can_view_agreement(request.user, a)
    ]
    if not visible and not (
        application.student_id == request.user.pk
        or can_prepare_agreement(request.user, application)
    ):
        raise Http404  # not a party: host recruiters and admins see no agreement
    return [_agreement_summary(a) for a in visible]


@router.post(
    "/{application_id}/agreements",
    response={201: AgreementOut},
    url_name="agreement_create",
)
def agreement_create(request: HttpRequest, application_id: UUID) -> Any:
    """Coordinators and educators prepare the placement's agreement from the institution's
    template (409 if it has one)."""
    agreement = services.agreement_create(
        actor=request.user, application=_agreement_placement(request, application_id)
    )
    return Status(201, _agreement_out(agreement))
