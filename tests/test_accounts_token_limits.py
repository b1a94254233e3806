"""Token names are bounded, and a token's life is too: every token expires within
TANDEM_API_TOKEN_MAX_DAYS, and a token never creates one that outlives it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.accounts.models import ApiToken
from tandem.accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/accounts/tokens"


@pytest.fixture
def user():
    return UserFactory()


def _post(client, raw_token: str, body):
    return client.post(
        TOKENS, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw_token}"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 10_000_000, "Ensure this value has at most 100 characters."),
        ("x" * 101, "Ensure this value has at most 100 characters."),
        ("ci\x07bell", "The name must not contain control characters."),
        ("line\nbreak", "The name must not contain control characters."),
    ],
)
def test_a_too_long_or_control_character_name_is_a_400(client, settings, user, name, message):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    _token, raw = api_token_create(actor=user, name="t")
    response = _post(client, raw, {"name": name})
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": [message]}
    assert ApiToken.objects.count() == 1


def test_a_name_of_100_characters_is_kept_whole(client, user):
    _token, raw = api_token_create(actor=user, name="t")
    response = _post(client, raw, {"name": "é" * 100})
    assert response.status_code == 201
    assert ApiToken.objects.get(public_id=response.json()["id"]).name == "é" * 100


def test_every_token_expires_within_the_maximum(client, settings, user):
    settings.API_TOKEN_MAX_DAYS = 30
    token, _raw = api_token_create(actor=user, name="no expiry asked")
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    client.force_login(user)  # a browser session, no token
    response = client.post(
        TOKENS, {"name": "long", "expires_in_days": 31}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"expires_in_days": ["Must be between 1 and 30."]}


def test_a_one_day_token_cannot_create_a_token_that_outlives_it(client, user):
    parent, raw = api_token_create(actor=user, name="short", expires_in_days=1)
    assert parent.expires_at is not None
    response = _post(client, raw, {"name": "child"})
    assert response.status_code == 201
    child = ApiToken.objects.get(public_id=response.json()["id"])
    assert child.expires_at == parent.expires_at
    response = _post(client, raw, {"name": "longer", "expires_in_days": 2})
    assert response.status_code == 400
    (message,) = response.json()["errors"]["expires_in_days"]
    assert message.startswith("A token cannot outlive the token that creates it")
    assert ApiToken.objects.count() == 2
    # Shorter than the parent is fine.
    parent_long, raw_long = api_token_create(actor=user, name="long", expires_in_days=10)
    response = _post(client, raw_long, {"name": "child2", "expires_in_days": 3})
    assert response.status_code == 201
    child2 = ApiToken.objects.get(public_id=response.json()["id"])
    assert child2.expires_at is not None and parent_long.expires_at is not None
    assert child2.expires_at < parent_long.expires_at


def test_a_token_without_expiry_from_before_creates_tokens_within_the_maximum(client, user):
    legacy, raw = api_token_create(actor=user, name="legacy")
    ApiToken.objects.filter(pk=legacy.pk).update(expires_at=None)
    response = _post(client, raw, {"name": "child"})
    assert response.status_code == 201
    assert response.json()["expires_at"] is not None
