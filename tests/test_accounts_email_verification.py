"""E-mail verification (allauth): accounts Tandem made count as verified; an unverified
address cannot sign in until its link is followed; changing one's address takes effect only
once the new one is confirmed."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail

from tests.factories import UserFactory
from tests.mfa_support import password_step

pytestmark = pytest.mark.django_db


def _confirm_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/auth/confirm-email/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_an_account_tandem_made_signs_in_and_its_address_is_recorded_verified(client):
    user = UserFactory(email="ada@example.org")
    assert not EmailAddress.objects.filter(user=user).exists()
    response = password_step(client, "ada@example.org")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ada@example.org", True, True)
    assert mail.outbox == []


def test_an_unverified_address_must_be_confirmed_by_its_link_before_signing_in(client):
    user = UserFactory(email="new@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = password_step(client, "new@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/auth/confirm-email/"
    assert SESSION_KEY not in client.session
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    assert message.subject == "Confirm your e-mail address for Tandem"
    link = _confirm_link(message.body)

    page = client.get(link)  # opening the link changes nothing…
    assert page.status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    assert "tandem/tandem.css" in page.content.decode()
    response = client.post(link)  # …its Confirm button does
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    response = password_step(client, "new@example.org")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_changing_the_address_takes_effect_once_the_new_one_is_confirmed(client):
    user = UserFactory(email="old@example.org")
    password_step(client, "old@example.org")
    page = client.get("/auth/email/")
    assert page.status_code == 200
    response = client.post("/auth/email/", {"action_add": "", "email": "New@Example.org"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "old@example.org"  # not yet
    assert mail.outbox[-1].to == ["new@example.org"]
    client.post(_confirm_link(mail.outbox[-1].body))
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("new@example.org", True)
    ]
    client.logout()
    assert password_step(client, "new@example.org").status_code == 302
    client.logout()
    assert password_step(client, "old@example.org").status_code == 200


def test_a_wrong_confirmation_key_confirms_nothing(client):
    user = UserFactory(email="new@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post("/auth/confirm-email/not-a-real-key/")
    assert response.status_code in {200, 404}
    assert not EmailAddress.objects.get(user=user).verified


def test_password_reset_through_allauths_address_goes_to_the_one_flow(client):
    response = client.get("/auth/password/reset/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/"
