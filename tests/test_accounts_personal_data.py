"""Personal data: export (right of access) and erasure on request (right to erasure)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY

from tandem.accounts import personal_data, services
from tandem.accounts.models import ApiToken, User
from tandem.audit.models import AuditEvent
from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Membership
from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    inst = InstitutionFactory(name="Northgate College")
    membership = MembershipFactory(
        organization=inst,
        role="student",
        user=UserFactory(email="ada@example.org", full_name="Ada Lovelace"),
        program="Software engineering",
        year_of_study=2,
        title="Class rep",
    )
    return membership.user


# --- Export ------------------------------------------------------------------------------------


def test_export_is_my_data_as_json(client, ada):
    client.force_login(ada)
    response = client.get("/accounts/personal-data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "ada@example.org"
    assert data["account"]["full_name"] == "Ada Lovelace"
    assert data["memberships"] == [
        {
            "organization": "Northgate College",
            "role": "student",
            "program": "Software engineering",
            "year_of_study": 2,
            "completed_on": None,
        }
    ]
    for name in personal_data._EXPORTERS:
        assert name in data


def test_export_includes_what_i_did_in_the_audit_trail(client, ada):
    inst = ada.memberships.get().organization
    audit_record(actor=ada, action="organizations.updated", target=inst, organizations=[inst])
    client.force_login(ada)
    data = json.loads(client.get("/accounts/personal-data.json").content)
    assert [e["action"] for e in data["audit"]] == ["organizations.updated"]


def test_export_never_contains_someone_else(client, ada):
    UserFactory(email="grace@example.org", full_name="Grace Hopper")
    client.force_login(ada)
    body = client.get("/accounts/personal-data.json").content.decode()
    assert "grace@example.org" not in body and "Grace Hopper" not in body


def test_export_needs_sign_in(client):
    response = client.get("/accounts/personal-data.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Erasure: the service -------------------------------------------------------------------------


def test_erase_anonymises_the_account_and_calls_every_eraser(ada, monkeypatch):
    called: list[int] = []
    monkeypatch.setitem(personal_data._ERASERS, "zz_test", lambda user: called.append(user.pk))
    public_id = ada.public_id
    services.api_token_create(actor=ada, name="laptop")
    AccessAttempt.objects.create(
        username="ada@example.org",
        ip_address="192.0.2.1",
        user_agent="x",
        failures_since_start=1,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )

    erased = services.user_erase(actor=ada, user=ada)

    assert called == [ada.pk]
    erased.refresh_from_db()
    assert erased.public_id == public_id
    assert erased.full_name == "Erased user"
    assert erased.email.endswith("@erased.invalid") and "ada" not in erased.email
    assert not erased.has_usable_password()
    assert not erased.is_active and not erased.is_staff and not erased.is_superuser
    assert erased.erased_at is not None and erased.last_login is None
    assert not ApiToken.objects.filter(user=erased).exists()
    membership = Membership.objects.get(user=erased)
    assert (membership.title, membership.program, membership.year_of_study) == ("", "", None)
    assert membership.is_active is False
    assert not AccessAttempt.objects.filter(username="ada@example.org").exists()


def test_erase_is_audited_without_personal_data(ada):
    inst = ada.memberships.get().organization
    audit_record(actor=None, action="accounts.user.invited", target=ada, organizations=[inst])
    services.user_erase(actor=ada, user=ada)
    event = AuditEvent.objects.get(action="accounts.user.erased")
    assert event.target_id == str(ada.public_id)
    assert list(event.organizations.all()) == [inst]
    everything = json.dumps(
        list(AuditEvent.objects.values("target_label", "changes", "target_id")), default=str
    )
    for personal in ("Ada", "Lovelace", "ada@example.org", "Software engineering"):
        assert personal not in everything


def test_erased_person_can_no_longer_sign_in(client, ada):
    services.user_erase(actor=ada, user=ada)
    response = client.post(
        "/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_platform_admin_may_erase_someone(ada):
    admin = UserFactory(is_staff=True, is_superuser=True)
    services.user_erase(actor=admin, user=ada)
    ada.refresh_from_db()
    assert ada.erased_at is not None
    event = AuditEvent.objects.get(action="accounts.user.erased")
    assert event.actor == admin
    assert event.changes == {"requested_by": "platform admin"}


@pytest.mark.parametrize("who", ["other_person", "coordinator_of_same_school", "staff_not_admin"])
def test_others_may_not_erase_and_nothing_changes(ada, who, monkeypatch):
    called: list[int] = []
    monkeypatch.setitem(personal_data._ERASERS, "zz_test", lambda user: called.append(user.pk))
    inst = ada.memberships.get().organization
    actor = {
        "other_person": lambda: UserFactory(),
        "coordinator_of_same_school": lambda: (
            MembershipFactory(organization=inst, role="coordinator").user
        ),
        "staff_not_admin": lambda: UserFactory(is_staff=True),
    }[who]()
    token, _raw = services.api_token_create(actor=ada, name="laptop")
    with pytest.raises(PermissionDeniedError):
        services.user_erase(actor=actor, user=ada)
    ada.refresh_from_db()
    assert (ada.full_name, ada.email, ada.is_active) == ("Ada Lovelace", "ada@example.org", True)
    assert ada.erased_at is None
    assert called == []
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert not AuditEvent.objects.filter(action="accounts.user.erased").exists()


def test_erasing_twice_is_refused(ada):
    admin = UserFactory(is_staff=True, is_superuser=True)
    services.user_erase(actor=admin, user=ada)
    with pytest.raises(DomainError):
        services.user_erase(actor=admin, user=ada)
    assert AuditEvent.objects.filter(action="accounts.user.erased").count() == 1


def test_a_failing_eraser_rolls_everything_back(ada, monkeypatch):
    def broken(user):
        raise RuntimeError("storage unavailable")

    monkeypatch.setitem(personal_data._ERASERS, "zz_broken", broken)
    with pytest.raises(RuntimeError):
        services.user_erase(actor=ada, user=ada)
    ada.refresh_from_db()
    assert ada.full_name == "Ada Lovelace" and ada.erased_at is None
    assert Membership.objects.get(user=ada).program == "Software engineering"


# --- Erasure: the page ----------------------------------------------------------------------------


def test_account_page_links_to_erasure(client, ada):
    client.force_login(ada)
    assert 'href="/accounts/erase/"' in client.get("/accounts/").content.decode()


def test_erase_page_needs_sign_in(client):
    assert client.get("/accounts/erase/").status_code == 302
    response = client.post("/accounts/erase/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_erase_page_with_password_erases_and_signs_out(client, ada):
    client.force_login(ada)
    page = client.get("/accounts/erase/")
    assert page.status_code == 200
    assert '<label for="id_password">' in page.content.decode()
    response = client.post("/accounts/erase/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in client.session
    ada.refresh_from_db()
    assert ada.full_name == "Erased user" and ada.erased_at is not None
    assert client.get("/accounts/").status_code == 302


@pytest.mark.parametrize(
    "data",
    [{"password": "not-my-password", "confirm": "on"}, {"password": PASSWORD}, {}],
    ids=["wrong_password", "not_confirmed", "empty"],
)
def test_erase_page_refuses_without_password_and_confirmation(client, ada, data):
    client.force_login(ada)
    response = client.post("/accounts/erase/", data)
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()
    ada.refresh_from_db()
    assert ada.erased_at is None and ada.full_name == "Ada Lovelace"
    assert client.session[SESSION_KEY] == str(ada.pk)


def test_other_sessions_of_the_erased_person_end(client, ada):
    from django.test import Client

    other_device = Client()
    other_device.force_login(ada)
    assert other_device.get("/accounts/").status_code == 200
    client.force_login(ada)
    client.post("/accounts/erase/", {"password": PASSWORD, "confirm": "on"})
    response = other_device.get("/accounts/")
    assert response.status_code == 302
    assert User.objects.get(pk=ada.pk).erased_at is not None


def test_admin_action_erases(client, ada):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "erase_personal_data", "_selected_action": [ada.pk]},
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.erased_at is not None


# --- Across apps: the registered erasers really run ---


@pytest.mark.django_db(transaction=True)
def test_erasure_reaches_applications_and_their_cv_files(client, ada, settings, tmp_path):
    from django.core.files.base import ContentFile

    from tests.factories import ApplicationFactory

    inst = ada.memberships.get().organization
    application = ApplicationFactory(
        student=ada, institution=inst, statement="I built a robot arm at Northgate."
    )
    application.cv.save("ada-cv.pdf", ContentFile(b"%PDF-1.4 Ada Lovelace CV"), save=True)
    cv_path = application.cv.path
    assert Path(cv_path).exists()

    client.force_login(ada)
    exported = json.loads(client.get("/accounts/personal-data.json").content)
    assert exported["applications"][0]["statement"] == "I built a robot arm at Northgate."

    services.user_erase(actor=ada, user=ada)

    application.refresh_from_db()
    assert application.statement == ""
    assert not application.cv
    assert not Path(cv_path).exists()  # deleted once the transaction committed
    assert application.stage == "submitted"  # the record stays for seat counts and KPIs


def test_export_over_the_api_with_a_token(client, ada):
    _token, raw = services.api_token_create(actor=ada, name="export")
    response = client.get("/api/v1/accounts/me/personal-data", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    data = response.json()
    assert data["account"]["email"] == "ada@example.org"
    assert data["memberships"][0]["program"] == "Software engineering"
    assert client.get("/api/v1/accounts/me/personal-data").status_code == 401
