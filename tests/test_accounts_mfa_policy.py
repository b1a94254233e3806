"""An institution may require MFA of its staff (coordinators, educators); platform admins may
be required to use it by a setting. Until they set it up they see only the MFA pages, and
their API tokens are refused; students are never affected."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tandem.accounts import services
from tandem.audit.models import AuditEvent
from tandem.core.errors import PermissionDeniedError
from tandem.organizations.models import Role
from tests.factories import InstitutionFactory, UserFactory, member
from tests.mfa_support import (
    MFA_AUTHENTICATE,
    password_step,
    reauthenticate,
    totp_code,
    totp_secret_on_page,
)

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"


@pytest.fixture
def strict():
    return InstitutionFactory(require_mfa_for_staff=True)


def test_staff_of_a_strict_institution_are_sent_to_set_up_mfa_first(client, strict):
    coordinator = member(strict, Role.COORDINATOR)
    assert password_step(client, coordinator.email).status_code == 302
    for path in ["/", "/accounts/", "/organizations/", f"/organizations/{strict.public_id}/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/auth/2fa/", path
    assert client.get("/auth/2fa/").status_code == 200
    # Signing out still works.
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


def test_educators_too_but_not_students_nor_staff_of_other_institutions(client, strict):
    educator = member(strict, Role.EDUCATOR)
    password_step(client, educator.email)
    assert client.get("/")["Location"] == "/auth/2fa/"
    client.logout()

    student = member(strict, Role.STUDENT)
    password_step(client, student.email)
    assert client.get("/").status_code == 200
    client.logout()

    elsewhere = member(InstitutionFactory(), Role.COORDINATOR)
    password_step(client, elsewhere.email)
    assert client.get("/").status_code == 200


def test_after_setting_up_totp_the_staff_member_goes_on(client, strict):
    coordinator = member(strict, Role.COORDINATOR)
    password_step(client, coordinator.email)
    assert client.get("/")["Location"] == "/auth/2fa/"
    reauthenticate(client)
    secret = totp_secret_on_page(client.get("/auth/2fa/totp/activate/").content.decode())
    response = client.post("/auth/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # Next time, the code is asked for at sign-in and nothing is in the way after it.
    client.logout()
    assert password_step(client, coordinator.email)["Location"] == MFA_AUTHENTICATE
    client.post(MFA_AUTHENTICATE, {"code": totp_code(secret, step=1)})
    assert client.get("/accounts/").status_code == 200


def test_platform_admins_when_the_setting_says_so(client, settings):
    admin = UserFactory(is_staff=True, is_superuser=True)
    settings.MFA_REQUIRED_FOR_ADMINS = False
    password_step(client, admin.email)
    assert client.get("/").status_code == 200
    client.logout()
    settings.MFA_REQUIRED_FOR_ADMINS = True
    password_step(client, admin.email)
    assert client.get("/")["Location"] == "/auth/2fa/"


def test_api_tokens_are_refused_until_mfa_is_set_up(client, strict):
    coordinator = member(strict, Role.COORDINATOR)
    with pytest.raises(PermissionDeniedError):
        services.api_token_create(actor=coordinator, name="script")
    # A token made before the institution required MFA stops working…
    strict.require_mfa_for_staff = False
    strict.save()
    _token, raw = services.api_token_create(actor=coordinator, name="script")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(ME, **bearer).status_code == 200
    strict.require_mfa_for_staff = True
    strict.save()
    assert client.get(ME, **bearer).status_code == 401
    # …and the API refuses a session that still has to set MFA up.
    password_step(client, coordinator.email)
    response = client.post(
        "/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    client.logout()
    # With MFA set up, the token works again.
    TOTP.activate(coordinator, generate_totp_secret())
    assert client.get(ME, **bearer).status_code == 200
    services.api_token_create(actor=coordinator, name="another")


def test_coordinators_set_the_policy_and_it_is_audited(client):
    institution = InstitutionFactory()
    coordinator = member(institution, Role.COORDINATOR)
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    password_step(client, coordinator.email)
    client.post(MFA_AUTHENTICATE, {"code": totp_code(secret)})
    url = f"/organizations/{institution.public_id}/mfa-policy/"
    page = client.get(f"/organizations/{institution.public_id}/").content.decode()
    assert 'for="id_require_mfa_for_staff"' in page
    response = client.post(url, {"require_mfa_for_staff": "on"})
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.require_mfa_for_staff
    event = AuditEvent.objects.get(action="organization.mfa_policy")
    assert event.actor == coordinator
    assert event.changes == {"require_mfa_for_staff": [False, True]}
    client.post(url, {})
    institution.refresh_from_db()
    assert not institution.require_mfa_for_staff


@pytest.mark.parametrize("who", ["educator", "student", "other_coordinator", "anonymous"])
def test_others_cannot_set_the_policy(client, who):
    institution = InstitutionFactory()
    users = {
        "educator": lambda: member(institution, Role.EDUCATOR),
        "student": lambda: member(institution, Role.STUDENT),
        "other_coordinator": lambda: member(InstitutionFactory(), Role.COORDINATOR),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    url = f"/organizations/{institution.public_id}/mfa-policy/"
    response = client.post(url, {"require_mfa_for_staff": "on"})
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    institution.refresh_from_db()
    assert not institution.require_mfa_for_staff
    assert not AuditEvent.objects.filter(action="organization.mfa_policy").exists()
