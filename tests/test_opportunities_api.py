"""/api/v1/opportunities: authorization matrix for every endpoint, validation (422 for wrong
types, 400 with field messages for broken rules), pagination and filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.opportunities.models import Opportunity, OpportunityApproval
from tests.factories import OpportunityFactory, opportunity_cast

pytestmark = pytest.mark.django_db

BASE = "/api/v1/opportunities"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Env:
    def __init__(self) -> None:
        self.cast = c = opportunity_cast()
        self.published = OpportunityFactory(host=c.host, status="published", title="Published")
        OpportunityApproval.objects.create(
            opportunity=self.published, institution=c.inst, status="approved"
        )
        self.draft = OpportunityFactory(host=c.host, title="Draft one")
        self.awaiting = OpportunityFactory(host=c.host, status="awaiting_approval")
        OpportunityApproval.objects.create(opportunity=self.awaiting, institution=c.inst)


@pytest.fixture
def env():
    return Env()


def _client(client, env, who):
    if who != "anonymous":
        client.force_login(getattr(env.cast, who))
    return client


def _payload(env, **overrides):
    today = timezone.localdate()
    data = {
        "host_id": str(env.cast.host.public_id),
        "title": "API internship",
        "type": "internship",
        "description": "Posted through the API.",
        "work_mode": "remote",
        "start_date": (today + dt.timedelta(days=60)).isoformat(),
        "end_date": (today + dt.timedelta(days=90)).isoformat(),
        "seats": 2,
        "pay_amount": "950.50",
        "pay_currency": "EUR",
        "pay_period": "month",
        "eligible_programs": ["Computer Science"],
        "application_deadline": (timezone.now() + dt.timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "titles"),
    [
        ("outsider", set()),
        ("other_recruiter", set()),
        ("other_student", set()),
        ("student", {"Published"}),
        ("coordinator", {"Published", "Awaiting"}),
        ("recruiter", {"Published", "Draft one", "Awaiting"}),
    ],
)
def test_list_is_scoped(client, env, who, titles):
    env.awaiting.title = "Awaiting"
    env.awaiting.save()
    response = _client(client, env, who).get(f"{BASE}/")
    assert response.status_code == 200
    body = response.json()
    assert {item["title"] for item in body["items"]} == titles
    assert body["count"] == len(titles)


def test_list_anonymous_is_401(client, env):
    response = client.get(f"{BASE}/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_list_filters_and_bad_filter(client, env):
    client.force_login(env.cast.recruiter)
    body = client.get(f"{BASE}/", {"status": "draft"}).json()
    assert [i["title"] for i in body["items"]] == ["Draft one"]
    response = client.get(f"{BASE}/", {"status": "sideways"})
    assert response.status_code == 422
    assert "status" in response.json()["errors"]


DETAIL = [
    ("anonymous", 401),
    ("outsider", 404),
    ("other_recruiter", 404),
    ("other_student", 404),
    ("mentor", 404),
    ("student", 200),
    ("coordinator", 200),
    ("recruiter", 200),
    ("admin", 200),
]


@pytest.mark.parametrize(("who", "status"), DETAIL)
def test_detail_matrix(client, env, who, status):
    response = _client(client, env, who).get(f"{BASE}/{env.published.public_id}")
    assert response.status_code == status
    if status == 200:
        data = response.json()
        assert data["id"] == str(env.published.public_id)
        # Students do not see other institutions' decisions.
        if who == "student":
            assert data["approvals"] == []


CREATE = [
    ("anonymous", 401),
    ("outsider", 403),
    ("student", 403),
    ("supervisor", 403),
    ("other_recruiter", 403),
    ("coordinator", 403),
    ("recruiter", 201),
]


@pytest.mark.parametrize(("who", "status"), CREATE)
def test_create_matrix(client, env, who, status):
    before = Opportunity.objects.count()
    response = _client(client, env, who).post(
        f"{BASE}/", _payload(env), content_type="application/json"
    )
    assert response.status_code == status
    if status == 201:
        data = response.json()
        assert data["status"] == "draft" and data["pay_amount"] == "950.50"
        assert data["pay_currency"] == "EUR"
        assert Opportunity.objects.count() == before + 1
    else:
        assert Opportunity.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"seats": -1}, 400, "seats"),
        ({"seats": "lots"}, 422, "seats"),
        ({"title": None}, 422, "title"),
        ({"type": "party"}, 422, "type"),
        ({"start_date": "yesterday"}, 422, "start_date"),
        ({"end_date": timezone.localdate().isoformat()}, 400, "end_date"),
        ({"pay_currency": "ABC"}, 400, "pay_currency"),
        ({"min_year_of_study": 5, "max_year_of_study": 1}, 400, "max_year_of_study"),
        ({"host_id": "00000000-0000-0000-0000-000000000000"}, 400, "host_id"),
        ({"site_id": "00000000-0000-0000-0000-000000000000"}, 400, "site_id"),
    ],
)
def test_create_bad_input(client, env, overrides, status, field):
    client.force_login(env.cast.recruiter)
    before = Opportunity.objects.count()
    response = client.post(f"{BASE}/", _payload(env, **overrides), content_type="application/json")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]
    assert Opportunity.objects.count() == before


def test_create_missing_fields(client, env):
    client.force_login(env.cast.recruiter)
    response = client.post(
        f"{BASE}/", {"host_id": str(env.cast.host.public_id)}, content_type="application/json"
    )
    assert response.status_code == 422
    assert {"title", "type", "description"} <= set(response.json()["errors"])


UPDATE = [
    ("anonymous", 401),
    ("outsider", 404),
    ("other_recruiter", 404),
    ("coordinator", 404),
    ("student", 404),
    ("supervisor", 403),
    ("recruiter", 200),
]


@pytest.mark.parametrize(("who", "status"), UPDATE)
def test_update_matrix(client, env, who, status):
    response = _client(client, env, who).patch(
        f"{BASE}/{env.draft.public_id}", {"seats": 7}, content_type="application/json"
    )
    assert response.status_code == status
    env.draft.refresh_from_db()
    assert env.draft.seats == (7 if status == 200 else 2)


def test_update_rejects_nulls_for_required_fields(client, env):
    client.force_login(env.cast.recruiter)
    response = client.patch(
        f"{BASE}/{env.draft.public_id}", {"seats": None}, content_type="application/json"
    )
    assert response.status_code == 400 and "seats" in response.json()["errors"]


@pytest.mark.parametrize(("who", "status"), UPDATE)
def test_submit_matrix(client, env, who, status):
    response = _client(client, env, who).post(
        f"{BASE}/{env.draft.public_id}/submit",
        {"institution_ids": [str(env.cast.inst.public_id)]},
        content_type="application/json",
    )
    assert response.status_code == status
    env.draft.refresh_from_db()
    assert env.draft.status == ("awaiting_approval" if status == 200 else "draft")


def test_submit_bad_input(client, env):
    client.force_login(env.cast.recruiter)
    url = f"{BASE}/{env.draft.public_id}/submit"
    assert (
        client.post(url, {"institution_ids": []}, content_type="application/json").status_code
        == 422
    )
    response = client.post(
        url, {"institution_ids": [str(env.cast.host.public_id)]}, content_type="application/json"
    )
    assert response.status_code == 400 and "institution_ids" in response.json()["errors"]
    response = client.post(
        f"{BASE}/{env.published.public_id}/submit",
        {"institution_ids": [str(env.cast.inst.public_id)]},
        content_type="application/json",
    )
    assert response.status_code == 400  # illegal transition


DECIDE = [
    ("anonymous", 401),
    ("outsider", 404),
    ("other_recruiter", 404),
    ("student", 404),
    ("other_coordinator", 404),
    ("educator", 403),
    ("recruiter", 403),
    ("coordinator", 200),
]


@pytest.mark.parametrize(("who", "status"), DECIDE)
def test_decide_matrix(client, env, who, status):
    response = _client(client, env, who).post(
        f"{BASE}/{env.awaiting.public_id}/decide",
        {"institution_id": str(env.cast.inst.public_id), "approve": True, "note": "Fine"},
        content_type="application/json",
    )
    assert response.status_code == status
    env.awaiting.refresh_from_db()
    approval = env.awaiting.approvals.get()
    if status == 200:
        assert response.json()["status"] == "approved"
        assert env.awaiting.status == "published"
    else:
        assert approval.status == "pending" and env.awaiting.status == "awaiting_approval"


def test_decide_twice_is_409(client, env):
    client.force_login(env.cast.coordinator)
    url = f"{BASE}/{env.awaiting.public_id}/decide"
    body = {"institution_id": str(env.cast.inst.public_id), "approve": True}
    assert client.post(url, body, content_type="application/json").status_code == 200
    response = client.post(url, {**body, "approve": False}, content_type="application/json")
    assert response.status_code == 409
    assert env.awaiting.approvals.get().status == "approved"


def test_only_rejection_returns_posting_to_draft(client, env):
    client.force_login(env.cast.coordinator)
    url = f"{BASE}/{env.awaiting.public_id}/decide"
    body = {"institution_id": str(env.cast.inst.public_id), "approve": False}
    assert client.post(url, body, content_type="application/json").status_code == 200
    env.awaiting.refresh_from_db()
    assert env.awaiting.status == "draft"


def test_decide_bad_input(client, env):
    client.force_login(env.cast.coordinator)
    url = f"{BASE}/{env.awaiting.public_id}/decide"
    response = client.post(
        url, {"institution_id": "nope", "approve": "perhaps"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert {"institution_id", "approve"} <= set(response.json()["errors"])


LIFECYCLE = [
    ("anonymous", 401),
    ("outsider", 404),
    ("other_recruiter", 404),
    ("other_student", 404),
    ("student", 403),
    ("coordinator", 403),
    ("supervisor", 403),
    ("recruiter", 200),
]


@pytest.mark.parametrize(("who", "status"), LIFECYCLE)
def test_close_matrix(client, env, who, status):
    response = _client(client, env, who).post(f"{BASE}/{env.published.public_id}/close")
    assert response.status_code == status
    env.published.refresh_from_db()
    assert env.published.status == ("closed" if status == 200 else "published")


def test_reopen_and_filled(client, env):
    client.force_login(env.cast.recruiter)
    url = f"{BASE}/{env.published.public_id}"
    assert client.post(f"{url}/reopen").status_code == 400  # published cannot be reopened
    assert client.post(f"{url}/filled").json()["status"] == "filled"
    assert client.post(f"{url}/reopen").json()["status"] == "published"
    client.force_login(env.cast.other_recruiter)
    assert client.post(f"{url}/filled").status_code == 404


def test_awaiting_approval_endpoint(client, env):
    client.force_login(env.cast.coordinator)
    body = client.get(f"{BASE}/approvals").json()
    assert [i["id"] for i in body["items"]] == [str(env.awaiting.public_id)]
    client.force_login(env.cast.recruiter)
    assert client.get(f"{BASE}/approvals").json()["items"] == []
