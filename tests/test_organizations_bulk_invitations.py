"""Invitations in bulk: a CSV file checked whole (all or none) through the page with its
preview, the API and the ``tandem invite import`` command; the invitation list by status with
re-send; the funder role granted by a funding body's manager."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.organizations import bulk_invitations, invitations
from tandem.organizations.models import Invitation, Role
from tests.factories import PartnerFactory, member
from tests.organizations_invitations_support import (
    API,
    _invite,
    _login,
    w,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

GOOD = (
    "email,role,program,year_of_study,title\n"
    "ann@example.org,student,Robotics,2,\n"
    "ben@example.org,educator,,,Lecturer\n"
)
BAD = (
    "email,role,program,year_of_study\n"
    "ann@example.org,student,Robotics,2\n"
    "not-an-address,student,,\n"
    "cat@example.org,recruiter,,\n"
    "dan@example.org,educator,Robotics,\n"
    "eve@example.org,student,,11\n"
    "ann@example.org,student,,\n"
)


def test_plan_reports_every_bad_line_with_its_number(w):  # noqa: F811
    plan = bulk_invitations.invitations_plan_csv(
        actor=w["coordinator"], organization=w["inst"], content=BAD.encode()
    )
    assert [n for n, _m in plan.errors] == [3, 4, 5, 6, 7]
    messages = dict(plan.errors)
    assert "valid e-mail" in messages[3]
    assert "recruiter" in messages[4]
    assert "Only students" in messages[5]
    assert "1 to 10" in messages[6]
    assert "line 2" in messages[7]
    assert not plan.ok


def test_a_bad_file_sends_nothing(w, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    plan = bulk_invitations.invitations_plan_csv(
        actor=w["coordinator"], organization=w["inst"], content=BAD.encode()
    )
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(bulk_invitations.DomainError) as exc,
    ):
        bulk_invitations.invitations_bulk_send(
            actor=w["coordinator"], organization=w["inst"], plan=plan
        )
    assert exc.value.fields["file"][0].startswith("Line 3: ")
    assert not Invitation.objects.exists() and mailoutbox == []


def test_a_good_file_sends_every_invitation_audited(
    w,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        plan, sent = bulk_invitations.invitations_import_csv(
            actor=w["coordinator"], organization=w["inst"], content=GOOD.encode()
        )
    assert plan.ok and len(sent) == 2
    ann = Invitation.objects.get(email="ann@example.org")
    assert (ann.role, ann.program, ann.year_of_study) == ("student", "Robotics", 2)
    assert Invitation.objects.get(email="ben@example.org").title == "Lecturer"
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.org", "ben@example.org"]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("invitation.create") == 2 and "invitation.bulk" in actions


def test_members_and_outsiders_are_refused(w):  # noqa: F811
    existing = member(w["inst"], Role.STUDENT).email
    content = f"email,role\n{existing},student\n".encode()
    plan = bulk_invitations.invitations_plan_csv(
        actor=w["coordinator"], organization=w["inst"], content=content
    )
    assert plan.errors == [(2, "This person already holds this role here.")]
    for who in ("educator", "recruiter", "other_coordinator", "invitee"):
        with pytest.raises(bulk_invitations.PermissionDeniedError):
            bulk_invitations.invitations_plan_csv(
                actor=w[who], organization=w["inst"], content=GOOD.encode()
            )


def test_the_page_previews_then_sends(client, w, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    _login(client, w, "coordinator")
    url = reverse("organizations:invitation_import", args=[w["inst"].public_id])
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(url, {"file": SimpleUploadedFile("p.csv", BAD.encode()), "action": "send"})
    assert bad.status_code == 422 and "Line 3: " in bad.content.decode()
    assert not Invitation.objects.exists()
    preview = client.post(url, {"file": SimpleUploadedFile("p.csv", GOOD.encode())})
    assert preview.status_code == 200 and not Invitation.objects.exists()
    assert "Send 2 invitations" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"content": GOOD, "action": "send"})
    assert sent.status_code == 302
    assert Invitation.objects.count() == 2 and len(mailoutbox) == 2
    listing = client.get(reverse("organizations:invitation_list", args=[w["inst"].public_id]))
    assert "ann@example.org" in listing.content.decode()


def test_the_page_refuses_other_people(client, w):  # noqa: F811
    url = reverse("organizations:invitation_import", args=[w["inst"].public_id])
    for who in ("educator", "recruiter", "other_coordinator"):
        client.force_login(w[who])
        assert client.post(url, {"content": GOOD, "action": "send"}).status_code == 403
    assert not Invitation.objects.exists()


def test_the_api_bulk_endpoint(client, w, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    _login(client, w, "coordinator")
    url = f"{API}/{w['inst'].public_id}/bulk-invitations"
    bad = client.post(url, {"csv": BAD}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["file"][0].startswith("Line 3: ")
    dry = client.post(url, {"csv": GOOD, "dry_run": True}, content_type="application/json")
    assert dry.status_code == 200 and dry.json()["count"] == 2
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"csv": GOOD}, content_type="application/json")
    assert sent.status_code == 202
    assert {i["email"] for i in sent.json()["invitations"]} == {
        "ann@example.org",
        "ben@example.org",
    }
    assert len(mailoutbox) == 2
    client.force_login(w["educator"])
    assert client.post(url, {"csv": GOOD}, content_type="application/json").status_code == 403


def test_the_answer_is_the_same_with_or_without_an_account(client, w):  # noqa: F811
    _login(client, w, "coordinator")
    url = f"{API}/{w['inst'].public_id}/bulk-invitations"
    answers = []
    for email in ("invitee@example.org", "nobody-here@example.org"):
        body = {"csv": f"email,role\n{email},student\n", "dry_run": True}
        response = client.post(url, body, content_type="application/json").json()
        answers.append({k: v for k, v in response["lines"][0].items() if k != "email"})
    assert answers[0] == answers[1]


def test_list_filters_by_status_and_resends(
    client,
    w,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    pending = _invite(w, email="p@example.org")
    revoked = _invite(w, email="r@example.org")
    invitations.invitation_revoke(actor=w["coordinator"], invitation=revoked)
    _login(client, w, "coordinator")
    base = f"{API}/{w['inst'].public_id}/invitations"
    assert [i["email"] for i in client.get(f"{base}?status=revoked").json()["items"]] == [
        "r@example.org"
    ]
    assert [i["email"] for i in client.get(f"{base}?status=pending").json()["items"]] == [
        "p@example.org"
    ]
    assert client.get(f"{base}").json()["count"] == 2
    page = reverse("organizations:invitation_list", args=[w["inst"].public_id])
    body = client.get(f"{page}?status=revoked").content.decode()
    assert "r@example.org" in body and "p@example.org" not in body
    old_hash = pending.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"{base}/{pending.public_id}/resend")
        page_again = client.post(
            reverse(
                "organizations:invitation_resend", args=[w["inst"].public_id, revoked.public_id]
            )
        )
    assert again.status_code == 202 and page_again.status_code == 302
    pending.refresh_from_db()
    assert pending.token_hash != old_hash
    assert Invitation.objects.filter(email="r@example.org", revoked_at__isnull=True).exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["p@example.org", "r@example.org"]
    client.force_login(w["educator"])
    assert client.post(f"{base}/{pending.public_id}/resend").status_code == 403


def test_a_funding_body_manager_grants_the_funder_role(client, mailoutbox):
    """A funding body (a partner organization, e.g. a public agency) is managed by its own
    admin (the partner manager role); they grant the funder role by invitation, one by one
    or in bulk; a funder cannot grant it."""
    body = PartnerFactory(name="Regional Skills Fund", type="public_agency", sector="public_sector")
    admin = member(body, Role.RECRUITER)
    funder = member(body, Role.FUNDER)
    client.force_login(admin)
    one = client.post(
        f"{API}/{body.public_id}/members",
        {"email": "officer@example.org", "role": "funder"},
        content_type="application/json",
    )
    assert one.status_code == 202 and one.json()["invitation"]["role"] == "funder"
    many = client.post(
        f"{API}/{body.public_id}/bulk-invitations",
        {"csv": "email,role,title\nanalyst@example.org,funder,Analyst\n"},
        content_type="application/json",
    )
    assert many.status_code == 202
    page = client.get(reverse("organizations:detail", args=[body.public_id])).content.decode()
    assert 'value="funder"' in page
    client.force_login(funder)
    refused = client.post(
        f"{API}/{body.public_id}/members",
        {"email": "x@example.org", "role": "funder"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert set(Invitation.objects.values_list("email", "role")) == {
        ("officer@example.org", "funder"),
        ("analyst@example.org", "funder"),
    }


def test_cli_helper_messages(tmp_path, w):  # noqa: F811
    """The command runs in-process, on the test database."""
    from tandem.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    assert main(["invite", "import", str(bad), "--organization", w["inst"].slug]) == 2
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    assert main(["invite", "import", str(good), "--organization", w["inst"].slug, "--dry-run"]) == 0
    assert not Invitation.objects.exists()
    assert main(["invite", "import", str(good), "--organization", "no-such-org"]) == 2
    assert main(["invite", "import", str(good), "--organization", w["inst"].slug]) == 0
    assert Invitation.objects.count() == 2


def test_cli_prints_file_line_errors(tmp_path, w, capsys):  # noqa: F811
    from tandem.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    assert main(["invite", "import", str(bad), "--organization", w["inst"].slug]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}:3: ") and len(err) == 5
    header = tmp_path / "header.csv"
    header.write_text("mail,role\nx@example.org,student\n")
    assert main(["invite", "import", str(header), "--organization", w["inst"].slug]) == 2
    assert capsys.readouterr().err.startswith(f"{header}:1: Missing columns: email")
    assert not Invitation.objects.exists()
