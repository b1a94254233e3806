"""Partnership services: commitments and their delivery, contacts (one primary per side),
communication entries and action items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.partnerships import selectors, services
from tandem.partnerships.models import CommitmentDelivery, PartnershipContact
from tests.partnerships_services_support import (
    _fast_settings,  # noqa: F401 (a fixture)
    cast,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


# --- commitments, contacts, communication -----------------------------------------------------
def test_commitments_and_delivery_share(cast):  # noqa: F811
    funding = services.commitment_create(
        actor=cast.recruiter,
        partnership=cast.partnership,
        organization=cast.partner,
        kind="funding",
        description="Bursaries",
        amount="10000",
        currency="gbp",
    )
    assert (funding.amount, funding.currency, funding.quantity) == (
        Decimal("10000.00"),
        "GBP",
        None,
    )
    services.commitment_delivery_record(actor=cast.recruiter, commitment=funding, amount="2500")
    services.commitment_delivery_record(actor=cast.coordinator, commitment=funding, amount=1500)
    share = selectors.commitment_delivery_share(funding)
    assert (share.delivered, share.percent) == (Decimal("4000.00"), 40)

    hours = services.commitment_create(
        actor=cast.coordinator,
        partnership=cast.partnership,
        organization=cast.inst,
        kind="staff_hours",
        description="Teaching time",
        quantity=40,
    )
    services.commitment_delivery_record(actor=cast.coordinator, commitment=hours, quantity=50)
    listed = {c.pk: c for c in selectors.commitments_for(cast.coordinator, cast.partnership)}
    assert selectors.commitment_delivery_share(listed[hours.pk]).percent == 125
    assert selectors.commitment_delivery_share(listed[funding.pk]).percent == 40


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "funding", "amount": None, "currency": "GBP"}, "amount"),
        ({"kind": "funding", "amount": 10, "currency": "pounds"}, "currency"),
        ({"kind": "funding", "amount": -5, "currency": "GBP"}, "amount"),
        ({"kind": "places", "quantity": None}, "quantity"),
        ({"kind": "places", "quantity": 0}, "quantity"),
        ({"kind": "snacks", "quantity": 1}, "kind"),
        ({"kind": "places", "quantity": 2, "organization": "other"}, "organization"),
    ],
)
def test_commitment_validation(cast, fields, error_field):  # noqa: F811
    org = cast.other_partner if fields.pop("organization", None) else cast.partner
    with pytest.raises(DomainError) as exc:
        services.commitment_create(
            actor=cast.recruiter,
            partnership=cast.partnership,
            organization=org,
            description="x",
            **fields,
        )
    assert error_field in exc.value.fields


def test_delivery_needs_the_right_measure(cast):  # noqa: F811
    c = services.commitment_create(
        actor=cast.recruiter,
        partnership=cast.partnership,
        organization=cast.partner,
        kind="places",
        description="x",
        quantity=3,
    )
    with pytest.raises(DomainError) as exc:
        services.commitment_delivery_record(actor=cast.recruiter, commitment=c, amount=3)
    assert "quantity" in exc.value.fields
    with pytest.raises(DomainError):
        services.commitment_delivery_record(
            actor=cast.recruiter,
            commitment=c,
            quantity=1,
            delivered_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert CommitmentDelivery.objects.count() == 0


def test_contacts_one_primary_per_side(cast):  # noqa: F811
    a = services.partnership_contact_create(
        actor=cast.coordinator,
        partnership=cast.partnership,
        organization=cast.partner,
        name="Ada Lovelace",
        email="ada@acme.example",
        role_title="HR lead",
        is_primary=True,
    )
    b = services.partnership_contact_create(
        actor=cast.coordinator,
        partnership=cast.partnership,
        organization=cast.partner,
        user=cast.recruiter,
        is_primary=True,
    )
    a.refresh_from_db()
    assert (a.is_primary, b.is_primary) == (False, True)
    assert b.display_email == cast.recruiter.email
    with pytest.raises(DomainError) as exc:
        services.partnership_contact_create(
            actor=cast.coordinator,
            partnership=cast.partnership,
            organization=cast.partner,
            name="No mail",
        )
    assert "email" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        services.partnership_contact_create(
            actor=cast.coordinator,
            partnership=cast.partnership,
            organization=cast.inst,
            user=cast.recruiter,
        )
    assert "user" in exc.value.fields
    services.partnership_contact_delete(actor=cast.recruiter, contact=a)
    assert PartnershipContact.objects.count() == 1


def test_communication_and_action_items(cast):  # noqa: F811
    entry = services.communication_entry_create(
        actor=cast.coordinator,
        partnership=cast.partnership,
        kind="meeting",
        title="Kick-off",
        body="Agreed on 5 places.",
    )
    item = services.action_item_create(
        actor=cast.recruiter,
        partnership=cast.partnership,
        description="Send MOU draft",
        owner=cast.recruiter,
        due_date=timezone.localdate(),
        entry=entry,
    )
    assert item.entry == entry
    services.action_item_set_done(actor=cast.coordinator, item=item)
    item.refresh_from_db()
    assert item.is_done
    with pytest.raises(DomainError) as exc:
        services.communication_entry_create(
            actor=cast.coordinator, partnership=cast.partnership, kind="tweet", title="x"
        )
    assert "kind" in exc.value.fields
    with pytest.raises(PermissionDeniedError):
        services.action_item_set_done(actor=cast.educator, item=item, done=False)
