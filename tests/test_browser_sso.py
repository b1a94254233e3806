"""Single sign-on in a real browser: "Sign in with <institution>" on Tandem's sign-in page,
the person signs in on the identity provider's own page, and lands in Tandem with the role the
connection maps. One OpenID Connect provider (node-oidc-provider), one SAML 2.0 IdP (pysaml2)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.organizations.models import Membership
from tandem.sso.services import sso_connection_create
from tests.conftest import free_port
from tests.factories import InstitutionFactory, UserFactory
from tests.sso_support import make_idp_keys, oidc_peer, saml_peer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


@pytest.fixture
def admin():
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


def test_oidc_sign_in_lands_as_an_educator(live_server, page: Page, admin):
    institution = InstitutionFactory(name="Riverside Community College")
    callback = f"{live_server.url}/auth/oidc/sso-riverside/login/callback/"
    users = {
        "tom": {
            "email": "tom@riverside.example.edu",
            "email_verified": True,
            "name": "Tom Hale",
            "groups": ["faculty"],
        }
    }
    client = {"client_id": "tandem", "client_secret": "peer-secret", "redirect_uris": [callback]}
    with oidc_peer(clients=[client], users=users) as issuer:
        sso_connection_create(
            actor=admin,
            organization=institution,
            slug="riverside",
            name="Riverside College",
            protocol="oidc",
            is_enabled=True,
            issuer_url=issuer,
            client_id="tandem",
            client_secret="peer-secret",
            role_rules=[{"attribute": "groups", "value": "faculty", "role": "educator"}],
        )
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("button", name="Sign in with Riverside College").click()
        # The provider's own pages: sign in, then consent.
        page.locator("input[name=login]").fill("tom")
        page.locator("input[name=password]").fill("anything")
        page.get_by_role("button", name="Sign-in").click()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Tom Hale")
    user = User.objects.get(email="tom@riverside.example.edu")
    assert list(Membership.objects.filter(user=user).values_list("organization", "role")) == [
        (institution.pk, "educator")
    ]


def test_saml_sign_in_lands_as_a_student(live_server, page: Page, admin, tmp_path):
    institution = InstitutionFactory(name="Northfield University")
    port = free_port()
    key_file, cert_file, pem = make_idp_keys(tmp_path)
    sso_connection_create(
        actor=admin,
        organization=institution,
        slug="northfield",
        name="Northfield University",
        protocol="saml",
        is_enabled=True,
        trust_email=True,
        idp_entity_id=f"http://127.0.0.1:{port}/idp",
        idp_sso_url=f"http://127.0.0.1:{port}/sso/redirect",
        idp_x509cert=pem,
        role_rules=[
            {"attribute": "eduPersonAffiliation", "value": "student", "role": "student"},
        ],
    )
    response = page.request.get(f"{live_server.url}/auth/saml/sso-northfield/metadata/")
    sp_metadata = response.text()
    users = {
        "sam": {
            "attributes": {
                "mail": ["sam@northfield.example.edu"],
                "eduPersonAffiliation": ["student", "member"],
                "eduPersonPrincipalName": ["sam@northfield.example.edu"],
                "displayName": ["Sam Tester"],
            }
        }
    }
    with saml_peer(
        folder=tmp_path,
        port=port,
        key_file=key_file,
        cert_file=cert_file,
        sp_metadata=sp_metadata,
        users=users,
    ):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("button", name="Sign in with Northfield University").click()
        page.get_by_label("User name").fill("sam")
        page.get_by_role("button", name="Sign in at the IdP").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Sam Tester")
    user = User.objects.get(email="sam@northfield.example.edu")
    assert list(Membership.objects.filter(user=user).values_list("organization", "role")) == [
        (institution.pk, "student")
    ]
