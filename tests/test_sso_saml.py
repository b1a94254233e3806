"""Single sign-on with SAML 2.0 against a real identity provider (pysaml2's IdP, signed
assertions): provisioning by eduPersonAffiliation, refusals of a bad signature, a wrong
audience and an unverified address."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from tandem.accounts.models import User
from tandem.organizations.models import Membership
from tandem.sso.services import sso_connection_create, sso_connection_update
from tests.conftest import free_port
from tests.factories import InstitutionFactory, UserFactory
from tests.sso_support import make_idp_keys, saml_peer, sign_in_at_saml_peer

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"


def _client() -> Client:
    # python3-saml reads the Host header, which browsers always send (Django's test client
    # does not by default).
    return Client(HTTP_HOST="testserver")


BASE = "/auth/saml/sso-northfield"


def _person(login: str, affiliation: list[str], *, mail: str = "", tamper: str = "") -> dict:
    return {
        "attributes": {
            "mail": [mail or f"{login}@northfield.example.edu"],
            "eduPersonAffiliation": affiliation,
            "eduPersonPrincipalName": [f"{login}@northfield.example.edu"],
            "givenName": [login.capitalize()],
            "sn": ["Tester"],
            "displayName": [f"{login.capitalize()} Tester"],
        },
        "tamper": tamper,
    }


USERS = {
    "sam": _person("sam", ["student", "member"]),
    "fay": _person("fay", ["faculty", "employee"]),
    "owner": _person("owner", ["staff"], mail="owner@example.org"),
    "mallory": _person("mallory", ["student"], tamper="signature"),
    "oscar": _person("oscar", ["student"], tamper="audience"),
}


@pytest.fixture
def admin():
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def institution():
    return InstitutionFactory(name="Northfield University", slug="northfield-u")


@pytest.fixture
def connection(admin, institution, tmp_path):
    port = free_port()
    key_file, cert_file, pem = make_idp_keys(tmp_path)
    connection = sso_connection_create(
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
            {"attribute": "eduPersonAffiliation", "value": "faculty", "role": "educator"},
            {"attribute": "eduPersonAffiliation", "value": "staff", "role": "coordinator"},
        ],
    )
    metadata = _client().get(f"{BASE}/metadata/")
    assert metadata.status_code == 200
    with saml_peer(
        folder=tmp_path,
        port=port,
        key_file=key_file,
        cert_file=cert_file,
        sp_metadata=metadata.content.decode(),
        users=USERS,
    ):
        yield connection


def saml_sign_in(client: Client, login: str):
    start = client.post(f"{BASE}/login/")
    assert start.status_code == 302, start.status_code
    action, fields = sign_in_at_saml_peer(start["Location"], login=login)
    assert action == f"{SERVER}{BASE}/acs/"
    response = client.post(action.removeprefix(SERVER), fields)
    if response.status_code == 302 and response["Location"].startswith(f"{BASE}/acs/finish"):
        response = client.get(response["Location"])
    return response


def test_first_sign_in_creates_a_student(connection, institution):
    client = _client()
    response = saml_sign_in(client, "sam")
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(email="sam@northfield.example.edu")
    assert user.full_name == "Sam Tester"
    assert list(Membership.objects.filter(user=user).values_list("organization", "role")) == [
        (institution.pk, "student")
    ]
    assert SocialAccount.objects.get(user=user).uid == "sam@northfield.example.edu"
    assert client.get("/").wsgi_request.user == user


def test_faculty_become_educators(connection, institution):
    saml_sign_in(_client(), "fay")
    user = User.objects.get(email="fay@northfield.example.edu")
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {"educator"}


def test_address_the_idp_issues_links_the_existing_account(connection, institution):
    owner = UserFactory(email="owner@example.org")
    assert saml_sign_in(_client(), "owner").status_code == 302
    assert SocialAccount.objects.get(provider="sso-northfield").user == owner
    assert Membership.objects.filter(user=owner, role="coordinator").exists()


def test_unverified_saml_address_never_links(admin, connection):
    owner = UserFactory(email="owner@example.org")
    sso_connection_update(actor=admin, connection=connection, trust_email=False)
    client = _client()
    response = saml_sign_in(client, "owner")
    assert response.status_code == 403
    assert "did not confirm that your e-mail address is verified" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert not Membership.objects.filter(user=owner).exists()


def test_bad_signature_is_refused_with_a_message(connection):
    client = _client()
    response = saml_sign_in(client, "mallory")
    assert response.status_code == 400
    body = response.content.decode()
    assert "signature is not valid" in body
    assert not User.objects.filter(email__contains="mallory").exists()
    assert not User.objects.filter(email="intruder@example.org").exists()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_wrong_audience_is_refused_with_a_message(connection):
    response = saml_sign_in(_client(), "oscar")
    assert response.status_code == 400
    assert "wrong audience" in response.content.decode()
    assert not User.objects.filter(email__contains="oscar").exists()


def test_disabled_connection_is_refused(admin, connection):
    sso_connection_update(actor=admin, connection=connection, is_enabled=False)
    assert _client().post(f"{BASE}/login/").status_code == 404
