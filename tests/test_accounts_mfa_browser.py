"""Two-factor sign-in in a real browser (Debian's chromium via Playwright): a passkey enrolled
with Chromium's virtual authenticator (DevTools WebAuthn domain) and then used to sign in
without a password, and a TOTP code typed after the password."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory
from tests.mfa_support import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


@pytest.fixture
def ada():
    user = UserFactory(email="ada@example.org", full_name="Ada Lovelace")
    MembershipFactory(user=user, organization=InstitutionFactory(), role="student")
    return user


def _password_step(page: Page, base: str) -> None:
    page.set_default_timeout(60_000)  # the passkey scripts load with the sign-in page
    page.goto(f"{base}/accounts/login/", wait_until="domcontentloaded")
    page.get_by_label("E-mail").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _virtual_authenticator(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_enrol_a_passkey_and_sign_in_with_it(live_server, page: Page, ada):
    base = live_server.url
    _virtual_authenticator(page)
    _password_step(page, base)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    page.goto(f"{base}/auth/2fa/webauthn/add/", wait_until="domcontentloaded")
    # Changing MFA asks for the password again first.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/auth/2fa/webauthn/add/**")
    page.get_by_label("Name").fill("Laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    key = Authenticator.objects.get(user=ada, type="webauthn")
    assert key.wrap().name == "Laptop"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_sign_in_with_a_totp_code(live_server, page: Page, ada):
    secret = generate_totp_secret()
    TOTP.activate(ada, secret)
    base = live_server.url
    _password_step(page, base)
    page.wait_for_url("**/auth/2fa/authenticate/")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
