"""REST API for analytics: the same numbers as the pages, and who may read them."""

from __future__ import annotations

import pytest

from tandem.accounts.models import User
from tandem.analytics.models import HealthSnapshot
from tandem.applications.models import Application
from tests.test_analytics_dashboards import world  # noqa: F401 - shared hand-built data

BASE = "/api/v1/analytics"


def _paths(w):
    inst, host, p = w["inst"].public_id, w["host"].public_id, w["partnership"].public_id
    return {
        "institution": f"{BASE}/institutions/{inst}/dashboard",
        "program": f"{BASE}/institutions/{inst}/programs/Computing/dashboard",
        "partner": f"{BASE}/partners/{host}/dashboard",
        "partnership": f"{BASE}/partnerships/{p}/dashboard",
        "health": f"{BASE}/partnerships/{p}/health",
    }


ALLOWED = {
    "institution": {"coordinator", "educator", "admin"},
    "program": {"coordinator", "educator", "admin"},
    "partner": {"recruiter", "admin"},
    "partnership": {"coordinator", "educator", "recruiter", "supervisor", "admin"},
    "health": {"coordinator", "educator", "recruiter", "supervisor", "admin"},
}
WHO = [
    "anonymous",
    "outsider",
    "student",
    "other_coordinator",
    "other_partner_recruiter",
    "coordinator",
    "educator",
    "recruiter",
    "supervisor",
    "admin",
]


@pytest.mark.parametrize("endpoint", list(ALLOWED))
def test_authorization_matrix(client, world, endpoint):  # noqa: F811
    url = _paths(world)[endpoint]
    before = (Application.objects.count(), HealthSnapshot.objects.count(), User.objects.count())
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(world[who])
        response = client.get(url)
        expected = 401 if who == "anonymous" else 200 if who in ALLOWED[endpoint] else 404
        assert response.status_code == expected, (who, endpoint, response.content)
        if expected != 200:
            assert response["Content-Type"].startswith("application/problem+json")
    after = (Application.objects.count(), HealthSnapshot.objects.count(), User.objects.count())
    assert after == before


def test_dashboard_numbers(client, world):  # noqa: F811
    client.force_login(world["coordinator"])
    data = client.get(_paths(world)["institution"]).json()
    assert data["threshold"] == 10
    assert [(s["step"], s["count"]) for s in data["funnel"]] == [
        ("applied", 32),
        ("offered", 20),
        ("placed", 20),
        ("completed", 10),
        ("hired", 0),
    ]
    assert data["by_sector"]["rows"] == [
        {
            "group": "technology",
            "cells": {
                "in_progress": 12,
                "not_selected": 0,
                "offer_pending": 0,
                "offer_declined": 0,
                "placed": 10,
                "completed": 10,
                "hired": 0,
            },
            "total": 32,
        }
    ]
    assert data["ratings"] == [
        {"month": "2026-05-01", "mean": "4.10", "responses": 10},
        {"month": "2026-06-01", "mean": None, "responses": None},
    ]
    filtered = client.get(_paths(world)["institution"], {"sector": "finance"}).json()
    assert filtered["funnel"][0]["count"] == 0


def test_health(client, world):  # noqa: F811
    client.force_login(world["recruiter"])
    data = client.get(_paths(world)["health"]).json()
    assert [r["component"] for r in data["reasons"]] == [
        "kpis",
        "engagement",
        "feedback",
        "commitments",
    ]
    assert data["band"] == "at_risk" and data["score"] == 0
    assert data["trend"] == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "03/05/2026"}, "date_from", "Enter a date as YYYY-MM-DD"),
        ({"date_from": "0"}, "date_from", "Enter a date as YYYY-MM-DD"),  # no Unix time
        ({"date_to": "2026-13-40"}, "date_to", "Enter a date as YYYY-MM-DD"),
        (
            {"date_from": "2026-06-01", "date_to": "2026-05-01"},
            "date_to",
            "The end date is before the start date.",
        ),
        ({"sector": "not-a-sector"}, "sector", "Select a valid choice"),
        ({"program": "History"}, "program", "No student of this institution is in this program."),
    ],
)
def test_bad_filters_are_a_422_problem(client, world, query, field, message):  # noqa: F811
    """The page's rules (its form): no numbers for a filter the caller did not get."""
    client.force_login(world["coordinator"])
    response = client.get(_paths(world)["institution"], query)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] == "Invalid input" and list(body["errors"]) == [field]
    assert message in body["errors"][field][0]
    assert "funnel" not in body


@pytest.mark.parametrize("endpoint", ["program", "partner", "partnership"])
def test_other_dashboards_check_dates_and_sector_too(client, world, endpoint):  # noqa: F811
    client.force_login(world["admin"])
    url = _paths(world)[endpoint]
    bad = client.get(url, {"date_from": "2026-06-01", "date_to": "2026-05-01", "sector": "x"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"date_to", "sector"}
    # Only the institution dashboard offers a program filter (as on the page).
    assert client.get(url, {"program": "History"}).status_code == 200


def test_good_filters_narrow_the_numbers(client, world):  # noqa: F811
    client.force_login(world["coordinator"])
    url = _paths(world)["institution"]
    assert client.get(url, {"sector": "technology"}).json()["funnel"][0]["count"] == 32
    assert client.get(url, {"program": "Computing"}).json()["funnel"][0]["count"] == 32
    # No application was made in the far future; the dates are ISO and in order.
    future = client.get(url, {"date_from": "2999-01-01", "date_to": "2999-12-31"})
    assert future.status_code == 200 and future.json()["funnel"][0]["count"] == 0
    empty = client.get(url, {"date_from": "", "sector": ""})
    assert empty.status_code == 200 and empty.json()["funnel"][0]["count"] == 32
