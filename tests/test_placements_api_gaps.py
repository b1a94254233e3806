"""API for what the pages already did: learning agreement templates (list, create, update) for
coordinators, an incident's evidence download, the partner's due-diligence flags in the
placement output."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.placements import services
from tandem.placements.models import AgreementTemplate, DiligenceItem
from tests.factories import application_cast, pdf_upload
from tests.placements_support import placed_with_dates

pytestmark = pytest.mark.django_db
BASE = "/api/v1/placements"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast(type="internship")


def test_coordinators_list_create_and_update_agreement_templates(cast, client):
    client.force_login(cast.coordinator)
    body = {
        "institution": str(cast.institution.public_id),
        "name": "Internship agreement",
        "opportunity_type": "internship",
        "sections": ["objectives", "dates"],
        "signing_order": ["student", "student"],
    }
    bad = client.post(f"{BASE}/agreement-templates", body, content_type="application/json")
    assert bad.status_code == 400 and "signing_order" in bad.content.decode()
    body["signing_order"] = ["student", "supervisor", "coordinator"]
    made = client.post(f"{BASE}/agreement-templates", body, content_type="application/json")
    assert made.status_code == 201, made.content
    out = made.json()
    assert out["signing_order"] == ["student", "supervisor", "coordinator"]
    assert out["institution"] == str(cast.institution.public_id) and out["is_active"] is True
    listed = client.get(f"{BASE}/agreement-templates").json()
    assert [t["id"] for t in listed] == [out["id"]]
    changed = client.put(
        f"{BASE}/agreement-templates/{out['id']}",
        {
            "name": "Internship agreement v2",
            "sections": ["objectives"],
            "signing_order": ["student", "coordinator"],
            "required_before_start": True,
            "is_active": False,
        },
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    stored = AgreementTemplate.objects.get(public_id=out["id"])
    assert stored.name == "Internship agreement v2" and not stored.is_active
    assert stored.required_before_start and stored.signing_order == ["student", "coordinator"]
    assert AuditEvent.objects.filter(action="placements.agreement_template_updated").count() == 1
    # Host staff, students and other institutions' staff neither see nor change them.
    for who in (cast.supervisor, cast.student, cast.educator):
        client.force_login(who)
        assert client.get(f"{BASE}/agreement-templates").json() == []
        assert (
            client.put(
                f"{BASE}/agreement-templates/{out['id']}",
                {"name": "x", "sections": ["objectives"], "signing_order": ["student"]},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"{BASE}/agreement-templates", body, content_type="application/json"
            ).status_code
            == 403
        )


def test_incident_evidence_downloads_for_those_who_see_the_incident(cast, client):
    app = placed_with_dates(cast)
    incident = services.incident_report(
        actor=cast.student,
        application=app,
        kind="safety",
        severity="low",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        description="A loose cable.",
        file=pdf_upload("photo.pdf"),
    )
    url = f"{BASE}/incidents/{incident.public_id}/evidence"
    client.force_login(cast.coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(cast.classmate)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (401, 403)


def test_placement_output_flags_the_partners_expired_due_diligence(cast, client):
    app = placed_with_dates(cast)
    client.force_login(cast.coordinator)
    assert client.get(f"{BASE}/{app.public_id}").json()["diligence_flags"] == []
    services.diligence_item_record(
        actor=cast.coordinator,
        institution=cast.institution,
        partner=cast.host,
        kind="insurance",
        file=pdf_upload("insurance.pdf"),
        expires_on=timezone.localdate() + dt.timedelta(days=100),
    )
    DiligenceItem.objects.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    flags = client.get(f"{BASE}/{app.public_id}").json()["diligence_flags"]
    assert len(flags) == 1 and "nsurance" in flags[0]
