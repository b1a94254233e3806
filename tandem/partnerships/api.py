"""REST endpoints for partnerships (mounted at /api/v1/partnerships by tandem.api.main).

Same rules as the pages: selectors scope what a caller sees (404 otherwise), services check
what they may change (403) and validate (400/409 with field messages); malformed input is
422. Ids are public UUIDs. The shapes are in :mod:`.schemas`.
"""

from typing import Annotated, Any
from uuid import UUID

from django.db.models import Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.core.pagination import LimitOffsetPagination, paginate
from tandem.organizations.models import Organization

from . import services
from .models import (
    KPI,
    ActionItem,
    Commitment,
    DocumentKind,
    Objective,
    Partnership,
    PartnershipStatus,
    PartnershipType,
)
from .schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    CommitmentIn,
    CommitmentOut,
    CommunicationIn,
    CommunicationOut,
    ContactIn,
    ContactOut,
    DeliveryIn,
    DocumentOut,
    KPIIn,
    KPIOut,
    MeasurementCreatedOut,
    MeasurementIn,
    MeasurementOut,
    ObjectiveIn,
    ObjectiveOut,
    PartnershipDetailOut,
    PartnershipIn,
    PartnershipOut,
    PartnershipPatch,
    TransitionIn,
    TransitionOut,
)
from .selectors import partnership_get, partnerships_for

router = Router(tags=["partnerships"])


# --- helpers --------------------------------------------------------------------------------------
def _orgs(ids: list[UUID], field: str) -> list[Organization]:
    found = list(Organization.objects.filter(public_id__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError(_("Unknown organization."), fields={field: _("Unknown organization.")})
    return found


def _user_by_id(user_id: UUID | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(public_id=user_id, is_active=True).first()
    if user is None:
        raise DomainError(_("Unknown user."), fields={field: _("Unknown user.")})
    return user


def _partnership_org(partnership: Partnership, org_id: UUID) -> Organization:
    org = Organization.objects.filter(public_id=org_id).first()
    if org is None:
        raise DomainError(
            _("Unknown organization."), fields={"organization_id": _("Unknown organization.")}
        )
    return org


# --- partnerships ---------------------------------------------------------------------------------
@router.get("/", response=list[PartnershipOut])
@paginate(LimitOffsetPagination)
def partnership_list(
    request: HttpRequest,
    q: str = "",
    status: PartnershipStatus | None = None,
    type: PartnershipType | None = None,
) -> Any:
    """Partnerships you can see; search by title, filter by status and type."""
    return partnerships_for(
        request.user,
        q=q[:100],
        status=status.value if status else "",
        type=type.value if type else "",
    )


@router.post("/", response={201: PartnershipDetailOut})
def partnership_create(request: HttpRequest, payload: PartnershipIn) -> Any:
    """Propose a partnership (coordinators of one of the institutions, recruiters of one of
    the partners)."""
    partnership = services.partnership_create(
        actor=request.user,
        title=payload.title,
        summary=payload.summary,
        types=[t.value for t in payload.types],
        institutions=_orgs(payload.institution_ids, "institution_ids"),
        partners=_orgs(payload.partner_ids, "partner_ids"),
        start_date=payload.start_date,
        end_date=payload.end_date,
        next_review_date=payload.next_review_date,
    )
    return Status(201, partnership)


@router.get("/{partnership_id}", response=PartnershipDetailOut)
def partnership_detail(request: HttpRequest, partnership_id: UUID) -> Any:
    return partnership_get(request.user, partnership_id)


@router.patch("/{partnership_id}", response=PartnershipDetailOut)
def partnership_update(
    request: HttpRequest, partnership_id: UUID, payload: PartnershipPatch
) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    data = payload.model_dump(exclude_unset=True)
    institution_ids = data.pop("institution_ids", None)
    partner_ids = data.pop("partner_ids", None)
    if "types" in data and data["types"] is not None:
        data["types"] = [PartnershipType(t).value for t in data["types"]]
    for key in ("title", "types"):
        if key in data and data[key] is None:
            raise DomainError(_("This field cannot be empty."), fields={key: _("Cannot be null.")})
    if "summary" in data and data["summary"] is None:
        data["summary"] = ""
    services.partnership_update(
        actor=request.user,
        partnership=partnership,
        institutions=_orgs(institution_ids, "institution_ids") if institution_ids else None,
        partners=_orgs(partner_ids, "partner_ids") if partner_ids else None,
        **data,
    )
    return partnership_get(request.user, partnership_id)


@router.get("/{partnership_id}/transitions", response=list[TransitionOut])
def transition_list(request: HttpRequest, partnership_id: UUID) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    return list(partnership.transitions.select_related("actor"))


@router.post("/{partnership_id}/transitions", response={201: TransitionOut})
def transition_create(request: HttpRequest, partnership_id: UUID, payload: TransitionIn) -> Any:
    """Move the partnership along its lifecycle (409 for a move the lifecycle forbids)."""
    partnership = partnership_get(request.user, partnership_id)
    record = services.partnership_transition(
        actor=request.user,
        partnership=partnership,
        to_status=payload.to_status.value,
        note=payload.note,
    )
    return Status(201, record)


# --- objectives, KPIs, measurements ------------------------------------------------
@router.get("/{partnership_id}/objectives", response=list[ObjectiveOut])
def objective_list(request: HttpRequest, partnership_id: UUID) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    return list(partnership.objectives.select_related("owner").prefetch_related("kpis__owner"))


@router.post("/{partnership_id}/objectives", response={201: ObjectiveOut})
def objective_create(request: HttpRequest, partnership_id: UUID, payload: ObjectiveIn) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    objective = services.objective_create(
        actor=request.user,
        partnership=partnership,
        title=payload.title,
        description=payload.description,
        owner=_user_by_id(payload.owner_id, "owner_id"),
    )
    return Status(201, objective)


@router.post("/{partnership_id}/objectives/{objective_id}/kpis", response={201: KPIOut})
def kpi_create(
    request: HttpRequest, partnership_id: UUID, objective_id: UUID, payload: KPIIn
) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    objective = get_object_or_404(Objective, partnership=partnership, public_id=objective_id)
    kpi = services.kpi_create(
        actor=request.user,
        objective=objective,
        name=payload.name,
        unit=payload.unit,
        baseline=payload.baseline,
        target=payload.target,
        start_date=payload.start_date,
        due_date=payload.due_date,
        owner=_user_by_id(payload.owner_id, "owner_id"),
        metric=payload.metric.value,
    )
    return Status(201, kpi)


def _kpi(partnership: Partnership, kpi_id: UUID) -> KPI:
    return get_object_or_404(
        KPI.objects.select_related("objective__partnership", "owner"),
        objective__partnership=partnership,
        public_id=kpi_id,
    )


@router.get("/{partnership_id}/kpis/{kpi_id}/measurements", response=list[MeasurementOut])
@paginate(LimitOffsetPagination)
def measurement_list(request: HttpRequest, partnership_id: UUID, kpi_id: UUID) -> Any:
    """A KPI's measurement history, newest first."""
    kpi = _kpi(partnership_get(request.user, partnership_id), kpi_id)
    return kpi.measurements.select_related("recorded_by").order_by("-measured_at", "-id")


@router.post("/{partnership_id}/kpis/{kpi_id}/measurements", response={201: MeasurementCreatedOut})
def measurement_create(
    request: HttpRequest, partnership_id: UUID, kpi_id: UUID, payload: MeasurementIn
) -> Any:
    """Record a manual measurement; the answer carries the KPI's refreshed status."""
    kpi = _kpi(partnership_get(request.user, partnership_id), kpi_id)
    measurement = services.kpi_measurement_record(
        actor=request.user,
        kpi=kpi,
        value=payload.value,
        measured_at=payload.measured_at,
        note=payload.note,
    )
    return Status(201, measurement)


# --- commitments --------------------------------------------------------------------------------
@router.get("/{partnership_id}/commitments", response=list[CommitmentOut])
def commitment_list(request: HttpRequest, partnership_id: UUID) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    return list(
        partnership.commitments.select_related("organization")
        .prefetch_related("deliveries")
        .annotate(
            delivered_amount=Sum("deliveries__amount"),
            delivered_quantity=Sum("deliveries__quantity"),
        )
    )


@router.post("/{partnership_id}/commitments", response={201: CommitmentOut})
def commitment_create(request: HttpRequest, partnership_id: UUID, payload: CommitmentIn) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    commitment = services.commitment_create(
        actor=request.user,
        partnership=partnership,
        organization=_partnership_org(partnership, payload.organization_id),
        kind=payload.kind.value,
        description=payload.description,
        amount=payload.amount,
        currency=payload.currency,
        quantity=payload.quantity,
        due_date=payload.due_date,
    )
    return Status(201, commitment)


@router.post(
    "/{partnership_id}/commitments/{commitment_id}/deliveries", response={201: CommitmentOut}
)
def delivery_create(
    request: HttpRequest, partnership_id: UUID, commitment_id: UUID, payload: DeliveryIn
) -> Any:
    """Record a delivery; the answer is the commitment with its new delivered share."""
    partnership = partnership_get(request.user, partnership_id)
    commitment = get_object_or_404(Commitment, partnership=partnership, public_id=commitment_id)
    services.commitment_delivery_record(
        actor=request.user,
        commitment=commitment,
        amount=payload.amount,
        quantity=payload.quantity,
        delivered_on=payload.delivered_on,
        note=payload.note,
    )
    return Status(201, Commitment.objects.select_related("organization").get(pk=commitment.pk))


# --- contacts, communication, action items -----------------------------------------------------
@router.get("/{partnership_id}/contacts", response=list[ContactOut])
def contact_list(request: HttpRequest, partnership_id: UUID) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    return list(partnership.contacts.select_related("organization", "user"))


@router.post("/{partnership_id}/contacts", response={201: ContactOut})
def contact_create(request: HttpRequest, partnership_id: UUID, payload: ContactIn) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    contact = services.partnership_contact_create(
        actor=request.user,
        partnership=partnership,
        organization=_partnership_org(partnership, payload.organization_id),
        user=_user_by_id(payload.user_id, "user_id"),
        name=payload.name,
        email=payload.email,
        role_title=payload.role_title,
        is_primary=payload.is_primary,
    )
    return Status(201, contact)


@router.get("/{partnership_id}/communications", response=list[CommunicationOut])
@paginate(LimitOffsetPagination)
def communication_list(request: HttpRequest, partnership_id: UUID) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    return partnership.communications.select_related("author")


@router.post("/{partnership_id}/communications", response={201: CommunicationOut})
def communication_create(
    request: HttpRequest, partnership_id: UUID, payload: CommunicationIn
) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    entry = services.communication_entry_create(
        actor=request.user,
        partnership=partnership,
        kind=payload.kind.value,
        date=payload.date,
        title=payload.title,
        body=payload.body,
    )
    return Status(201, entry)


@router.get("/{partnership_id}/action-items", response=list[ActionItemOut])
def action_item_list(request: HttpRequest, partnership_id: UUID) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    return list(partnership.action_items.select_related("owner", "entry"))


@router.post("/{partnership_id}/action-items", response={201: ActionItemOut})
def action_item_create(request: HttpRequest, partnership_id: UUID, payload: ActionItemIn) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    entry = None
    if payload.entry_id is not None:
        entry = partnership.communications.filter(public_id=payload.entry_id).first()
        if entry is None:
            raise DomainError(_("Unknown entry."), fields={"entry_id": _("Unknown entry.")})
    item = services.action_item_create(
        actor=request.user,
        partnership=partnership,
        description=payload.description,
        owner=_user_by_id(payload.owner_id, "owner_id"),
        due_date=payload.due_date,
        entry=entry,
    )
    return Status(201, item)


@router.patch("/{partnership_id}/action-items/{item_id}", response=ActionItemOut)
def action_item_update(
    request: HttpRequest, partnership_id: UUID, item_id: UUID, payload: ActionItemPatch
) -> Any:
    """Mark an action item done (``{"done": true}``) or open again."""
    partnership = partnership_get(request.user, partnership_id)
    item = get_object_or_404(ActionItem, partnership=partnership, public_id=item_id)
    return services.action_item_set_done(actor=request.user, item=item, done=payload.done)


# --- documents ----------------------------------------------------------------------------------
@router.get("/{partnership_id}/documents", response=list[DocumentOut])
def document_list(request: HttpRequest, partnership_id: UUID) -> Any:
    partnership = partnership_get(request.user, partnership_id)
    return list(partnership.documents.select_related("partnership"))


@router.post("/{partnership_id}/documents", response={201: DocumentOut})
def document_upload(
    request: HttpRequest,
    partnership_id: UUID,
    kind: Form[DocumentKind],
    title: Form[Annotated[str, Field(min_length=1, max_length=200)]],
    file: File[UploadedFile],
) -> Any:
    """Upload a PDF, DOCX or ODT (multipart form: kind, title, file)."""
    partnership = partnership_get(request.user, partnership_id)
    document = services.partnership_document_upload(
        actor=request.user, partnership=partnership, kind=kind.value, title=title, file=file
    )
    return Status(201, document)
