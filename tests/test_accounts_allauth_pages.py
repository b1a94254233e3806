"""django-allauth's pages under /auth/ (left out of the authorization matrix by prefix, see
tests/authz_page_rules.py): the signed-in ones send anonymous visitors to sign in, none
writes on GET, they render in Tandem's layout, and sign-up stays closed unless a flow opens
it through the adapter's gate."""

from __future__ import annotations

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection

from tandem.accounts import allauth_adapter
from tandem.accounts.models import User
from tests.factories import UserFactory
from tests.mfa_support import MFA_AUTHENTICATE, password_step, totp_code
from tests.test_no_writes_on_get import Guard

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/auth/login/",
    "/auth/signup/",
    "/auth/inactive/",
    "/auth/confirm-email/",
    "/auth/confirm-email/not-a-key/",
    "/auth/password/reset/",
    "/auth/password/reset/done/",
    "/auth/password/reset/key/done/",
    "/auth/password/reset/key/1-not-a-key/",
    "/auth/2fa/authenticate/",
]
SIGNED_IN = [
    "/auth/email/",
    "/auth/password/change/",
    "/auth/password/set/",
    "/auth/reauthenticate/",
    "/auth/2fa/",
    "/auth/2fa/reauthenticate/",
    "/auth/2fa/totp/activate/",
    "/auth/2fa/totp/deactivate/",
    "/auth/2fa/recovery-codes/",
    "/auth/2fa/recovery-codes/generate/",
    "/auth/2fa/recovery-codes/download/",
    "/auth/2fa/webauthn/",
    "/auth/2fa/webauthn/add/",
    "/auth/2fa/webauthn/reauthenticate/",
    "/auth/3rdparty/",
]


def _get_without_writes(client, url: str):
    guard = Guard()
    try:
        with connection.execute_wrapper(guard):
            response = client.get(url)
    except AssertionError:
        response = None
    assert not guard.writes, f"{url}: {guard.writes}"
    assert response is not None and response.status_code < 500, url
    return response


@pytest.mark.parametrize("url", SIGNED_IN)
def test_signed_in_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = _get_without_writes(client, url)
    assert response.status_code == 302, url
    assert response["Location"].startswith("/accounts/login/?next="), response["Location"]


def test_no_page_writes_on_get(client):
    user = UserFactory(email="ada@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    for url in PUBLIC:
        _get_without_writes(client, url)
    password_step(client, user.email)
    _get_without_writes(client, MFA_AUTHENTICATE)
    client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})
    for url in SIGNED_IN:
        _get_without_writes(client, url)
    # Reauthenticated, the recovery codes are shown: still no write.
    client.post("/auth/2fa/reauthenticate/", {"code": totp_code(secret, step=1)})
    page = _get_without_writes(client, "/auth/2fa/recovery-codes/")
    assert page.status_code == 200
    codes = RecoveryCodes(user.authenticator_set.get(type="recovery_codes")).get_unused_codes()
    assert codes[0] in page.content.decode()
    download = _get_without_writes(client, "/auth/2fa/recovery-codes/download/")
    assert codes[0] in download.content.decode()


def test_pages_render_in_tandems_layout_with_labelled_fields(client):
    user = UserFactory()
    client.force_login(user)
    for url in ["/auth/email/", "/auth/password/change/", "/auth/reauthenticate/"]:
        html = client.get(url).content.decode()
        assert "tandem/tandem.css" in html, url
        assert '<main id="main"' in html, url
        assert "<label for=" in html, url


def test_passkeys_of_another_person_cannot_be_removed_or_renamed(client):
    from allauth.mfa.models import Authenticator

    owner = UserFactory()
    key = Authenticator.objects.create(user=owner, type="webauthn", data={"name": "Key"})
    client.force_login(UserFactory())
    for url in [
        f"/auth/2fa/webauthn/keys/{key.pk}/remove/",
        f"/auth/2fa/webauthn/keys/{key.pk}/edit/",
    ]:
        assert client.post(url, {"name": "Mine"}).status_code in {302, 404}
    key.refresh_from_db()
    assert key.data == {"name": "Key"}


def test_sign_up_is_closed_unless_a_flow_opens_it(client):
    page = client.get("/auth/signup/")
    assert page.status_code == 200
    assert "closed" in page.content.decode().lower()
    data = {
        "email": "new@example.org",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
    }
    client.post("/auth/signup/", data)
    assert not User.objects.filter(email="new@example.org").exists()

    allauth_adapter.register_signup_gate("test", lambda request: True)
    try:
        response = client.post("/auth/signup/", data)
    finally:
        allauth_adapter._SIGNUP_GATES.pop("test")
    assert response.status_code == 302
    # A signed-up address is not verified: the person must confirm it first.
    assert response["Location"] == "/auth/confirm-email/"
    user = User.objects.get(email="new@example.org")
    assert not user.emailaddress_set.get().verified
