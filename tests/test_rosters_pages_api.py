"""The roster page and API: upload a .zip, the background dry run, confirm; refused exports;
who may (coordinators of the institution, platform admins) and who may not."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.accounts.models import User
from tandem.audit.models import AuditEvent
from tandem.organizations.models import Membership, Role
from tandem.rosters.models import RosterImport
from tests.factories import InstitutionFactory, member
from tests.rosters_support import DATA, counts, table_counts, zipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside():
    return InstitutionFactory(slug="riverside", city="Leeds")


def upload_page(client, institution, content, callbacks):
    with callbacks(execute=True):
        return client.post(
            reverse("rosters:upload"),
            {
                "institution": str(institution.public_id),
                "file": SimpleUploadedFile("export.zip", content, "application/zip"),
            },
        )


def test_coordinator_uploads_sees_the_dry_run_and_confirms(
    client, riverside, django_capture_on_commit_callbacks, mailoutbox
):
    coordinator = member(riverside, Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(reverse("rosters:list")).status_code == 200
    before = table_counts()
    response = upload_page(
        client, riverside, zipped(DATA / "v11"), django_capture_on_commit_callbacks
    )
    upload = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rosters:detail", args=[upload.public_id])
    assert upload.status == "previewed"
    assert upload.result["users"] == counts(created=6)
    after = table_counts()
    assert {k: v for k, v in after.items()} == before  # the check wrote nothing
    page = client.get(response["Location"]).content.decode()
    assert "What the import will change" in page
    assert "Import the roster" in page
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<section id="roster-status"')
    assert "<html" not in partial
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rosters:confirm", args=[upload.public_id]))
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == "done"
    assert upload.applied_result["users"] == counts(created=6)
    assert bytes(upload.content) == b""  # the export is not kept
    assert upload.confirmed_by == coordinator
    assert Membership.objects.filter(organization=riverside, role=Role.STUDENT).count() == 3
    event = AuditEvent.objects.get(action="roster.import")
    assert event.actor == coordinator
    assert mailoutbox == []
    page = client.get(response["Location"]).content.decode()
    assert "Imported" in page
    # confirming twice is refused: nothing is imported again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rosters:confirm", args=[upload.public_id]))
    assert AuditEvent.objects.filter(action="roster.import").count() == 1


def test_a_refused_export_shows_its_problems_and_cannot_be_confirmed(
    client, riverside, django_capture_on_commit_callbacks
):
    client.force_login(member(riverside, Role.COORDINATOR))
    upload_page(client, riverside, zipped(DATA / "bad_role"), django_capture_on_commit_callbacks)
    upload = RosterImport.objects.get()
    assert upload.status == "failed"
    assert upload.problems == ["users.csv:7: role 'professor' is not a OneRoster role"]
    page = client.get(reverse("rosters:detail", args=[upload.public_id])).content.decode()
    assert "users.csv:7: role &#x27;professor&#x27; is not a OneRoster role" in page
    assert "Import the roster" not in page
    response = client.post(reverse("rosters:confirm", args=[upload.public_id]))
    assert response.status_code == 302
    assert not User.objects.filter(email__endswith="riverside.example").exists()


def test_a_file_that_is_not_a_zip_is_a_form_error(
    client, riverside, django_capture_on_commit_callbacks
):
    client.force_login(member(riverside, Role.COORDINATOR))
    response = upload_page(
        client, riverside, b"sourcedId,name\n", django_capture_on_commit_callbacks
    )
    assert response.status_code == 422
    assert "not a .zip archive" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize("role", [Role.EDUCATOR, Role.STUDENT])
def test_wrong_roles_and_other_institutions_are_refused(
    client, riverside, role, django_capture_on_commit_callbacks
):
    client.force_login(member(riverside, role))
    assert client.get(reverse("rosters:list")).status_code == 403
    response = upload_page(
        client, riverside, zipped(DATA / "v11"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 403
    other = InstitutionFactory()
    client.force_login(member(other, Role.COORDINATOR))
    response = upload_page(
        client, riverside, zipped(DATA / "v11"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 422  # riverside is not among their choices
    assert not RosterImport.objects.exists()


def test_other_coordinators_cannot_see_or_confirm_an_upload(
    client, riverside, django_capture_on_commit_callbacks
):
    client.force_login(member(riverside, Role.COORDINATOR))
    upload_page(client, riverside, zipped(DATA / "v11"), django_capture_on_commit_callbacks)
    upload = RosterImport.objects.get()
    client.force_login(member(InstitutionFactory(), Role.COORDINATOR))
    assert client.get(reverse("rosters:detail", args=[upload.public_id])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rosters:confirm", args=[upload.public_id]))
    assert response.status_code == 404
    upload.refresh_from_db()
    assert upload.status == "previewed"
    client.force_login(member(riverside, Role.EDUCATOR))
    assert client.get(reverse("rosters:detail", args=[upload.public_id])).status_code == 404


# --- API ----------------------------------------------------------------------------------
def test_api_upload_dry_run_then_confirm(client, riverside, django_capture_on_commit_callbacks):
    client.force_login(member(riverside, Role.COORDINATOR))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/rosters/imports",
            {
                "institution_id": str(riverside.public_id),
                "file": SimpleUploadedFile("export.zip", zipped(DATA / "v12")),
            },
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["institution_id"] == str(riverside.public_id)
    assert body["status"] in ("queued", "previewed")
    detail = client.get(f"/api/v1/rosters/imports/{body['id']}").json()
    assert detail["status"] == "previewed"
    assert detail["dry_run_result"]["users"] == counts(created=4)
    assert detail["dry_run_result"]["dry_run"] is True
    assert detail["result"] is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/rosters/imports/{body['id']}/confirm")
    assert response.status_code == 202
    detail = client.get(f"/api/v1/rosters/imports/{body['id']}").json()
    assert detail["status"] == "done"
    assert detail["result"]["users"] == counts(created=4)
    assert detail["result"]["dry_run"] is False
    response = client.post(f"/api/v1/rosters/imports/{body['id']}/confirm")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"


def test_api_refusals(client, riverside, django_capture_on_commit_callbacks):
    client.force_login(member(riverside, Role.EDUCATOR))
    response = client.post(
        "/api/v1/rosters/imports",
        {
            "institution_id": str(riverside.public_id),
            "file": SimpleUploadedFile("export.zip", zipped(DATA / "v11")),
        },
    )
    assert response.status_code == 403
    client.force_login(member(riverside, Role.COORDINATOR))
    response = client.post(
        "/api/v1/rosters/imports",
        {
            "institution_id": str(riverside.public_id),
            "file": SimpleUploadedFile("export.csv", b"not a zip"),
        },
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(
            "/api/v1/rosters/imports",
            {
                "institution_id": str(riverside.public_id),
                "file": SimpleUploadedFile("export.zip", zipped(DATA / "missing_column")),
            },
        ).json()
    detail = client.get(f"/api/v1/rosters/imports/{body['id']}").json()
    assert detail["status"] == "failed"
    assert detail["problems"] == ["users.csv:1: missing required column givenName"]
    client.force_login(member(InstitutionFactory(), Role.COORDINATOR))
    assert client.get(f"/api/v1/rosters/imports/{body['id']}").status_code == 404
