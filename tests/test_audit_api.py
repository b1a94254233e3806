"""GET /api/v1/audit: the audit trail over the API, with the same scope as the page."""

from __future__ import annotations

import pytest

from tandem.accounts.services import api_token_create
from tandem.audit.services import audit_record
from tests.factories import InstitutionFactory, PartnerFactory, UserFactory, member

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit"


@pytest.fixture
def world():
    north, south = InstitutionFactory(name="North"), InstitutionFactory(name="South")
    partner = PartnerFactory(name="Acme")
    actor = UserFactory(full_name="Carla Coordinator")
    audit_record(
        actor=actor,
        action="opportunities.approved",
        target=partner,
        organizations=[north],
        changes={"status": ["awaiting", "published"]},
    )
    audit_record(actor=None, action="partnerships.created", target=south, organizations=[south])
    return {"north": north, "south": south, "partner": partner, "actor": actor}


def get(client, user, **params):
    _token, raw = api_token_create(actor=user, name="t")
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_anonymous_gets_401_problem(client, world):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("who", ["no_membership", "student", "educator", "recruiter"])
def test_wrong_roles_get_403_problem(client, world, who):
    org = world["partner"] if who == "recruiter" else world["north"]
    user = UserFactory() if who == "no_membership" else member(org, who)
    response = get(client, user)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "opportunities.approved" not in response.content.decode()


def test_coordinator_reads_own_institution_events(client, world):
    response = get(client, member(world["north"], "coordinator"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    event = body["items"][0]
    assert event["action"] == "opportunities.approved"
    assert event["target_type"] == "organizations.organization"
    assert event["target_id"] == str(world["partner"].public_id)
    assert event["actor"] == {"id": str(world["actor"].public_id), "full_name": "Carla Coordinator"}
    assert event["changes"] == {"status": ["awaiting", "published"]}
    assert "id" not in event  # no enumerable database ids


def test_other_institution_coordinator_sees_only_theirs(client, world):
    body = get(client, member(world["south"], "coordinator")).json()
    assert [e["action"] for e in body["items"]] == ["partnerships.created"]
    assert body["items"][0]["actor"] is None


def test_platform_admin_reads_all_with_filters_and_pages(client, world):
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert get(client, admin).json()["count"] == 2
    body = get(client, admin, action="partnerships.created").json()
    assert [e["target_label"] for e in body["items"]] == ["South"]
    body = get(client, admin, page_size=1, page=2).json()
    assert body["count"] == 2 and len(body["items"]) == 1


def test_bad_filter_is_422_problem(client, world):
    response = get(client, member(world["north"], "coordinator"), date_from="yesterday")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "date_from" in response.json()["errors"]


def test_list_query_count_does_not_grow_with_events(client, world, django_assert_max_num_queries):
    north = world["north"]
    for i in range(40):
        audit_record(
            actor=UserFactory(),
            action="kpis.measured",
            target=north,
            organizations=[north],
            changes={"value": i},
        )
    user = member(north, "coordinator")
    _token, raw = api_token_create(actor=user, name="t")
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": 50}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["count"] == 41
