"""Unsafe API calls without valid credentials are 401 + ``WWW-Authenticate`` (docs/api.md),
not 403 "CSRF check Failed"; a signed-in browser session still needs its CSRF token.

The client enforces CSRF checks, as a real browser or script meets them.
"""

from __future__ import annotations

import base64
import uuid

import pytest
from django.test import Client

from tandem.accounts.models import ApiToken
from tandem.accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
SOME_ID = uuid.UUID(
    "7330fabc-d9f9-4862-a080-473e401f14f8"
)  # fixed: xdist workers must collect the same ids
UNSAFE = [
    ("post", "/api/v1/accounts/tokens"),
    ("patch", f"/api/v1/organizations/{SOME_ID}"),
    ("delete", f"/api/v1/accounts/tokens/{SOME_ID}"),
]


def _basic() -> str:
    return "Basic " + base64.b64encode(b"ada@example.org:a-password").decode()


def _call(client: Client, method: str, path: str, **headers: str):
    return getattr(client, method)(
        path, '{"name": "x"}', content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(("method", "path"), UNSAFE)
@pytest.mark.parametrize(
    "credentials",
    [{}, {"Authorization": _basic()}, {"Authorization": "Token tdm_not-a-token"}],
    ids=["anonymous", "basic", "other-scheme"],
)
def test_unsafe_call_without_credentials_is_401_with_www_authenticate(method, path, credentials):
    UserFactory(email="ada@example.org")
    response = _call(Client(enforce_csrf_checks=True), method, path, **credentials)
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Bearer"


def test_signed_in_session_without_csrf_token_is_still_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = _call(client, "post", "/api/v1/accounts/tokens")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_signed_in_session_with_csrf_token_may_write():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/")  # sets the CSRF cookie, as the account page does
    token = client.cookies["csrftoken"].value
    response = _call(client, "post", "/api/v1/accounts/tokens", **{"X-CSRFToken": token})
    assert response.status_code == 201, response.content
    assert ApiToken.objects.filter(user=user).count() == 1


def test_bearer_token_needs_no_csrf_token():
    user = UserFactory()
    _token, raw = api_token_create(actor=user, name="ci")
    client = Client(enforce_csrf_checks=True)
    response = _call(client, "post", "/api/v1/accounts/tokens", Authorization=f"Bearer {raw}")
    assert response.status_code == 201, response.content
