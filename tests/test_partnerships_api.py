"""/api/v1/partnerships: an authorization matrix for every endpoint, validation, shapes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from tandem.partnerships import services
from tandem.partnerships.models import (
    KPI,
    ActionItem,
    Commitment,
    CommunicationEntry,
    KPIMeasurement,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipTransition,
)
from tests.factories import PartnershipFactory
from tests.test_partnerships_support import (
    EDITORS,
    NON_VIEWERS,
    READERS,
    VIEWERS,
    build_cast,
    objective_with_kpi,
    state,
)

pytestmark = pytest.mark.django_db

EVERYONE = ["anonymous", *NON_VIEWERS, *READERS, *EDITORS]
BASE = "/api/v1/partnerships"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files are not under test here; WhiteNoise would re-scan them for every client.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "whitenoise" not in m]


@pytest.fixture
def cast():
    c = build_cast(status="active")
    c.objective, c.kpi = objective_with_kpi(c)
    c.commitment = services.commitment_create(
        actor=c.admin,
        partnership=c.partnership,
        organization=c.partner,
        kind="funding",
        description="Bursaries",
        amount=1000,
        currency="GBP",
    )
    c.item = services.action_item_create(
        actor=c.admin, partnership=c.partnership, description="Book rooms"
    )
    return c


def _as(client, cast, who):
    client.logout()
    user = cast.role(who)
    if user is not None:
        client.force_login(user)
    return client


def _call(client, method: str, url: str, body: Any = None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


@contextmanager
def _rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def P(c) -> str:
    return f"{BASE}/{c.partnership.public_id}"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: Callable[[Any], str]
    body: Callable[[Any], Any] = lambda c: None
    done: Callable[[Any], bool] = lambda c: True
    success: int = 200


READS = [
    Endpoint("detail", "get", P),
    Endpoint("transitions", "get", lambda c: f"{P(c)}/transitions"),
    Endpoint("objectives", "get", lambda c: f"{P(c)}/objectives"),
    Endpoint("measurements", "get", lambda c: f"{P(c)}/kpis/{c.kpi.public_id}/measurements"),
    Endpoint("commitments", "get", lambda c: f"{P(c)}/commitments"),
    Endpoint("contacts", "get", lambda c: f"{P(c)}/contacts"),
    Endpoint("communications", "get", lambda c: f"{P(c)}/communications"),
    Endpoint("action_items", "get", lambda c: f"{P(c)}/action-items"),
    Endpoint("documents", "get", lambda c: f"{P(c)}/documents"),
]

WRITES = [
    Endpoint(
        "update",
        "patch",
        P,
        lambda c: {"title": "Renamed", "types": ["research"]},
        lambda c: Partnership.objects.get(pk=c.partnership.pk).title == "Renamed",
    ),
    Endpoint(
        "objective_create",
        "post",
        lambda c: f"{P(c)}/objectives",
        lambda c: {"title": "Curriculum", "owner_id": str(c.educator.public_id)},
        lambda c: Objective.objects.filter(title="Curriculum").exists(),
        201,
    ),
    Endpoint(
        "kpi_create",
        "post",
        lambda c: f"{P(c)}/objectives/{c.objective.public_id}/kpis",
        lambda c: {
            "name": "Dropout",
            "unit": "%",
            "baseline": "12",
            "target": "8",
            "due_date": str(TODAY + dt.timedelta(days=200)),
            "metric": "manual",
        },
        lambda c: KPI.objects.filter(name="Dropout").exists(),
        201,
    ),
    Endpoint(
        "measurement_create",
        "post",
        lambda c: f"{P(c)}/kpis/{c.kpi.public_id}/measurements",
        lambda c: {"value": "10", "note": "Term 1"},
        lambda c: KPIMeasurement.objects.filter(note="Term 1").exists(),
        201,
    ),
    Endpoint(
        "commitment_create",
        "post",
        lambda c: f"{P(c)}/commitments",
        lambda c: {
            "organization_id": str(c.inst.public_id),
            "kind": "staff_hours",
            "description": "Lecturers",
            "quantity": "30",
        },
        lambda c: Commitment.objects.filter(description="Lecturers").exists(),
        201,
    ),
    Endpoint(
        "delivery_create",
        "post",
        lambda c: f"{P(c)}/commitments/{c.commitment.public_id}/deliveries",
        lambda c: {"amount": "250.50"},
        lambda c: c.commitment.deliveries.exists(),
        201,
    ),
    Endpoint(
        "contact_create",
        "post",
        lambda c: f"{P(c)}/contacts",
        lambda c: {
            "organization_id": str(c.partner.public_id),
            "name": "Grace",
            "email": "grace@acme.example",
            "is_primary": True,
        },
        lambda c: PartnershipContact.objects.filter(name="Grace").exists(),
        201,
    ),
    Endpoint(
        "communication_create",
        "post",
        lambda c: f"{P(c)}/communications",
        lambda c: {"kind": "meeting", "title": "Kick-off", "date": str(TODAY)},
        lambda c: CommunicationEntry.objects.filter(title="Kick-off").exists(),
        201,
    ),
    Endpoint(
        "action_item_create",
        "post",
        lambda c: f"{P(c)}/action-items",
        lambda c: {"description": "Send MOU", "owner_id": str(c.recruiter.public_id)},
        lambda c: ActionItem.objects.filter(description="Send MOU").exists(),
        201,
    ),
    Endpoint(
        "action_item_update",
        "patch",
        lambda c: f"{P(c)}/action-items/{c.item.public_id}",
        lambda c: {"done": True},
        lambda c: ActionItem.objects.get(pk=c.item.pk).done_at is not None,
    ),
]


@pytest.mark.parametrize("endpoint", READS, ids=lambda e: e.name)
def test_read_matrix(client, cast, endpoint):
    for who in EVERYONE:
        response = _call(_as(client, cast, who), "get", endpoint.url(cast))
        expected = 401 if who == "anonymous" else 200 if who in VIEWERS else 404
        assert response.status_code == expected, (who, response.content[:300])
        if expected != 200:
            assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("endpoint", WRITES, ids=lambda e: e.name)
def test_write_matrix(client, cast, endpoint):
    before = state()
    for who in EVERYONE:
        if who in EDITORS:
            continue
        response = _call(
            _as(client, cast, who), endpoint.method, endpoint.url(cast), endpoint.body(cast)
        )
        expected = 401 if who == "anonymous" else 403 if who in READERS else 404
        assert response.status_code == expected, (who, response.content[:300])
        assert state() == before, who
        assert not endpoint.done(cast), who
    for who in EDITORS:
        with _rolled_back():
            response = _call(
                _as(client, cast, who), endpoint.method, endpoint.url(cast), endpoint.body(cast)
            )
            assert response.status_code == endpoint.success, (who, response.content[:500])
            assert endpoint.done(cast), who
        assert state() == before


def test_list_matrix_and_filters(client, cast):
    PartnershipFactory(
        title="Research lab",
        institutions=[cast.inst],
        partners=[cast.partner],
        types=["research"],
        status="proposed",
    )
    for who in EVERYONE:
        response = _as(client, cast, who).get(f"{BASE}/")
        if who == "anonymous":
            assert response.status_code == 401
            continue
        assert response.status_code == 200, who
        titles = {p["title"] for p in response.json()["items"]}
        assert titles == ({"Robotics internships", "Research lab"} if who in VIEWERS else set())
    _as(client, cast, "coordinator")
    body = client.get(f"{BASE}/", {"type": "research", "limit": 1}).json()
    assert body["count"] == 1 and body["items"][0]["title"] == "Research lab"
    assert client.get(f"{BASE}/", {"status": "active", "q": "ROBOT"}).json()["count"] == 1
    bad = client.get(f"{BASE}/", {"status": "paused"})
    assert bad.status_code == 422
    assert "status" in bad.json()["errors"]


def test_create_matrix(client, cast):
    before = state()
    body = {
        "title": "New deal",
        "types": ["research", "mentoring"],
        "institution_ids": [str(cast.inst.public_id)],
        "partner_ids": [str(cast.partner.public_id)],
    }
    for who in EVERYONE:
        if who in EDITORS:
            with _rolled_back():
                response = _call(_as(client, cast, who), "post", f"{BASE}/", body)
                assert response.status_code == 201, who
                data = response.json()
                assert data["status"] == "proposed"
                assert data["types"] == ["research", "mentoring"]
                assert [o["name"] for o in data["partners"]] == ["Acme Robotics"]
            continue
        response = _call(_as(client, cast, who), "post", f"{BASE}/", body)
        assert response.status_code == (401 if who == "anonymous" else 403), who
        assert state() == before, who


def test_transition_matrix(client, cast):
    before = state()
    url = f"{P(cast)}/transitions"
    for who in EVERYONE:
        if who in ("coordinator", "admin"):
            with _rolled_back():
                response = _call(
                    _as(client, cast, who),
                    "post",
                    url,
                    {"to_status": "under_review", "note": "Annual"},
                )
                assert response.status_code == 201, who
                assert response.json()["from_status"] == "active"
                assert PartnershipTransition.objects.count() == 1
            continue
        response = _call(_as(client, cast, who), "post", url, {"to_status": "under_review"})
        expected = {"anonymous": 401, "recruiter": 403, **{r: 403 for r in READERS}}
        assert response.status_code == expected.get(who, 404), who
        assert state() == before, who


def test_illegal_transition_is_409_problem(client, cast):
    _as(client, cast, "coordinator")
    before = state()
    response = _call(client, "post", f"{P(cast)}/transitions", {"to_status": "negotiating"})
    assert response.status_code == 409
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert "cannot move from" in problem["detail"]
    assert problem["errors"]["to_status"]
    assert state() == before


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        (
            "post",
            "",
            {"title": "", "types": [], "institution_ids": [], "partner_ids": []},
            422,
            "title",
        ),
        (
            "post",
            "",
            {"title": "X", "types": ["astrology"], "institution_ids": [], "partner_ids": []},
            422,
            "types.0",
        ),
        ("patch", "{p}", {"end_date": "not-a-date"}, 422, "end_date"),
        ("patch", "{p}", {"start_date": "2026-05-02", "end_date": "2026-05-01"}, 400, "end_date"),
        ("patch", "{p}", {"types": None}, 400, "types"),
        ("post", "{p}/objectives", {"title": "x", "owner_id": "not-a-uuid"}, 422, "owner_id"),
        ("post", "{p}/objectives", {"title": "x", "owner_id": "{outsider}"}, 400, "owner"),
        ("post", "{p}/kpis/{kpi}/measurements", {"value": "1e30"}, 422, "value"),
        ("post", "{p}/kpis/{kpi}/measurements", {"value": "NaN"}, 422, "value"),
        (
            "post",
            "{p}/commitments",
            {
                "organization_id": "{partner}",
                "kind": "funding",
                "description": "x",
                "amount": "10",
                "currency": "£",
            },
            400,
            "currency",
        ),
        (
            "post",
            "{p}/commitments",
            {
                "organization_id": "{other_partner}",
                "kind": "places",
                "description": "x",
                "quantity": "2",
            },
            400,
            "organization",
        ),
        (
            "post",
            "{p}/commitments",
            {
                "organization_id": "{partner}",
                "kind": "places",
                "description": "x",
                "quantity": "-2",
            },
            422,
            "quantity",
        ),
        ("post", "{p}/contacts", {"organization_id": "{partner}", "email": "x@y.z"}, 400, "name"),
        ("post", "{p}/communications", {"kind": "tweet", "title": "x"}, 422, "kind"),
        (
            "post",
            "{p}/action-items",
            {"description": "x", "entry_id": "{partner}"},
            400,
            "entry_id",
        ),
    ],
)
def test_bad_input_gives_field_messages(client, cast, method, path, body, status, field):
    _as(client, cast, "coordinator")
    subs = {
        "{p}": P(cast),
        "{kpi}": str(cast.kpi.public_id),
        "{partner}": str(cast.partner.public_id),
        "{other_partner}": str(cast.other_partner.public_id),
        "{outsider}": str(cast.outsider.public_id),
    }
    url = path or f"{BASE}/"
    for k, v in subs.items():
        url = url.replace(k, v)
    payload = json.loads(json.dumps(body))
    for key, value in list(payload.items()):
        if isinstance(value, str) and value in subs:
            payload[key] = subs[value]
    before = state()
    response = _call(client, method, url, payload)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"], response.json()
    assert state() == before


def test_malformed_json_is_4xx(client, cast):
    _as(client, cast, "coordinator")
    response = client.post(f"{BASE}/", data="{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_unknown_ids_are_404(client, cast):
    _as(client, cast, "coordinator")
    other = PartnershipFactory(institutions=[cast.inst], partners=[cast.partner])
    url = f"{BASE}/{other.public_id}/kpis/{cast.kpi.public_id}/measurements"
    assert _call(client, "post", url, {"value": 1}).status_code == 404
    assert client.get(f"{BASE}/00000000-0000-0000-0000-000000000000").status_code == 404


def test_measurement_reports_refreshed_status_and_history(client, cast):
    _as(client, cast, "recruiter")
    url = f"{P(cast)}/kpis/{cast.kpi.public_id}/measurements"
    response = _call(client, "post", url, {"value": "2"})
    assert response.status_code == 201
    assert response.json()["kpi_status"] == "off_track"
    services.kpi_record_metric(partnership=cast.partnership, metric="placements", value=5)
    history = client.get(url).json()
    assert history["count"] == 1 and history["items"][0]["value"] == "2.0000"
    objectives = client.get(f"{P(cast)}/objectives").json()
    assert objectives[0]["kpis"][0]["status"] == "off_track"


def test_commitment_delivery_share_in_api(client, cast):
    _as(client, cast, "recruiter")
    url = f"{P(cast)}/commitments/{cast.commitment.public_id}/deliveries"
    body = _call(client, "post", url, {"amount": "250"}).json()
    assert body["delivered"] == "250.00"
    assert body["delivered_share"] == "0.2500"
    assert body["currency"] == "GBP"
    assert len(body["deliveries"]) == 1


def test_token_auth_works(client, cast):
    from tandem.accounts.services import api_token_create

    _, raw = api_token_create(actor=cast.educator, name="ci", expires_in_days=None)
    client.logout()
    response = client.get(
        f"{BASE}/{cast.partnership.public_id}", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200
    assert response.json()["allowed_transitions"] == []
