"""The database decides uniqueness: a refused insert is a 409 conflict, never a 500.

One validation layer: the models' rules reach services (DomainError with field messages),
and the shared helpers in tandem.core.validation turn Django's errors into ours.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from tandem.accounts import services as accounts
from tandem.accounts.models import User
from tandem.core.errors import ConflictError, DomainError
from tandem.core.validation import conflict_on_integrity, validated
from tandem.organizations import services as organizations
from tandem.organizations.models import Organization
from tandem.partnerships import services
from tandem.partnerships.models import Commitment, PartnershipContact
from tests.conftest import requires_postgres
from tests.test_partnerships_support import build_cast


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the shared helpers -----------------------------------------------------------------------
@pytest.mark.django_db
def test_validated_maps_field_and_model_rules_to_field_messages():
    cast = build_cast()
    commitment = Commitment(
        partnership=cast.partnership,
        organization=cast.partner,
        kind="funding",
        description="x" * 301,
        amount="-5",
        currency="gbp",
    )
    with pytest.raises(DomainError) as exc:
        validated(commitment)
    assert exc.value.status == 400
    assert set(exc.value.fields) == {"description", "amount", "currency"}
    assert "three-letter ISO 4217" in exc.value.fields["currency"][0]
    assert exc.value.fields["amount"] == ["Enter a number greater than zero."]


@pytest.mark.django_db
def test_validated_returns_the_instance_with_cleaned_values():
    cast = build_cast()
    commitment = validated(
        Commitment(
            partnership=cast.partnership,
            organization=cast.partner,
            kind="places",
            description="Two places",
            quantity="2.50",
        )
    )
    assert str(commitment.quantity) == "2.50"
    assert commitment.pk is None  # nothing written


@pytest.mark.django_db
def test_conflict_on_integrity_turns_a_refused_insert_into_409_and_keeps_the_transaction():
    organizations.organization_create(
        actor=None, name="Northgate", kind="institution", type="college", sector="technology"
    )
    with transaction.atomic():
        with (
            pytest.raises(ConflictError) as exc,
            conflict_on_integrity("Taken.", field="slug"),
        ):
            Organization.objects.create(
                name="Again", slug="northgate", kind="institution", type="college"
            )
        assert exc.value.status == 409
        assert exc.value.fields == {"slug": ["Taken."]}
        # the savepoint rolled back; the surrounding transaction is still usable
        assert Organization.objects.filter(slug="northgate").count() == 1


# --- constraint violations in the services -------------------------------------------------
@pytest.mark.django_db
def test_same_user_twice_as_contact_is_a_conflict():
    cast = build_cast()
    args = {
        "actor": cast.coordinator,
        "partnership": cast.partnership,
        "organization": cast.partner,
        "user": cast.recruiter,
    }
    services.partnership_contact_create(**args)
    with pytest.raises(ConflictError) as exc:
        services.partnership_contact_create(**args)
    assert "user" in exc.value.fields
    assert PartnershipContact.objects.count() == 1


@pytest.mark.django_db
def test_same_user_twice_as_contact_is_409_in_the_api(client):
    cast = build_cast()
    client.force_login(cast.coordinator)
    url = f"/api/v1/partnerships/{cast.partnership.public_id}/contacts"
    body = {
        "organization_id": str(cast.partner.public_id),
        "user_id": str(cast.recruiter.public_id),
    }
    assert client.post(url, body, content_type="application/json").status_code == 201
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["errors"]["user"]
    assert PartnershipContact.objects.count() == 1


@pytest.mark.django_db
def test_registered_email_is_a_conflict():
    accounts.user_create(email="ada@example.org", full_name="Ada", password="x" * 12)
    with pytest.raises(ConflictError) as exc:
        accounts.user_create(email=" ADA@example.org ", full_name="Ada 2", password="y" * 12)
    assert exc.value.fields == {"email": ["This e-mail address is already registered."]}
    assert User.objects.filter(email="ada@example.org").count() == 1


@pytest.mark.django_db
def test_taken_organization_short_name_is_a_conflict():
    organizations.organization_create(
        actor=None, name="Northgate", kind="institution", type="college", sector="technology"
    )
    with pytest.raises(ConflictError) as exc:
        organizations.organization_create(
            actor=None,
            name="Northgate Two",
            slug="northgate",
            kind="institution",
            type="college",
            sector="technology",
        )
    assert "slug" in exc.value.fields
    assert Organization.objects.count() == 1


# --- a real race on PostgreSQL: two connections, the second insert waits for the first -------
def _race(first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """Run ``first`` in a transaction that stays open until ``second`` has started (and is
    blocked by the unique index); return each result or the exception it raised."""
    inserted = threading.Event()
    results: list[Any] = [None, None]

    def run_first() -> None:
        try:
            with transaction.atomic():
                results[0] = first()
                inserted.set()
                time.sleep(0.5)  # the second insert now waits on our uncommitted row
        except BaseException as exc:
            results[0] = exc
            inserted.set()
        finally:
            connection.close()

    def run_second() -> None:
        try:
            inserted.wait(timeout=10)
            results[1] = second()
        except BaseException as exc:
            results[1] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_with_one_address_give_one_account_and_one_conflict():
    def sign_up() -> User:
        return accounts.user_create(email="race@example.org", full_name="R", password="z" * 12)

    first, second = _race(sign_up, sign_up)
    assert isinstance(first, User)
    assert isinstance(second, ConflictError) and second.status == 409
    assert User.objects.filter(email="race@example.org").count() == 1


@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_one_contact_give_one_row_and_one_conflict():
    cast = build_cast()

    def add() -> PartnershipContact:
        return services.partnership_contact_create(
            actor=cast.coordinator,
            partnership=cast.partnership,
            organization=cast.partner,
            user=cast.recruiter,
        )

    first, second = _race(add, add)
    assert isinstance(first, PartnershipContact)
    assert isinstance(second, ConflictError) and second.status == 409
    assert PartnershipContact.objects.count() == 1
