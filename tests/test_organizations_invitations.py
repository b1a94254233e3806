"""Joining an organization takes the person's consent: managers invite, the invitee accepts.

Covers the consent-free enrolment hole (a coordinator "adding" another institution's student
to read their profile), account-existence leaks, the token link (wrong user, expired, revoked),
and an authorization matrix for every invitation endpoint and page asserting that refusals
change nothing and send nothing.

The authorization matrices are in test_organizations_invitations_authz.py.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.accounts.personal_data import export_personal_data
from tandem.accounts.services import user_erase
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations import invitations
from tandem.organizations.models import Invitation, Membership, Role
from tests.organizations_invitations_support import (
    API,
    _invite,
    _link,
    _path,
    w,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


# --- The exploit, on the demo world -------------------------------------------------------------
def test_demo_coordinator_cannot_enrol_another_institutions_student(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from tandem.demo.world import DEMO_DOMAIN, build_demo_world

    build_demo_world(seed=7)
    northgate = Membership.objects.get(
        user__email=f"careers.northgate-high@{DEMO_DOMAIN}", role="coordinator"
    ).organization
    coordinator = northgate.memberships.get(role="coordinator").user
    sam = User.objects.get(email=f"student@{DEMO_DOMAIN}")
    profile = f"/api/v1/profiles/students/{sam.public_id}"
    client.force_login(coordinator)
    assert client.get(profile).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/{northgate.public_id}/members",
            {"email": f"student@{DEMO_DOMAIN}", "role": "student"},
            content_type="application/json",
        )
    assert response.status_code == 202
    assert response.json()["detail"] == f"Invitation sent to student@{DEMO_DOMAIN}."
    # Nothing of Sam's is visible until Sam accepts.
    assert client.get(profile).status_code == 404
    assert not Membership.objects.filter(user=sam, organization=northgate).exists()
    members = client.get(f"{API}/{northgate.public_id}/members").json()
    assert sam.email not in {m["email"] for m in members}
    listed = client.get(f"{API}/{northgate.public_id}/invitations").json()["items"]
    assert [i["email"] for i in listed] == [sam.email]
    assert set(listed[0]) == {
        "id",
        "email",
        "role",
        "title",
        "program",
        "year_of_study",
        "status",
        "created_at",
        "expires_at",
    }
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [sam.email]

    # Sam accepts (through the API): only now does the membership exist.
    client.force_login(sam)
    mine = client.get(f"{API}/invitations").json()
    assert [i["organization_name"] for i in mine] == [northgate.name]
    accepted = client.post(f"{API}/invitations/{mine[0]['id']}/accept")
    assert accepted.status_code == 200
    assert Membership.objects.get(user=sam, organization=northgate, role="student").is_active
    client.force_login(coordinator)
    assert client.get(profile).status_code == 200


# --- No account-existence leak ------------------------------------------------------------------
def test_same_answer_whether_or_not_the_address_has_an_account(
    client,
    w,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(w["coordinator"])
    url = f"{API}/{w['inst'].public_id}/members"
    answers = []
    for email in ("invitee@example.org", "nobody-here@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url, {"email": email, "role": "educator"}, content_type="application/json"
            )
        body = response.json()
        body["invitation"] = {
            k: v
            for k, v in body["invitation"].items()
            if k not in {"id", "email", "created_at", "expires_at"}
        }
        answers.append((response.status_code, body["detail"].replace(email, "X"), body))
        answers[-1][2]["detail"] = answers[-1][1]
    assert answers[0] == answers[1]
    assert answers[0][0] == 202
    assert len(mailoutbox) == 2
    first, second = mailoutbox
    assert first.subject == second.subject
    assert first.body.replace(_link(first), "L") == second.body.replace(_link(second), "L")
    # The page form answers the same way too.
    page = reverse("organizations:member_add", args=[w["inst"].public_id])
    for email in ("outsider@example.org", "ghost@example.org"):
        response = client.post(page, {"email": email, "role": "student"}, follow=True)
        assert f"Invitation sent to {email}." in response.content.decode()
        assert "No active account" not in response.content.decode()
    assert not w["outsider"].memberships.exists()


def test_invitee_without_account_creates_one_from_the_link(
    client,
    w,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(w, email="New.Person@Example.org", program="Nursing", year_of_study=1)
    link = _path(_link(mailoutbox[0]))
    page = client.get(link)
    assert page.status_code == 200 and "Create your Tandem account" in page.content.decode()
    bad = client.post(link, {"full_name": "New", "password1": "a", "password2": "b"})
    assert bad.status_code == 422 and not User.objects.filter(email="new.person@example.org")
    response = client.post(
        link,
        {
            "full_name": "New Person",
            "password1": "Long-pass-phrase-9",
            "password2": "Long-pass-phrase-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password("Long-pass-phrase-9")
    membership = Membership.objects.get(user=user, organization=w["inst"])
    assert (membership.role, membership.program, membership.year_of_study) == (
        "student",
        "Nursing",
        1,
    )
    assert client.get(reverse("accounts:account")).status_code == 200  # signed in
    assert client.get(link).status_code == 404  # used


def test_invitee_with_account_signs_in_and_accepts_from_the_link(
    client,
    w,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(w)
    link = _path(_link(mailoutbox[0]))
    page = client.get(link).content.decode()
    assert "Sign in to answer" in page and "Create your Tandem account" not in page
    client.force_login(w["invitee"])
    assert "Accept" in client.get(link).content.decode()
    assert not w["invitee"].memberships.exists()
    assert client.post(link, {"action": "accept"}).status_code == 302
    assert w["invitee"].memberships.get(organization=w["inst"]).role == "student"
    assert Invitation.objects.get().accepted_at is not None
    assert AuditEvent.objects.filter(action="invitation.accept").count() == 1


def test_wrong_user_cannot_accept(client, w, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(w)
    link = _path(_link(mailoutbox[0]))
    client.force_login(w["outsider"])
    assert client.get(link).status_code == 403
    assert client.post(link, {"action": "accept"}).status_code == 403
    api = client.post(f"{API}/invitations/{invitation.public_id}/accept")
    assert api.status_code == 404
    respond = reverse("organizations:invitation_respond", args=[invitation.public_id])
    assert client.post(respond, {"action": "accept"}).status_code == 404
    with pytest.raises(PermissionDeniedError):
        invitations.invitation_accept(actor=w["outsider"], invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.is_pending and not w["outsider"].memberships.exists()
    assert not Membership.objects.filter(organization=w["inst"], role="student").exists()


def test_expired_and_revoked_links_are_refused(
    client,
    w,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        expired = _invite(w)
        revoked = _invite(w, role=Role.EDUCATOR)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    invitations.invitation_revoke(actor=w["coordinator"], invitation=revoked)
    links = [_path(_link(m)) for m in mailoutbox]
    client.force_login(w["invitee"])
    for link in links:
        assert client.get(link).status_code == 404
        assert client.post(link, {"action": "accept"}).status_code == 404
    assert client.get("/organizations/invitations/join/" + "0" * 64 + "/").status_code == 404
    for inv, status in ((expired, 400), (revoked, 409)):
        response = client.post(f"{API}/invitations/{inv.public_id}/accept")
        assert response.status_code == status
    expired.refresh_from_db()
    with pytest.raises(DomainError):
        invitations.invitation_accept(actor=w["invitee"], invitation=expired)
    assert not w["invitee"].memberships.exists()
    # The account page lists neither.
    assert (
        "Riverside College invites you"
        not in client.get(reverse("accounts:account")).content.decode()
    )


def test_reinviting_resends_with_a_new_link_and_the_old_one_stops_working(
    client,
    w,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _invite(w)
    with django_capture_on_commit_callbacks(execute=True):
        again = _invite(w)
    assert first.pk == again.pk and Invitation.objects.count() == 1
    old, new = (_path(_link(m)) for m in mailoutbox)
    assert old != new
    client.force_login(w["invitee"])
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    assert AuditEvent.objects.filter(action="invitation.resend").count() == 1


def test_token_is_stored_only_as_a_hash(w, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(w)
    raw = _link(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    stored = json.dumps(
        {f.name: str(getattr(invitation, f.attname)) for f in Invitation._meta.concrete_fields}
    )
    assert raw not in stored and invitation.token_hash != raw


def test_decline_and_account_page(client, w, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(w)
    client.force_login(w["invitee"])
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Riverside College invites you as Student" in page
    respond = reverse("organizations:invitation_respond", args=[invitation.public_id])
    assert client.post(respond, {"action": "decline"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.declined_at is not None and not w["invitee"].memberships.exists()
    assert (
        "Riverside College invites you"
        not in client.get(reverse("accounts:account")).content.decode()
    )
    with pytest.raises(ConflictError):
        invitations.invitation_accept(actor=w["invitee"], invitation=invitation)


def test_accept_from_the_account_page(client, w):  # noqa: F811
    invitation = _invite(w, role=Role.EDUCATOR, title="Lecturer")
    client.force_login(w["invitee"])
    respond = reverse("organizations:invitation_respond", args=[invitation.public_id])
    assert client.post(respond, {"action": "accept"}).status_code == 302
    assert w["invitee"].memberships.get().title == "Lecturer"
    assert client.post(respond, {"action": "accept"}, follow=True).status_code == 200
    assert Membership.objects.filter(user=w["invitee"]).count() == 1


def test_personal_data_export_and_erasure(w):  # noqa: F811
    _invite(w)
    data = export_personal_data(w["invitee"])
    assert data["organizations"]["invitations_received"][0]["organization"] == "Riverside College"
    sent = export_personal_data(w["coordinator"])["organizations"]["invitations_sent"]
    assert sent[0]["role"] == "student" and "email" not in sent[0]
    user_erase(actor=w["invitee"], user=w["invitee"])
    assert not Invitation.objects.exists()
    _invite(w, email="someone@example.org")
    user_erase(actor=w["coordinator"], user=w["coordinator"])
    assert Invitation.objects.get().invited_by is None
