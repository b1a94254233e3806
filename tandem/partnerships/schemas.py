"""The shapes of the partnerships API (/api/v1/partnerships): what comes in, what goes out.

The limits here mirror the model fields so that malformed input is a 422 before it reaches
a service; the services ask the models again (one rule set, two doors).
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from tandem.accounts.models import User
from tandem.core.dates import Date, DateTime
from tandem.core.schemas import PublicIdSchema
from tandem.organizations.models import Organization

from .models import (
    KPI,
    ActionItem,
    BoundMetric,
    Commitment,
    CommitmentDelivery,
    CommitmentKind,
    CommunicationEntry,
    CommunicationKind,
    KPIMeasurement,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
    PartnershipStatus,
    PartnershipTransition,
    PartnershipType,
)
from .permissions import transitions_for
from .selectors import commitment_delivery_share

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


def _user(u: User | None) -> dict[str, Any] | None:
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
    def resolve_allowed_transitions(obj: Partnership, context: dict[str, Any]) -> list[str]:
        """The statuses the caller may move the partnership to."""
        return transitions_for(context["request"].user, obj)


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
    def resolve_actor(obj: PartnershipTransition) -> dict[str, Any] | None:
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
    def resolve_recorded_by(obj: KPIMeasurement) -> dict[str, Any] | None:
        return _user(obj.recorded_by)


class MeasurementCreatedOut(MeasurementOut):
    kpi_status: str

    @staticmethod
    def resolve_kpi_status(obj: KPIMeasurement) -> str:
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
    def resolve_deliveries(obj: Commitment) -> list[CommitmentDelivery]:
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
