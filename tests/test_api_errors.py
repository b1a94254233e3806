"""API errors are application/problem+json (RFC 9457) with field messages."""

from __future__ import annotations

import uuid

import pytest

from tandem.accounts.models import ApiToken
from tandem.accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
TOKENS = "/api/v1/accounts/tokens"


@pytest.fixture
def auth():
    user = UserFactory()
    _token, raw = api_token_create(actor=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, auth, body, raw: str | None = None):
    data = raw if raw is not None else body
    return client.post(TOKENS, data, content_type="application/json", **auth)


def test_missing_field_is_422_with_field_message(client, auth):
    response = post(client, auth, {})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422 and body["title"] == "Invalid input"
    assert body["errors"] == {"name": ["Field required"]}


def test_wrong_type_is_422_naming_the_field(client, auth):
    response = post(client, auth, {"name": "ci", "expires_in_days": "soon"})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == ["expires_in_days"]


@pytest.mark.parametrize("raw", ["{not json", "[]", '"text"', ""])
def test_malformed_body_is_a_4xx_problem_never_500(client, auth, raw):
    response = post(client, auth, None, raw=raw)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == PROBLEM
    assert ApiToken.objects.count() == 1


def test_domain_rule_violation_is_400_with_field_message(client, auth):
    response = post(client, auth, {"name": "ci", "expires_in_days": 999})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == {"expires_in_days": ["Must be between 1 and 365."]}
    assert ApiToken.objects.count() == 1


def test_unknown_id_is_404_problem(client, auth):
    response = client.delete(f"{TOKENS}/{uuid.uuid4()}", **auth)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "No such object, or you may not see it.",
    }


def test_malformed_id_is_422_problem(client, auth):
    response = client.delete(f"{TOKENS}/42", **auth)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert "token_id" in response.json()["errors"]


def test_unauthenticated_is_401_problem_with_www_authenticate(client):
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["title"] == "Unauthorized"


def test_unknown_api_path_is_404(client, auth):
    response = client.get("/api/v1/no-such-thing", **auth)
    assert response.status_code == 404


def test_wrong_method_is_405(client, auth):
    response = client.put("/api/v1/accounts/me", {}, content_type="application/json", **auth)
    assert response.status_code == 405
