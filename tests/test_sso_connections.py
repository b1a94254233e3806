"""Configuring SSO connections: platform admins only (pages and API), validated, audited,
the client secret never shown back nor written to the audit trail."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tandem.audit.models import AuditEvent
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Role
from tandem.sso.models import SsoConnection
from tandem.sso.services import sso_connection_create, sso_connection_update
from tests.factories import InstitutionFactory, MembershipFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/sso-connections"
SECRET = "s3cr3t-never-shown"


@pytest.fixture
def admin():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def institution():
    return InstitutionFactory(name="Lakeside College")


def _oidc(**extra):
    return {
        "slug": "lakeside",
        "name": "Lakeside College",
        "protocol": "oidc",
        "issuer_url": "https://idp.lakeside.example.edu",
        "client_id": "tandem",
        "client_secret": SECRET,
        **extra,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_institutions_own_coordinator_cannot_configure_sso(institution):
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, organization=institution, role=Role.COORDINATOR)
    with pytest.raises(PermissionDeniedError):
        sso_connection_create(actor=coordinator, organization=institution, **_oidc())
    client = _client(coordinator)
    assert client.get("/sso/connections/").status_code == 403
    response = client.post(
        "/sso/connections/new/",
        {"organization": institution.pk, **_oidc(), "role_rules": ""},
    )
    assert response.status_code == 403
    api = client.post(
        f"{API}/",
        json.dumps({"organization_id": str(institution.public_id), **_oidc()}),
        content_type="application/json",
    )
    assert api.status_code == 403
    assert not SsoConnection.objects.exists()


def test_admin_creates_a_connection_on_the_page_and_the_secret_is_never_shown(admin, institution):
    client = _client(admin)
    response = client.post(
        "/sso/connections/new/",
        {
            "organization": institution.pk,
            **_oidc(is_enabled="on"),
            "role_rules": "groups=students -> student\ngroups=faculty -> educator",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    connection = SsoConnection.objects.get()
    assert connection.rules() == [
        {"attribute": "groups", "value": "students", "role": "student"},
        {"attribute": "groups", "value": "faculty", "role": "educator"},
    ]
    assert connection.client_secret == SECRET
    edit = client.get(f"/sso/connections/{connection.public_id}/").content.decode()
    assert "groups=faculty -&gt; educator" in edit
    assert "/auth/oidc/sso-lakeside/login/callback/" in edit
    assert SECRET not in edit
    assert SECRET not in client.get(f"{API}/{connection.public_id}").content.decode()
    assert SECRET not in client.get(f"{API}/").content.decode()
    event = AuditEvent.objects.get(action="sso_connection.create")
    assert SECRET not in json.dumps(event.changes, default=str)
    assert event.changes["client_secret"] == "(changed)"


def test_editing_without_a_secret_keeps_the_stored_one(admin, institution):
    connection = sso_connection_create(actor=admin, organization=institution, **_oidc())
    client = _client(admin)
    response = client.post(
        f"/sso/connections/{connection.public_id}/",
        {"organization": institution.pk, **_oidc(client_secret="", name="Lakeside SSO")},
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.name, connection.client_secret) == ("Lakeside SSO", SECRET)
    assert AuditEvent.objects.filter(action="sso_connection.update").count() == 1


def test_role_rules_must_fit_the_kind_of_organization(admin):
    partner = PartnerFactory()
    with pytest.raises(DomainError) as exc:
        sso_connection_create(
            actor=admin,
            organization=partner,
            **_oidc(role_rules=[{"attribute": "groups", "value": "x", "role": "student"}]),
        )
    assert "role_rules" in exc.value.fields


def test_a_bad_rule_line_is_a_form_error_not_a_500(admin, institution):
    response = _client(admin).post(
        "/sso/connections/new/",
        {"organization": institution.pk, **_oidc(), "role_rules": "groups students student"},
    )
    assert response.status_code == 422
    assert "attribute=value -&gt; role" in response.content.decode()
    assert not SsoConnection.objects.exists()


def test_saml_needs_metadata_or_the_idp_details(admin, institution):
    with pytest.raises(DomainError) as exc:
        sso_connection_create(
            actor=admin, organization=institution, slug="x", name="X", protocol="saml"
        )
    assert "idp_metadata_url" in exc.value.fields


def test_api_round_trip_for_a_platform_admin(admin, institution):
    client = _client(admin)
    created = client.post(
        f"{API}/",
        json.dumps(
            {
                "organization_id": str(institution.public_id),
                **_oidc(role_rules=[{"attribute": "groups", "value": "staff", "role": "educator"}]),
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["has_client_secret"] is True
    assert "client_secret" not in body
    bad = client.patch(
        f"{API}/{body['id']}",
        json.dumps({"issuer_url": "not a url"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    assert "issuer_url" in bad.json()["errors"]
    patched = client.patch(
        f"{API}/{body['id']}", json.dumps({"is_enabled": True}), content_type="application/json"
    )
    assert patched.json()["is_enabled"] is True
    assert client.delete(f"{API}/{body['id']}").status_code == 204
    assert not SsoConnection.objects.exists()
    assert AuditEvent.objects.filter(action="sso_connection.delete").exists()


def test_sign_in_page_offers_a_find_box_when_there_are_many(admin):
    for n in range(8):
        sso_connection_create(
            actor=admin,
            organization=InstitutionFactory(name=f"College {n}"),
            **_oidc(slug=f"college-{n}", name=f"College number {n}", is_enabled=True),
        )
    page = Client().get("/accounts/login/").content.decode()
    assert "Find your institution" in page
    assert "Sign in with College number" not in page
    found = Client().get("/accounts/login/?institution=number 3").content.decode()
    assert "Sign in with College number 3" in found
    assert "Sign in with College number 4" not in found


def test_updating_an_unknown_field_is_refused(admin, institution):
    connection = sso_connection_create(actor=admin, organization=institution, **_oidc())
    with pytest.raises(DomainError):
        sso_connection_update(actor=admin, connection=connection, organization_id=1)


def test_sso_accounts_are_exported_and_erased_with_the_person(admin):
    from allauth.socialaccount.models import SocialAccount

    from tandem.accounts.personal_data import export_personal_data
    from tandem.accounts.services import user_erase

    person = UserFactory(email="ada@example.edu")
    SocialAccount.objects.create(
        user=person, provider="sso-lakeside", uid="ada-42", extra_data={"groups": ["students"]}
    )
    exported = export_personal_data(person)["sso"]
    assert exported[0]["uid"] == "ada-42"
    assert exported[0]["claims"] == {"groups": ["students"]}
    user_erase(actor=admin, user=person)
    assert not SocialAccount.objects.filter(uid="ada-42").exists()
