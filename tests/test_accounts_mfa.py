"""Two-factor sign-in (allauth.mfa): TOTP end to end with codes computed in the test,
recovery codes that work once, and the audit trail of MFA changes."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY

from tandem.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.mfa_support import (
    MFA_AUTHENTICATE,
    password_step,
    reauthenticate,
    totp_code,
    totp_secret_on_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada_with_totp():
    user = UserFactory(email="ada@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_totp_sign_in_asks_for_the_code_after_the_password(client, ada_with_totp):
    user, secret = ada_with_totp
    response = password_step(client, "ada@example.org")
    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE
    assert SESSION_KEY not in client.session  # not signed in with the password alone
    page = client.get(MFA_AUTHENTICATE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Two-Factor Authentication" in html or "two-factor" in html.lower()
    assert '<link rel="stylesheet"' in html  # Tandem's layout

    response = client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_wrong_totp_code_does_not_sign_in(client, ada_with_totp):
    _user, secret = ada_with_totp
    password_step(client, "ada@example.org")
    wrong = totp_code(secret, step=100)
    response = client.post(MFA_AUTHENTICATE, {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_totp_code_cannot_be_replayed(client, ada_with_totp):
    _user, secret = ada_with_totp
    code = totp_code(secret)
    password_step(client, "ada@example.org")
    assert client.post(MFA_AUTHENTICATE, {"code": code}).status_code == 302
    client.logout()
    password_step(client, "ada@example.org")
    response = client.post(MFA_AUTHENTICATE, {"code": code})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_recovery_code_works_once_and_is_audited(client, ada_with_totp):
    user, _secret = ada_with_totp
    codes = RecoveryCodes.activate(user).get_unused_codes()
    password_step(client, "ada@example.org")
    response = client.post(MFA_AUTHENTICATE, {"code": codes[0]})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    event = AuditEvent.objects.get(action="mfa.recovery_code_used")
    assert event.actor == user
    assert event.changes == {"type": "recovery_codes"}

    client.logout()
    password_step(client, "ada@example.org")
    response = client.post(MFA_AUTHENTICATE, {"code": codes[0]})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    # Another, unused code still works.
    response = client.post(MFA_AUTHENTICATE, {"code": codes[1]})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="mfa.recovery_code_used").count() == 2


def test_setting_up_totp_on_the_pages_is_audited_and_then_required(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="grace@example.org")
    assert password_step(client, "grace@example.org").status_code == 302
    # MFA changes ask for the password again first.
    assert client.get("/auth/2fa/totp/activate/")["Location"].startswith("/auth/reauthenticate/")
    reauthenticate(client)
    page = client.get("/auth/2fa/totp/activate/")
    assert page.status_code == 200
    secret = totp_secret_on_page(page.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/auth/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    enabled = AuditEvent.objects.get(action="mfa.enabled")
    assert enabled.actor == user and enabled.changes == {"type": "totp"}

    client.logout()
    response = password_step(client, "grace@example.org")
    assert response["Location"] == MFA_AUTHENTICATE
    assert SESSION_KEY not in client.session


def test_turning_totp_off_is_audited(client, ada_with_totp, django_capture_on_commit_callbacks):
    user, secret = ada_with_totp
    password_step(client, "ada@example.org")
    client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})
    # With MFA on, reauthenticating asks for a code (the one just used cannot be replayed).
    response = client.post("/auth/2fa/reauthenticate/", {"code": totp_code(secret, step=1)})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/auth/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    assert AuditEvent.objects.get(action="mfa.disabled").changes == {"type": "totp"}


def test_the_wrong_password_never_reaches_the_code_step(client, ada_with_totp):
    response = password_step(client, "ada@example.org", password="not-" + PASSWORD)
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert client.get(MFA_AUTHENTICATE).status_code == 302  # no pending sign-in to finish
