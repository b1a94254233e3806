"""REST endpoints for partnerships (mounted at /api/v1/partnerships by tandem.api.main).

Same rules as the pages: selectors scope what a caller sees (404 otherwise), services check
what they may change (403) and validate (400/409 with field messages); malformed input is
422. Ids are public UUIDs.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.db.models import Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from tandem.accounts.models import User
from tandem.core.dates import Date, DateTime
from tandem.core.errors import DomainError
from tandem.core.pagination import LimitOffsetPagination, paginate
from tandem.core.schemas import PublicIdSchema
from tandem.organizations.models import Organization

from . import services
from .models import (
    KPI,
    ActionItem,
    BoundMetric,
    Commitment,
    CommitmentKind,
    CommunicationEntry,
    CommunicationKind,
    DocumentKind,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
    PartnershipStatus,
    PartnershipType,
)
from .permissions import transitions_for
from .selectors import commitment_delivery_share, partnership_get, partnerships_for

router = Router(tags=["partnerships"])

Title = Annotated[str, Field(min_length=1, max_length=200)]
Amount = Annotated[Decimal, Field(max_digits=16, decimal_places=4)]
Money = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


# --- schemas --------------------------------------------------------------------------------------
class OrgRef(Schema):
    id: UUID
    name: str
    kind: str


class UserRef(Schema):
    id: UUID
    full_name: str


def _org(o: Organization) -> dict[str, Any]:
    return {"id": o.public_id, "name": o.name, "kind": o.kind}


def _user(u: Any) -> dict[str, Any] | None:
    return {"id": u.public_id, "full_name": u.full_name} if u is not None else None


class PartnershipOut(PublicIdSchema):
    title: str
    summary: str
    types: list[str]
    status: str
    institutions: list[OrgRef]
    partners: list[OrgRef]
    start_date: dt.date | None
    end_date: dt.date | None
    next_review_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_institutions(obj: Partnership) -> list[dict[str, Any]]:
        return [_org(o) for o in obj.institutions.all()]

    @staticmethod
    def resolve_partners(obj: Partnership) -> list[dict[str, Any]]:
        return [_org(o) for o in obj.partners.all()]


class PartnershipDetailOut(PartnershipOut):
    allowed_transitions: list[str]

    @staticmethod
    def resolve_allowed_transitions(obj: Partnership) -> list[str]:
        return list(getattr(obj, "viewer_transitions", []))


class PartnershipIn(Schema):
    title: Title
    summary: str = Field("", max_length=10000)
    types: list[PartnershipType] = Field(..., min_length=1)
    institution_ids: list[UUID] = Field(..., min_length=1)
    partner_ids: list[UUID] = Field(..., min_length=1)
    start_date: Date | None = None
    end_date: Date | None = None
    next_review_date: Date | None = None


class PartnershipPatch(Schema):
    title: Title | None = None
    summary: str | None = Field(None, max_length=10000)
    types: list[PartnershipType] | None = Field(None, min_length=1)
    institution_ids: list[UUID] | None = Field(None, min_length=1)
    partner_ids: list[UUID] | None = Field(None, min_length=1)
    start_date: Date | None = None
    end_date: Date | None = None
    next_review_date: Date | None = None


class TransitionIn(Schema):
    to_status: PartnershipStatus
    note: str = Field("", max_length=2000)


class TransitionOut(Schema):
    from_status: str
    to_status: str
    actor: UserRef | None
    note: str
    at: dt.datetime

    @staticmethod
    def resolve_actor(obj: Any) -> dict[str, Any] | None:
        return _user(obj.actor)


class KPIIn(Schema):
    name: Title
    unit: str = Field("", max_length=40)
    baseline: Amount
    target: Amount
    start_date: Date | None = None
    due_date: Date
    owner_id: UUID | None = None
    metric: BoundMetric = BoundMetric.MANUAL


class KPIOut(PublicIdSchema):
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    start_date: dt.date
    due_date: dt.date
    metric: str
    status: str
    latest_value: Decimal | None
    owner: UserRef | None

    @staticmethod
    def resolve_owner(obj: KPI) -> dict[str, Any] | None:
        return _user(obj.owner)


class ObjectiveIn(Schema):
    title: Title
    description: str = Field("", max_length=10000)
    owner_id: UUID | None = None


class ObjectiveOut(PublicIdSchema):
    title: str
    description: str
    owner: UserRef | None
    kpis: list[KPIOut]

    @staticmethod
    def resolve_owner(obj: Objective) -> dict[str, Any] | None:
        return _user(obj.owner)

    @staticmethod
    def resolve_kpis(obj: Objective) -> list[KPI]:
        return list(obj.kpis.all())


class MeasurementIn(Schema):
    value: Amount
    measured_at: DateTime | None = None
    note: str = Field("", max_length=300)


class MeasurementOut(PublicIdSchema):
    value: Decimal
    measured_at: dt.datetime
    source: str
    recorded_by: UserRef | None
    note: str

    @staticmethod
    def resolve_recorded_by(obj: Any) -> dict[str, Any] | None:
        return _user(obj.recorded_by)


class MeasurementCreatedOut(MeasurementOut):
    kpi_status: str

    @staticmethod
    def resolve_kpi_status(obj: Any) -> str:
        return str(obj.kpi.status)


class DeliveryIn(Schema):
    amount: Money | None = None
    quantity: Quantity | None = None
    delivered_on: Date | None = None
    note: str = Field("", max_length=300)


class DeliveryOut(PublicIdSchema):
    amount: Decimal | None
    quantity: Decimal | None
    delivered_on: dt.date
    note: str


class CommitmentIn(Schema):
    organization_id: UUID
    kind: CommitmentKind
    description: str = Field(..., min_length=1, max_length=300)
    amount: Money | None = None
    currency: str = Field("", max_length=3)
    quantity: Quantity | None = None
    due_date: Date | None = None


class CommitmentOut(PublicIdSchema):
    organization: OrgRef
    kind: str
    description: str
    amount: Decimal | None
    currency: str
    quantity: Decimal | None
    due_date: dt.date | None
    delivered: Decimal
    delivered_share: Decimal
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_organization(obj: Commitment) -> dict[str, Any]:
        return _org(obj.organization)

    @staticmethod
    def resolve_delivered(obj: Commitment) -> Decimal:
        return commitment_delivery_share(obj).delivered

    @staticmethod
    def resolve_delivered_share(obj: Commitment) -> Decimal:
        return round(commitment_delivery_share(obj).share, 4)

    @staticmethod
    def resolve_deliveries(obj: Commitment) -> list[Any]:
        return list(obj.deliveries.all())


class ContactIn(Schema):
    organization_id: UUID
    user_id: UUID | None = None
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    role_title: str = Field("", max_length=120)
    is_primary: bool = False


class ContactOut(PublicIdSchema):
    organization: OrgRef
    user: UserRef | None
    name: str
    email: str
    role_title: str
    is_primary: bool

    @staticmethod
    def resolve_organization(obj: PartnershipContact) -> dict[str, Any]:
        return _org(obj.organization)

    @staticmethod
    def resolve_user(obj: PartnershipContact) -> dict[str, Any] | None:
        return _user(obj.user)

    @staticmethod
    def resolve_name(obj: PartnershipContact) -> str:
        return obj.display_name

    @staticmethod
    def resolve_email(obj: PartnershipContact) -> str:
        return obj.display_email


class CommunicationIn(Schema):
    kind: CommunicationKind
    date: Date | None = None
    title: Title
    body: str = Field("", max_length=20000)


class CommunicationOut(PublicIdSchema):
    kind: str
    date: dt.date
    title: str
    body: str
    author: UserRef | None

    @staticmethod
    def resolve_author(obj: CommunicationEntry) -> dict[str, Any] | None:
        return _user(obj.author)


class ActionItemIn(Schema):
    description: str = Field(..., min_length=1, max_length=300)
    owner_id: UUID | None = None
    due_date: Date | None = None
    entry_id: UUID | None = None


class ActionItemPatch(Schema):
    done: bool


class ActionItemOut(PublicIdSchema):
    description: str
    owner: UserRef | None
    due_date: dt.date | None
    done_at: dt.datetime | None
    entry_id: UUID | None

    @staticmethod
    def resolve_owner(obj: ActionItem) -> dict[str, Any] | None:
        return _user(obj.owner)

    @staticmethod
    def resolve_entry_id(obj: ActionItem) -> UUID | None:
        return obj.entry.public_id if obj.entry is not None else None


class DocumentOut(PublicIdSchema):
    kind: str
    title: str
    content_type: str
    size: int
    created_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: PartnershipDocument) -> str:
        return reverse(
            "partnerships:document_download", args=[obj.partnership.public_id, obj.public_id]
        )


# --- helpers --------------------------------------------------------------------------------------
def _orgs(ids: list[UUID], field: str) -> list[Organization]:
    found = list(Organization.objects.filter(public_id__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError("Unknown organization.", fields={field: "Unknown organization."})
    return found


def _user_by_id(user_id: UUID | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(public_id=user_id, is_active=True).first()
    if user is None:
        raise DomainError("Unknown user.", fields={field: "Unknown user."})
    return user


def _partnership_org(partnership: Partnership, org_id: UUID) -> Organization:
    org = Organization.objects.filter(public_id=org_id).first()
    if org is None:
        raise DomainError(
            "Unknown organization.", fields={"organization_id": "Unknown organization."}
        )
    return org


def _detail(request: HttpRequest, partnership: Partnership) -> Partnership:
    """The partnership with the statuses this caller may move it to."""
    partnership.viewer_transitions = transitions_for(  # type: ignore[attr-defined]
        request.user, partnership
    )
    return partnership


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
    return Status(201, _detail(request, partnership))


@router.get("/{partnership_id}", response=PartnershipDetailOut)
def partnership_detail(request: HttpRequest, partnership_id: UUID) -> Any:
    return _detail(request, partnership_get(request.user, partnership_id))


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
            raise DomainError("This field cannot be empty.", fields={key: "Cannot be null."})
    if "summary" in data and data["summary"] is None:
        data["summary"] = ""
    services.partnership_update(
        actor=request.user,
        partnership=partnership,
        institutions=_orgs(institution_ids, "institution_ids") if institution_ids else None,
        partners=_orgs(partner_ids, "partner_ids") if partner_ids else None,
        **data,
    )
    return _detail(request, partnership_get(request.user, partnership_id))


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
            raise DomainError("Unknown entry.", fields={"entry_id": "Unknown entry."})
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
