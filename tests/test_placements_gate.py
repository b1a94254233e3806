"""The start gate: a placement cannot move to "placed" while a required clearance is missing,
unverified, rejected or expired on the start day — refused by the service, the page and the
API, with a message naming what is missing. Clearances: evidence, verification, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tandem.applications.models import StageChange
from tandem.applications.services import application_move
from tandem.audit.models import AuditEvent
from tandem.core import guards
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.placements import services
from tandem.placements.models import Clearance
from tests.factories import application_cast, pdf_upload
from tests.placements_support import accepted, immunisation, verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast(type="clinical")


def test_the_guard_is_registered_for_the_start_gate():
    with pytest.raises(ValueError):
        guards.check("no.such.gate")
    assert services.placement_start_guard in guards._guards[guards.PLACEMENT_START]


def test_service_refuses_to_start_with_a_missing_clearance_and_names_it(cast):
    immunisation(cast)
    app = accepted(cast)
    with pytest.raises(DomainError) as err:
        application_move(actor=cast.coordinator, application=app, to_stage="placed")
    assert err.value.code == "clearances_missing"
    assert "Hepatitis B immunisation: missing" in err.value.message
    app.refresh_from_db()
    assert app.stage == "accepted"
    assert not StageChange.objects.filter(application=app, to_stage="placed").exists()


def test_unverified_then_rejected_then_verified(cast):
    req = immunisation(cast)
    app = accepted(cast)
    services.clearance_evidence_upload(
        actor=cast.student, application=app, requirement=req, file=pdf_upload("v.pdf")
    )
    with pytest.raises(DomainError, match="not verified yet"):
        application_move(actor=cast.coordinator, application=app, to_stage="placed")
    with pytest.raises(DomainError) as err:
        services.clearance_decide(
            actor=cast.coordinator, application=app, requirement=req, verified=False
        )
    assert "reason" in err.value.fields
    services.clearance_decide(
        actor=cast.coordinator,
        application=app,
        requirement=req,
        verified=False,
        reason="The scan is unreadable.",
    )
    with pytest.raises(DomainError, match="rejected"):
        application_move(actor=cast.coordinator, application=app, to_stage="placed")
    verified(cast, app, req)
    application_move(actor=cast.coordinator, application=app, to_stage="placed")
    app.refresh_from_db()
    assert app.stage == "placed"
    clearance = Clearance.objects.get(application=app)
    assert clearance.expires_on == timezone.localdate() + dt.timedelta(days=365)
    assert AuditEvent.objects.filter(action="placements.clearance_verified").count() == 1


def test_a_clearance_that_expires_before_the_start_day_blocks(cast):
    req = immunisation(cast)
    app = accepted(cast)
    today = timezone.localdate()
    verified(cast, app, req, expires_on=today + dt.timedelta(days=5))
    services.placement_terms_set(
        actor=cast.coordinator,
        application=app,
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=90),
        required_hours=None,
    )
    with pytest.raises(DomainError, match="expired"):
        application_move(actor=cast.coordinator, application=app, to_stage="placed")


def test_requirements_narrowed_to_another_type_or_partner_do_not_apply(cast):
    immunisation(cast, opportunity_type="apprenticeship")
    immunisation(cast, name="Other partner", partner=cast.other_partner)
    app = accepted(cast)
    application_move(actor=cast.coordinator, application=app, to_stage="placed")
    app.refresh_from_db()
    assert app.stage == "placed"


def test_only_the_student_uploads_and_content_is_checked(cast):
    req = immunisation(cast)
    app = accepted(cast)
    for who in (cast.coordinator, cast.classmate, cast.recruiter):
        with pytest.raises(PermissionDeniedError):
            services.clearance_evidence_upload(
                actor=who, application=app, requirement=req, file=pdf_upload()
            )
    with pytest.raises(DomainError) as err:
        services.clearance_evidence_upload(
            actor=cast.student,
            application=app,
            requirement=req,
            file=SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho hi\n", "application/pdf"),
        )
    assert "evidence" in err.value.fields
    assert not Clearance.objects.exists()


def test_host_staff_verify_only_where_the_requirement_says(cast):
    req = immunisation(cast)
    app = accepted(cast)
    with pytest.raises(PermissionDeniedError):
        services.clearance_decide(
            actor=cast.supervisor, application=app, requirement=req, verified=True
        )
    safety = immunisation(
        cast, name="Site induction", evidence_required=False, host_may_verify=True
    )
    services.clearance_decide(
        actor=cast.supervisor, application=app, requirement=safety, verified=True
    )
    assert Clearance.objects.get(requirement=safety).status == "verified"


def test_evidence_is_needed_before_verification(cast):
    req = immunisation(cast)
    app = accepted(cast)
    with pytest.raises(DomainError) as err:
        services.clearance_decide(
            actor=cast.coordinator, application=app, requirement=req, verified=True
        )
    assert err.value.code == "no_evidence"


def test_page_refuses_to_start_and_shows_what_is_missing(client, cast):
    immunisation(cast)
    app = accepted(cast)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("applications:move", args=[app.public_id]), {"to_stage": "placed"}
    )
    assert response.status_code == 400
    assert "Hepatitis B immunisation: missing" in response.content.decode()
    app.refresh_from_db()
    assert app.stage == "accepted"


def test_api_refuses_to_start_with_problem_json(client, cast):
    immunisation(cast)
    app = accepted(cast)
    client.force_login(cast.recruiter)
    response = client.post(
        f"/api/v1/applications/{app.public_id}/move",
        {"stage": "placed"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "Hepatitis B immunisation: missing" in response.json()["detail"]
    app.refresh_from_db()
    assert app.stage == "accepted"


def test_evidence_upload_and_verify_through_the_api_then_start(client, cast):
    req = immunisation(cast)
    app = accepted(cast)
    client.force_login(cast.student)
    url = f"/api/v1/placements/{app.public_id}/clearances/{req.public_id}/evidence"
    response = client.post(url, {"evidence": pdf_upload("vaccine.pdf")})
    assert response.status_code == 200, response.content
    assert response.json()["clearances"][0]["state"] == "submitted"
    client.force_login(cast.coordinator)
    response = client.post(
        f"/api/v1/placements/{app.public_id}/clearances/{req.public_id}/decision",
        {"verified": True},
        content_type="application/json",
    )
    assert response.json()["clearances"][0]["state"] == "verified"
    response = client.post(
        f"/api/v1/applications/{app.public_id}/move",
        {"stage": "placed"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    # The evidence is private: the student's classmate cannot fetch it.
    clearance = Clearance.objects.get()
    client.force_login(cast.classmate)
    assert client.get(reverse("placements:evidence", args=[clearance.public_id])).status_code == 404
    client.force_login(cast.coordinator)
    download = client.get(reverse("placements:evidence", args=[clearance.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
