"""Responses to signed-in requests (session or token) carry ``Cache-Control: no-store``:
they hold personal data that no browser cache or proxy may keep (the personal-data download,
dashboards and their exports were cacheable). Anonymous pages and static files are not
affected."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.accounts.services import api_token_create
from tests.factories import InstitutionFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def coordinator():
    inst = InstitutionFactory()
    return inst, member(inst, "coordinator")


@pytest.mark.parametrize(
    "url",
    [
        lambda inst: "/accounts/personal-data.json",
        lambda inst: "/accounts/",
        lambda inst: reverse("dashboards:home"),
        lambda inst: reverse("analytics:index"),
        lambda inst: reverse("analytics:institution", args=[inst.public_id]),
        lambda inst: reverse(
            "analytics:institution_export", args=[inst.public_id, "sector", "csv"]
        ),
        lambda inst: reverse(
            "analytics:institution_export", args=[inst.public_id, "funnel", "xlsx"]
        ),
        lambda inst: "/api/v1/accounts/me",
    ],
    ids=[
        "personal-data",
        "account",
        "dashboard",
        "analytics-index",
        "analytics-dashboard",
        "export-csv",
        "export-xlsx",
        "api-session",
    ],
)
def test_signed_in_responses_are_not_stored(client, coordinator, url):
    inst, user = coordinator
    client.force_login(user)
    response = client.get(url(inst))
    assert response.status_code == 200, response.status_code
    assert _no_store(response), response.get("Cache-Control")


def test_token_answers_and_refusals_are_not_stored(client):
    _token, raw = api_token_create(actor=UserFactory(), name="ci")
    me = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and _no_store(me)
    refused = client.get("/api/v1/accounts/me", headers={"Authorization": "Bearer tdm_nope"})
    assert refused.status_code == 401 and _no_store(refused)


def test_anonymous_pages_and_static_files_keep_their_caching(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "no-store" not in schema.get("Cache-Control", "")
    static = client.get("/static/tandem/favicon.svg")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
