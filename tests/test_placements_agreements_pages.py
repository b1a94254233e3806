"""The learning agreement pages: templates, preparing from the placement page, editing a
draft (objectives), sending, signing in turn, the out-of-turn message, declining, the PDF
download, and the API's detail/sign/pdf."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.placements.models import AgreementStatus, AgreementTemplate, LearningAgreement
from tests.agreements_support import ORDER, agreement_template, sent_agreement, signer
from tests.factories import application_cast
from tests.placements_support import accepted

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return application_cast(type="internship")


def test_coordinator_adds_a_template_with_its_signing_order(client, cast):
    client.force_login(cast.coordinator)
    url = reverse("placements:agreement_templates")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Clinical agreement",
            "opportunity_type": "clinical",
            "sections": ["objectives", "dates", "insurance"],
            "signer_1": "student",
            "signer_2": "supervisor",
            "signer_3": "coordinator",
            "required_before_start": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    t = AgreementTemplate.objects.get()
    assert t.signing_order == ["student", "supervisor", "coordinator"]
    assert t.sections == ["objectives", "dates", "insurance"] and t.required_before_start
    bad = client.post(
        url,
        {"name": "Dup", "sections": ["objectives"], "signer_1": "student", "signer_2": "student"},
    )
    assert bad.status_code == 422
    assert "Each role signs once." in bad.content.decode()
    assert AgreementTemplate.objects.count() == 1


def test_prepare_edit_send_and_sign_through_the_pages(client, cast):
    agreement_template(cast)
    app = accepted(cast)
    client.force_login(cast.coordinator)
    page = client.get(reverse("placements:placement", kwargs={"public_id": app.public_id}))
    assert "Prepare the agreement from" in page.content.decode()
    response = client.post(
        reverse("placements:agreement_create", kwargs={"public_id": app.public_id})
    )
    agreement = LearningAgreement.objects.get()
    assert response["Location"] == reverse(
        "placements:agreement", kwargs={"public_id": agreement.public_id}
    )
    response = client.post(
        reverse("placements:agreement_edit", kwargs={"public_id": agreement.public_id}),
        {"required_hours": "90", "objective_1": "Write unit tests", "site": "Main office"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement.refresh_from_db()
    assert agreement.content["objectives"][0]["text"] == "Write unit tests"
    assert agreement.content["required_hours"] == "90.00"
    client.post(reverse("placements:agreement_send", kwargs={"public_id": agreement.public_id}))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNING

    # The educator (step 3) is told whose turn it is.
    client.force_login(cast.educator)
    url = reverse("placements:agreement", kwargs={"public_id": agreement.public_id})
    assert "Sign the agreement" not in client.get(url).content.decode()
    refused = client.post(
        reverse("placements:agreement_sign", kwargs={"public_id": agreement.public_id})
    )
    assert refused.status_code == 403
    assert "waits for the student" in refused.content.decode()

    for i, role in enumerate(ORDER):
        client.force_login(signer(cast, role))
        assert list(client.get(reverse("placements:agreements_to_sign")).context["agreements"]) == [
            agreement
        ]
        page = client.get(url).content.decode()
        assert "Sign the agreement" in page
        response = client.post(
            reverse("placements:agreement_sign", kwargs={"public_id": agreement.public_id}),
            {"step": i, "content_hash": agreement.content_hash},
        )
        assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    pdf = client.get(reverse("placements:agreement_pdf", kwargs={"public_id": agreement.public_id}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.force_login(cast.recruiter)
    assert client.get(url).status_code == 404


def test_decline_page_needs_a_reason_and_returns_to_draft(client, cast):
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    client.force_login(cast.student)
    url = reverse("placements:agreement_decline", kwargs={"public_id": agreement.public_id})
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "My dates are wrong."}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    client.force_login(cast.coordinator)
    page = client.get(reverse("placements:agreement", kwargs={"public_id": agreement.public_id}))
    assert "My dates are wrong." in page.content.decode()


def test_api_detail_sign_out_of_turn_and_pdf(client, cast):
    agreement_template(cast)
    agreement = sent_agreement(cast, accepted(cast))
    base = f"/api/v1/placements/agreements/{agreement.public_id}"
    client.force_login(cast.supervisor)
    body = client.get(base).json()
    assert body["awaiting_role"] == "student" and body["next_step"] == 0
    assert body["content_hash"] == agreement.content_hash
    refused = client.post(f"{base}/signatures", {}, content_type="application/json")
    assert refused.status_code == 403
    assert "waits for the student" in refused.json()["detail"]
    client.force_login(cast.student)
    stale = client.post(
        f"{base}/signatures", {"content_hash": "f" * 64}, content_type="application/json"
    )
    assert stale.status_code == 409
    ok = client.post(
        f"{base}/signatures",
        {"step": 0, "content_hash": agreement.content_hash},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["awaiting_role"] == "supervisor"
    assert [s["role"] for s in ok.json()["signatures"]] == ["student"]
    assert client.get(f"{base}/pdf").status_code == 404  # not signed in full yet
    awaiting = client.get("/api/v1/placements/agreements/awaiting").json()
    assert awaiting == []
    client.force_login(cast.supervisor)
    assert [a["id"] for a in client.get("/api/v1/placements/agreements/awaiting").json()] == [
        str(agreement.public_id)
    ]


def test_api_prepares_and_edits_a_draft_with_field_messages(client, cast):
    agreement_template(cast)
    app = accepted(cast)
    client.force_login(cast.educator)
    created = client.post(f"/api/v1/placements/{app.public_id}/agreements")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft" and body["version"] == 1
    url = f"/api/v1/placements/agreements/{body['id']}"
    bad = client.put(
        url,
        {"start_date": "2031-05-02", "end_date": "2031-05-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "end_date" in bad.json()["errors"]
    ok = client.put(
        url,
        {"hours_per_week": "37.5", "objectives": [{"text": "Pair on a code review"}]},
        content_type="application/json",
    )
    assert ok.status_code == 200
    content = ok.json()["content"]
    assert content["hours_per_week"] == "37.50"
    objective = {"text": "Pair on a code review", "outcome": None, "skills": []}
    assert content["objectives"] == [objective]
    versions = client.get(f"/api/v1/placements/{app.public_id}/agreements").json()
    assert [v["version"] for v in versions] == [1]
    assert client.post(f"/api/v1/placements/{app.public_id}/agreements").status_code == 409
