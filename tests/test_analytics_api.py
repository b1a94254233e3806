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
