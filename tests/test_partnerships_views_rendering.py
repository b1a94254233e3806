"""Partnership pages: HTMX partials, what the detail and edit pages show, the admin pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.partnerships import services
from tandem.partnerships.models import KPIMeasurement
from tests.partnerships_views_support import (
    _fast_settings,  # noqa: F401 (a fixture)
    _url,
    cast,  # noqa: F401 (a fixture)
)
from tests.test_partnerships_support import minimal_pdf, upload

pytestmark = pytest.mark.django_db


# --- HTMX -----------------------------------------------------------------------------------------
def test_htmx_measurement_returns_kpi_partial(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    response = client.post(
        _url("measurement_create", cast, cast.kpi.public_id),
        {f"kpi-{cast.kpi.public_id.hex[:12]}-value": "10"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert f'id="kpi-{cast.kpi.public_id}"' in body
    assert "status-on_track" in body and "On track" in body
    assert "<td>10</td>" in body


def test_htmx_invalid_measurement_shows_errors_in_partial(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    response = client.post(
        _url("measurement_create", cast, cast.kpi.public_id),
        {f"kpi-{cast.kpi.public_id.hex[:12]}-value": "abc"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Enter a number." in response.content.decode()
    assert not KPIMeasurement.objects.exists()


def test_htmx_communication_and_action_items(client, cast):  # noqa: F811
    client.force_login(cast.recruiter)
    response = client.post(
        _url("communication_create", cast),
        {"communication-kind": "meeting", "communication-title": "Steering group"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="communication"' in body and "Steering group" in body
    response = client.post(
        _url("action_item_create", cast),
        {"action-description": "Circulate minutes"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'id="action-items"' in body and "Circulate minutes" in body and "<html" not in body
    response = client.post(
        _url("action_item_toggle", cast, cast.item.public_id), headers={"HX-Request": "true"}
    )
    assert "<s>Book rooms</s>" in response.content.decode()


def test_detail_shows_everything(client, cast, django_assert_max_num_queries):  # noqa: F811
    services.kpi_measurement_record(actor=cast.coordinator, kpi=cast.kpi, value=2)
    services.commitment_delivery_record(
        actor=cast.recruiter, commitment=cast.commitment, quantity=2
    )
    services.communication_entry_create(
        actor=cast.recruiter, partnership=cast.partnership, kind="call", title="Budget call"
    )
    services.partnership_document_upload(
        actor=cast.recruiter,
        partnership=cast.partnership,
        kind="agreement",
        title="Agreement",
        file=upload("a.pdf", minimal_pdf()),
    )
    services.partnership_transition(
        actor=cast.coordinator,
        partnership=cast.partnership,
        to_status="under_review",
        note="Annual",
    )
    client.force_login(cast.educator)
    with django_assert_max_num_queries(30):
        body = client.get(_url("detail", cast)).content.decode()
    for text in [
        "More placements",
        "Students placed",
        "Off track",
        "Summer places",
        "40 %",
        "Grace Hopper",
        "Budget call",
        "Book rooms",
        "Agreement",
        "Annual",
        "Under review",
    ]:
        assert text in body, text
    assert "Add an objective" not in body


def test_owner_choices_are_staff_by_public_id(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    body = client.get(_url("detail", cast)).content.decode()
    assert f'value="{cast.recruiter.public_id}"' in body
    assert f'value="{cast.student.public_id}"' not in body
    assert f'value="{cast.other_coordinator.public_id}"' not in body


def test_edit_page_prefills_current_values(client, cast):  # noqa: F811
    client.force_login(cast.recruiter)
    body = client.get(_url("edit", cast)).content.decode()
    assert 'value="Robotics internships"' in body
    assert f'<option value="{cast.inst.public_id}" selected>' in body
    assert f'<option value="{cast.partner.public_id}" selected>' in body
    assert 'value="mentoring"' in body and "checked" in body


def test_admin_pages_render(client, cast):  # noqa: F811
    services.kpi_measurement_record(actor=cast.coordinator, kpi=cast.kpi, value=1)
    client.force_login(cast.admin)
    objects = [cast.partnership, cast.kpi, cast.objective, cast.commitment, cast.contact, cast.item]
    for obj in objects:
        meta = obj._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, change
    for name in ["communicationentry", "partnershipdocument"]:
        assert client.get(reverse(f"admin:partnerships_{name}_changelist")).status_code == 200
