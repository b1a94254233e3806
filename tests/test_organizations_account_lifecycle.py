"""Account lifecycle: an organization's managers (for accounts of their organization alone)
and platform admins deactivate and reactivate accounts — data kept, sessions ended, API
tokens revoked, audited — and see the member accounts list with the last sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import ApiToken
from tandem.accounts.models import UserSession as Session
from tandem.accounts.services import api_token_create
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.organizations import lifecycle
from tandem.organizations.models import Membership, Role
from tests.factories import UserFactory, member
from tests.organizations_invitations_support import (
    API,
    _login,
    w,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


def _signed_in_client(user) -> Client:
    other = Client()
    other.force_login(user)
    return other


def test_deactivation_ends_sessions_revokes_tokens_keeps_data(w):  # noqa: F811
    student = member(w["inst"], Role.STUDENT, program="Robotics", year_of_study=1)
    browser = _signed_in_client(student)
    assert browser.get(reverse("accounts:account")).status_code == 200
    _token, raw = api_token_create(actor=student, name="script")
    bystander = _signed_in_client(w["educator"])
    lifecycle.account_deactivate(actor=w["coordinator"], organization=w["inst"], account=student)
    student.refresh_from_db()
    assert not student.is_active
    assert Membership.objects.filter(user=student, is_active=True, program="Robotics").exists()
    assert ApiToken.objects.get(user=student).revoked_at is not None
    decoded = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(student.pk) not in decoded and str(w["educator"].pk) in decoded
    assert browser.get(reverse("accounts:account")).status_code == 302  # to sign-in
    assert bystander.get(reverse("accounts:account")).status_code == 200
    api = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401
    event = AuditEvent.objects.get(action="accounts.user.deactivate")
    assert event.changes["tokens_revoked"] == 1 and event.changes["sessions_ended"] == 1
    with pytest.raises(ConflictError):
        lifecycle.account_deactivate(
            actor=w["coordinator"], organization=w["inst"], account=student
        )
    lifecycle.account_reactivate(actor=w["coordinator"], organization=w["inst"], account=student)
    student.refresh_from_db()
    assert student.is_active
    assert AuditEvent.objects.filter(action="accounts.user.reactivate").count() == 1
    assert ApiToken.objects.get(user=student).revoked_at is not None  # stays revoked


def test_who_may_deactivate(w):  # noqa: F811
    student = member(w["inst"], Role.STUDENT)
    both = member(w["inst"], Role.EDUCATOR)
    Membership.objects.create(user=both, organization=w["partner"], role=Role.MENTOR)
    admin = UserFactory(is_staff=True, is_superuser=True)
    for who in ("educator", "recruiter", "other_coordinator", "invitee"):
        with pytest.raises(PermissionDeniedError):
            lifecycle.account_deactivate(actor=w[who], organization=w["inst"], account=student)
    # An account with a role elsewhere is not the institution's alone to switch off.
    with pytest.raises(PermissionDeniedError):
        lifecycle.account_deactivate(actor=w["coordinator"], organization=w["inst"], account=both)
    # Nor one's own account, nor a platform admin's.
    with pytest.raises(PermissionDeniedError):
        lifecycle.account_deactivate(
            actor=w["coordinator"], organization=w["inst"], account=w["coordinator"]
        )
    Membership.objects.create(user=admin, organization=w["inst"], role=Role.EDUCATOR)
    with pytest.raises(PermissionDeniedError):
        lifecycle.account_deactivate(actor=w["coordinator"], organization=w["inst"], account=admin)
    # A platform admin may switch off any other account.
    lifecycle.account_deactivate(actor=admin, organization=w["inst"], account=both)
    both.refresh_from_db()
    student.refresh_from_db()
    assert not both.is_active and student.is_active
    assert AuditEvent.objects.filter(action="accounts.user.deactivate").count() == 1


def test_pages_list_members_with_last_sign_in_and_deactivate(client, w):  # noqa: F811
    student = member(w["inst"], Role.STUDENT, user=UserFactory(full_name="Sam Student"))
    student.last_login = timezone.now() - timedelta(days=3)
    student.save(update_fields=["last_login"])
    _login(client, w, "coordinator")
    url = reverse("organizations:member_accounts", args=[w["inst"].public_id])
    body = client.get(url).content.decode()
    assert "Sam Student" in body and "Never" in body  # the educator never signed in
    filtered = client.get(f"{url}?role=educator").content.decode()
    assert "Sam Student" not in filtered
    deactivate = reverse(
        "organizations:account_deactivate", args=[w["inst"].public_id, student.public_id]
    )
    assert client.post(deactivate).status_code == 302
    student.refresh_from_db()
    assert not student.is_active
    inactive = client.get(f"{url}?account=inactive").content.decode()
    assert "Sam Student" in inactive and "Reactivate Sam Student" in inactive
    reactivate = reverse(
        "organizations:account_reactivate", args=[w["inst"].public_id, student.public_id]
    )
    client.force_login(w["educator"])
    assert client.post(reactivate).status_code == 403
    assert client.get(url).status_code == 403
    client.force_login(w["other_coordinator"])
    assert client.post(reactivate).status_code == 403
    student.refresh_from_db()
    assert not student.is_active
    client.force_login(w["coordinator"])
    assert client.post(reactivate).status_code == 302
    student.refresh_from_db()
    assert student.is_active


def test_api_accounts_list_and_deactivation(client, w):  # noqa: F811
    student = member(w["inst"], Role.STUDENT)
    _login(client, w, "coordinator")
    base = f"{API}/{w['inst'].public_id}/accounts"
    listed = client.get(f"{base}?role=student").json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert row["email"] == student.email and row["last_login"] is None and row["is_active"]
    off = client.post(f"{base}/{student.public_id}/deactivate")
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert client.post(f"{base}/{student.public_id}/deactivate").status_code == 409
    assert client.get(f"{base}?account=inactive").json()["count"] == 1
    client.force_login(w["recruiter"])
    assert client.post(f"{base}/{student.public_id}/reactivate").status_code == 403
    assert client.get(base).status_code == 403
    _login(client, w, "coordinator")
    # Someone who is no member here is not found (nothing said about their account).
    assert client.post(f"{base}/{w['outsider'].public_id}/deactivate").status_code == 404
    on = client.post(f"{base}/{student.public_id}/reactivate")
    assert on.status_code == 200 and on.json()["is_active"] is True


def test_platform_admin_switching_sign_in_off_in_the_admin_ends_sessions(w):  # noqa: F811
    from tandem.accounts.services import user_access_update

    admin = UserFactory(is_staff=True, is_superuser=True)
    student = member(w["inst"], Role.STUDENT)
    _signed_in_client(student)
    api_token_create(actor=student, name="script")
    user_access_update(
        actor=admin, user=student, is_active=False, is_staff=False, is_superuser=False
    )
    decoded = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(student.pk) not in decoded
    assert ApiToken.objects.get(user=student).revoked_at is not None
    event = AuditEvent.objects.get(action="accounts.user.access")
    assert event.changes["sessions_ended"] == 1 and event.changes["tokens_revoked"] == 1
