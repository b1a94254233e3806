"""Single sign-on with OpenID Connect against a real provider (node-oidc-provider): just-in-time
provisioning, role mapping, linking by a verified e-mail only, refusals."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import User
from tandem.audit.models import AuditEvent
from tandem.organizations.models import Membership
from tandem.sso.models import SsoConnection
from tandem.sso.services import sso_connection_create, sso_connection_update
from tests.factories import InstitutionFactory, UserFactory
from tests.sso_support import oidc_peer, sign_in_at_peer

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"
CALLBACK = f"{SERVER}/auth/oidc/sso-riverside/login/callback/"
USERS = {
    "ada": {
        "email": "ada@riverside.example.edu",
        "email_verified": True,
        "name": "Ada Byron",
        "groups": ["students"],
    },
    "tom": {
        "email": "tom@riverside.example.edu",
        "email_verified": True,
        "name": "Tom Hale",
        "groups": ["faculty", "careers"],
    },
    "eve": {
        "email": "owner@example.org",
        "email_verified": False,
        "name": "Eve Unverified",
        "groups": ["faculty"],
    },
    "kim": {
        "email": "kim@riverside.example.edu",
        "email_verified": True,
        "name": "Kim Guest",
        "groups": ["visitors"],
    },
    "lin": {
        "email": "owner@example.org",
        "email_verified": True,
        "name": "Lin Owner",
        "groups": ["faculty"],
    },
}


@pytest.fixture
def admin():
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def institution():
    return InstitutionFactory(name="Riverside Community College", slug="riverside-cc")


@pytest.fixture
def peer():
    with oidc_peer(
        clients=[
            {"client_id": "tandem", "client_secret": "peer-secret", "redirect_uris": [CALLBACK]}
        ],
        users=USERS,
    ) as issuer:
        yield issuer


@pytest.fixture
def connection(admin, institution, peer) -> SsoConnection:
    return sso_connection_create(
        actor=admin,
        organization=institution,
        slug="riverside",
        name="Riverside College",
        protocol="oidc",
        is_enabled=True,
        issuer_url=peer,
        client_id="tandem",
        client_secret="peer-secret",
        role_rules=[
            {"attribute": "groups", "value": "students", "role": "student"},
            {"attribute": "groups", "value": "faculty", "role": "educator"},
            {"attribute": "groups", "value": "careers", "role": "coordinator"},
        ],
    )


def sso_sign_in(client: Client, login: str, provider_id: str = "sso-riverside"):
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": provider_id}))
    assert start.status_code == 302, start.status_code
    callback = sign_in_at_peer(start["Location"], login=login, redirect_prefix=SERVER)
    return client.get(callback.removeprefix(SERVER))


def test_first_sign_in_creates_the_person_and_membership(connection, institution):
    client = Client()
    response = sso_sign_in(client, "ada")
    assert response.status_code == 302
    user = User.objects.get(email="ada@riverside.example.edu")
    assert user.full_name == "Ada Byron"
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("organization", "role")) == [
        (institution.pk, "student")
    ]
    assert SocialAccount.objects.get(user=user).provider == "sso-riverside"
    assert client.get("/").wsgi_request.user == user
    assert AuditEvent.objects.filter(action="sso.provision").exists()


def test_groups_map_to_several_roles(connection, institution):
    sso_sign_in(Client(), "tom")
    user = User.objects.get(email="tom@riverside.example.edu")
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {
        "educator",
        "coordinator",
    }


def test_later_sign_in_adds_mapped_roles_and_removes_none(admin, connection, institution):
    sso_sign_in(Client(), "ada")
    user = User.objects.get(email="ada@riverside.example.edu")
    # The institution now maps everyone to educator too (as if Ada's groups had grown).
    sso_connection_update(
        actor=admin,
        connection=connection,
        role_rules=[
            *connection.role_rules,
            {"attribute": "email", "value": "*@riverside.example.edu", "role": "educator"},
        ],
    )
    response = sso_sign_in(Client(), "ada")
    assert response.status_code == 302
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {
        "student",
        "educator",
    }
    assert User.objects.filter(email="ada@riverside.example.edu").count() == 1


def test_verified_email_links_to_the_existing_account(connection, institution):
    owner = UserFactory(email="owner@example.org", full_name="Lin Owner")
    response = sso_sign_in(Client(), "lin")
    assert response.status_code == 302
    assert SocialAccount.objects.get(provider="sso-riverside").user == owner
    assert User.objects.filter(email="owner@example.org").count() == 1
    assert Membership.objects.filter(user=owner, organization=institution, role="educator").exists()


def test_unverified_email_never_links_and_is_refused(connection):
    owner = UserFactory(email="owner@example.org")
    client = Client()
    response = sso_sign_in(client, "eve")
    assert response.status_code == 403
    assert "did not confirm that your e-mail address is verified" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert not Membership.objects.filter(user=owner).exists()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_no_matching_role_is_refused_and_creates_nobody(connection):
    response = sso_sign_in(Client(), "kim")
    assert response.status_code == 403
    assert "carries no role" in response.content.decode()
    assert not User.objects.filter(email="kim@riverside.example.edu").exists()


def test_default_role_applies_when_no_rule_matches(admin, connection, institution):
    sso_connection_update(actor=admin, connection=connection, default_role="student")
    sso_sign_in(Client(), "kim")
    user = User.objects.get(email="kim@riverside.example.edu")
    assert Membership.objects.filter(user=user, organization=institution, role="student").exists()


def test_disabled_connection_is_refused(admin, connection):
    client = Client()
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso-riverside"}))
    assert start.status_code == 302
    sso_connection_update(actor=admin, connection=connection, is_enabled=False)
    # Neither a new start nor a sign-in already under way at the IdP gets through.
    assert client.post("/auth/oidc/sso-riverside/login/").status_code == 404
    callback = sign_in_at_peer(start["Location"], login="ada", redirect_prefix=SERVER)
    assert client.get(callback.removeprefix(SERVER)).status_code == 404
    assert not User.objects.filter(email="ada@riverside.example.edu").exists()


def test_sign_in_page_shows_a_button_per_enabled_connection(admin, connection, institution):
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "Sign in with Riverside College" in page
    assert 'action="/auth/oidc/sso-riverside/login/"' in page
    sso_connection_update(actor=admin, connection=connection, is_enabled=False)
    assert (
        "Sign in with Riverside College"
        not in Client().get(reverse("accounts:login")).content.decode()
    )


def test_staff_signed_in_by_sso_must_still_set_up_mfa_where_required(
    admin, connection, institution
):
    """An institution that requires MFA of its staff requires it of staff who sign in with
    its SSO too: the IdP's sign-in is not Tandem's second factor (docs/accounts.md). Students
    are not held."""
    from tandem.organizations.services import organization_mfa_policy_set

    organization_mfa_policy_set(actor=admin, organization=institution, required=True)
    staff = Client()
    assert sso_sign_in(staff, "tom").status_code == 302
    page = staff.get("/")
    assert page.status_code == 302 and page["Location"] == reverse("mfa_index")
    api = staff.get("/api/v1/opportunities/")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"].lower() or "mfa" in api.json()["detail"].lower()
    student = Client()
    assert sso_sign_in(student, "ada").status_code == 302
    assert student.get("/").status_code == 200
