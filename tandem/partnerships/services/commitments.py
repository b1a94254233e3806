"""What each organization promises to the partnership, and what it has delivered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tandem.accounts.types import Actor, signed_in
from tandem.core.validation import validated
from tandem.organizations.models import Organization

from ..models import Commitment, CommitmentDelivery, CommitmentKind, Partnership
from ._common import audit, check_side, number_or_none, require_edit, stripped

Number = Decimal | int | str


@transaction.atomic
def commitment_create(
    *,
    actor: Actor,
    partnership: Partnership,
    organization: Organization,
    kind: str,
    description: str,
    amount: Number | None = None,
    currency: str = "",
    quantity: Number | None = None,
    due_date: dt.date | None = None,
) -> Commitment:
    """Record what one organization of the partnership promises.

    Funding needs ``amount`` and ``currency``; other kinds need ``quantity``.
    """
    require_edit(actor, partnership)
    funding = kind == CommitmentKind.FUNDING
    commitment = Commitment(
        partnership=partnership,
        organization=organization,
        kind=kind,
        description=stripped(description),
        amount=number_or_none(amount) if funding else None,
        currency=stripped(currency).upper() if funding else "",
        quantity=None if funding else number_or_none(quantity),
        due_date=due_date,
        created_by=signed_in(actor),
    )
    check_side(organization, partnership)
    validated(commitment)
    commitment.save()
    measure = {"amount": commitment.amount, "currency": commitment.currency}
    audit(
        actor=actor,
        action="partnership.commitment_created",
        partnership=partnership,
        obj=commitment,
        kind=kind,
        organization=organization.name,
        **(measure if funding else {"quantity": commitment.quantity}),
    )
    return commitment


@transaction.atomic
def commitment_delivery_record(
    *,
    actor: Actor,
    commitment: Commitment,
    amount: Number | None = None,
    quantity: Number | None = None,
    delivered_on: dt.date | None = None,
    note: str = "",
) -> CommitmentDelivery:
    """Record part or all of a commitment as delivered (an amount for funding, else a
    quantity). Over-delivery is allowed and shows as more than 100 %."""
    partnership = commitment.partnership
    require_edit(actor, partnership)
    funding = commitment.is_funding
    delivery = validated(
        CommitmentDelivery(
            commitment=commitment,
            amount=number_or_none(amount) if funding else None,
            quantity=None if funding else number_or_none(quantity),
            delivered_on=delivered_on or timezone.localdate(),
            note=stripped(note),
            recorded_by=signed_in(actor),
        )
    )
    delivery.save()
    audit(
        actor=actor,
        action="partnership.commitment_delivered",
        partnership=partnership,
        obj=commitment,
        delivered_on=delivery.delivered_on,
        **({"amount": delivery.amount} if funding else {"quantity": delivery.quantity}),
    )
    return delivery
