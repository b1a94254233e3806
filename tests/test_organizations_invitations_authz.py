"""Invitations: an authorization matrix for every invitation endpoint and page (refusals
change nothing and send nothing), and the service's rules."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations import invitations
from tandem.organizations.models import Invitation, Role
from tests.organizations_invitations_support import (
    API,
    _invite,
    _login,
    w,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


# --- Authorization matrices ---------------------------------------------------------------------
STAFF_API = [
    ("anonymous", 401),
    ("outsider", 403),
    ("invitee", 403),
    ("educator", 403),
    ("recruiter", 403),
    ("other_coordinator", 403),
    ("coordinator", None),
]


@pytest.mark.parametrize(("who", "status"), STAFF_API)
def test_api_invite_list_revoke_matrix(
    client,
    w,  # noqa: F811
    who,
    status,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    existing = _invite(w, role=Role.EDUCATOR)
    mailoutbox.clear()
    audit_before = AuditEvent.objects.count()
    _login(client, w, who)
    base = f"{API}/{w['inst'].public_id}"
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            f"{base}/members",
            {"email": "fresh@example.org", "role": "student"},
            content_type="application/json",
        )
        listed = client.get(f"{base}/invitations")
        revoked = client.delete(f"{base}/invitations/{existing.public_id}")
    existing.refresh_from_db()
    if status is None:
        assert created.status_code == 202 and listed.status_code == 200
        assert {i["email"] for i in listed.json()["items"]} == {
            "fresh@example.org",
            "invitee@example.org",
        }
        assert revoked.status_code == 204 and existing.revoked_at is not None
        assert [m.to for m in mailoutbox] == [["fresh@example.org"]]
        assert client.delete(f"{base}/invitations/{existing.public_id}").status_code == 404
        assert client.delete(f"{base}/invitations/{uuid.uuid4()}").status_code == 404
    else:
        assert (created.status_code, listed.status_code, revoked.status_code) == (status,) * 3
        assert existing.is_pending and Invitation.objects.count() == 1
        assert not mailoutbox and AuditEvent.objects.count() == audit_before


def test_staff_of_another_organization_cannot_revoke_through_their_own_url(client, w):  # noqa: F811
    existing = _invite(w)
    client.force_login(w["other_coordinator"])
    url = f"{API}/{w['other_inst'].public_id}/invitations/{existing.public_id}"
    assert client.delete(url).status_code == 404
    page = reverse(
        "organizations:invitation_revoke", args=[w["other_inst"].public_id, existing.public_id]
    )
    assert client.post(page).status_code == 404
    existing.refresh_from_db()
    assert existing.is_pending


INVITEE_API = [
    ("anonymous", 401),
    ("outsider", 404),
    ("coordinator", 404),
    ("other_coordinator", 404),
    ("invitee", None),
]


@pytest.mark.parametrize("action", ["accept", "decline"])
@pytest.mark.parametrize(("who", "status"), INVITEE_API)
def test_api_invitee_matrix(client, w, who, status, action, mailoutbox):  # noqa: F811
    invitation = _invite(w)
    audit_before = AuditEvent.objects.count()
    _login(client, w, who)
    mine = client.get(f"{API}/invitations")
    response = client.post(f"{API}/invitations/{invitation.public_id}/{action}")
    invitation.refresh_from_db()
    if status is None:
        assert [i["id"] for i in mine.json()] == [str(invitation.public_id)]
        assert response.status_code == 200
        assert (invitation.accepted_at is not None) == (action == "accept")
        assert (invitation.declined_at is not None) == (action == "decline")
        assert w["invitee"].memberships.exists() == (action == "accept")
    else:
        assert mine.status_code == (401 if who == "anonymous" else 200)
        if who != "anonymous":
            assert mine.json() == []
        assert response.status_code == status and invitation.is_pending
        assert not w["invitee"].memberships.exists()
        assert AuditEvent.objects.count() == audit_before
    assert not mailoutbox


PAGES = [
    ("anonymous", 302),
    ("outsider", 403),
    ("invitee", 403),
    ("educator", 403),
    ("recruiter", 403),
    ("other_coordinator", 403),
    ("coordinator", None),
]


@pytest.mark.parametrize(("who", "status"), PAGES)
def test_page_invite_and_revoke_matrix(
    client,
    w,  # noqa: F811
    who,
    status,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    existing = _invite(w, role=Role.EDUCATOR)
    mailoutbox.clear()
    _login(client, w, who)
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(
            reverse("organizations:member_add", args=[w["inst"].public_id]),
            {"email": "fresh@example.org", "role": "student"},
        )
        revoked = client.post(
            reverse(
                "organizations:invitation_revoke", args=[w["inst"].public_id, existing.public_id]
            )
        )
    existing.refresh_from_db()
    detail = client.get(reverse("organizations:detail", args=[w["inst"].public_id]))
    if status is None:
        assert invited.status_code == 302 and revoked.status_code == 302
        assert existing.revoked_at is not None
        body = detail.content.decode()
        assert "Pending invitations" in body and "fresh@example.org" in body
        assert "invitee@example.org" not in body  # revoked: no longer listed
        assert [m.to for m in mailoutbox] == [["fresh@example.org"]]
    else:
        assert invited.status_code == status and revoked.status_code == status
        assert existing.is_pending and Invitation.objects.count() == 1 and not mailoutbox
        if who != "anonymous":
            assert "invitee@example.org" not in detail.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("coordinator", 404), ("invitee", 302)],
)
def test_page_respond_matrix(client, w, who, status, mailoutbox):  # noqa: F811
    invitation = _invite(w)
    audit_before = AuditEvent.objects.count()
    _login(client, w, who)
    response = client.post(
        reverse("organizations:invitation_respond", args=[invitation.public_id]),
        {"action": "accept"},
    )
    invitation.refresh_from_db()
    assert response.status_code == status
    if who == "invitee":
        assert invitation.accepted_at is not None and w["invitee"].memberships.exists()
    else:
        assert invitation.is_pending and not w["invitee"].memberships.exists()
        assert AuditEvent.objects.count() == audit_before
    assert not mailoutbox
    if who == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


def test_service_rules(w):  # noqa: F811
    with pytest.raises(PermissionDeniedError):
        invitations.invitation_create(
            actor=w["educator"], organization=w["inst"], email="a@example.org", role="student"
        )
    with pytest.raises(PermissionDeniedError):
        invitations.invitation_create(
            actor=w["coordinator"], organization=w["partner"], email="a@example.org", role="mentor"
        )
    with pytest.raises(DomainError) as exc:
        _invite(w, role=Role.RECRUITER)
    assert "role" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        _invite(w, email="not-an-address")
    assert "email" in exc.value.fields
    with pytest.raises(ConflictError):
        _invite(w, email=w["educator"].email.upper(), role=Role.EDUCATOR)
    invitation = _invite(w, email="  Invitee@Example.ORG ")
    assert invitation.email == "invitee@example.org"
    with pytest.raises(PermissionDeniedError):
        invitations.invitation_revoke(actor=w["other_coordinator"], invitation=invitation)
    invitations.invitation_revoke(actor=w["coordinator"], invitation=invitation)
    with pytest.raises(ConflictError):
        invitations.invitation_revoke(actor=w["coordinator"], invitation=invitation)
    # After a revocation the address can be invited again.
    assert _invite(w).pk != invitation.pk
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"invitation.create", "invitation.revoke"} <= actions
    assert not AuditEvent.objects.filter(target_label__icontains="invitee@").exists()
