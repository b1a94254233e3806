"""Partnership pages: bad input gives 422 with the field's message; unknown child objects are
404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tandem.partnerships.models import KPIMeasurement
from tests.factories import PartnershipFactory
from tests.partnerships_views_support import (
    TODAY,
    _fast_settings,  # noqa: F401 (a fixture)
    _url,
    cast,  # noqa: F401 (a fixture)
)
from tests.test_partnerships_support import objective_with_kpi, state

pytestmark = pytest.mark.django_db


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("action_name", "data", "message"),
    [
        ("objective_create", {"objective-title": ""}, "This field is required."),
        (
            "commitment_create",
            lambda c: {
                "commitment-organization": c.partner.public_id,
                "commitment-kind": "funding",
                "commitment-description": "Money",
                "commitment-amount": "10",
            },
            "three-letter ISO 4217",
        ),
        (
            "commitment_create",
            lambda c: {
                "commitment-organization": c.other_partner.public_id,
                "commitment-kind": "places",
                "commitment-description": "x",
                "commitment-quantity": "1",
            },
            "Select a valid choice",
        ),
        (
            "contact_create",
            lambda c: {"contact-organization": c.partner.public_id},
            "Enter a name, or choose a Tandem user.",
        ),
        ("communication_create", {"communication-kind": "tweet"}, "Select a valid choice"),
    ],
)
def test_bad_input_gives_422_with_field_messages(client, cast, action_name, data, message):  # noqa: F811
    client.force_login(cast.coordinator)
    before = state()
    payload = data(cast) if callable(data) else data
    response = client.post(_url(action_name, cast), payload)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert state() == before


def test_kpi_rule_errors_show_on_the_field(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    prefix = f"newkpi-{cast.objective.public_id.hex[:12]}"
    response = client.post(
        _url("kpi_create", cast, cast.objective.public_id),
        {
            f"{prefix}-name": "Same",
            f"{prefix}-baseline": "3",
            f"{prefix}-target": "3",
            f"{prefix}-due_date": str(TODAY + dt.timedelta(days=5)),
            f"{prefix}-metric": "manual",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="id_{prefix}-target_error">The target must differ from the baseline.' in body


def test_measurement_rejects_text_and_huge_numbers(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    field = f"kpi-{cast.kpi.public_id.hex[:12]}-value"
    for value in ["lots", "1e40", "NaN"]:
        response = client.post(_url("measurement_create", cast, cast.kpi.public_id), {field: value})
        assert response.status_code == 422, value
    assert not KPIMeasurement.objects.exists()


def test_edit_with_bad_dates_is_422(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    response = client.post(
        _url("edit", cast),
        {
            "title": "X",
            "types": ["mentoring"],
            "institutions": [cast.inst.public_id],
            "partners": [cast.partner.public_id],
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 422
    assert "The end date cannot be before the start date." in response.content.decode()


def test_unknown_child_objects_are_404(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    other = PartnershipFactory(institutions=[cast.inst], partners=[cast.partner])
    _, foreign_kpi = objective_with_kpi(type("C", (), {"partnership": other})())
    url = _url("measurement_create", cast, foreign_kpi.public_id)
    assert client.post(url, {"x": 1}).status_code == 404
    assert (
        client.get(
            reverse("partnerships:detail", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12])
        ).status_code
        == 404
    )
