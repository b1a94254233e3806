"""Personal access tokens: created once, stored as SHA-256 only, revocable, expiring, and
checked without the slow password hasher."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, get_hasher
from django.db import connection
from django.utils import timezone

from tandem.accounts import services
from tandem.accounts.models import ApiToken
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"


class CountingHasher(MD5PasswordHasher):
    """Test-only fast hasher that counts every password hashed or checked."""

    algorithm = "counting_md5_tokens"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_created_token_is_random_and_only_its_sha256_is_stored():
    user = UserFactory()
    token, raw = services.api_token_create(actor=user, name="laptop")
    _other, raw2 = services.api_token_create(actor=user, name="ci")
    assert raw.startswith("tdm_") and len(raw) >= 40 and raw != raw2
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:10]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    stored = " ".join(str(value) for row in rows for value in row)
    assert raw not in stored and raw[10:] not in stored
    assert raw2 not in stored


def test_bearer_token_authenticates_me_and_records_last_use(client):
    inst = InstitutionFactory(name="Northgate College")
    membership = MembershipFactory(organization=inst, role="coordinator")
    user = membership.user
    token, raw = services.api_token_create(actor=user, name="script")
    assert token.last_used_at is None
    response = client.get(ME, **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(user.public_id)
    assert body["email"] == user.email
    assert body["memberships"] == [
        {
            "organization_id": str(inst.public_id),
            "organization_name": "Northgate College",
            "role": "coordinator",
        }
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(seconds=30)


def test_last_used_is_written_at_most_every_five_minutes(client):
    user = UserFactory()
    token, raw = services.api_token_create(actor=user, name="script")
    earlier = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert client.get(ME, **bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == earlier
    much_earlier = timezone.now() - timedelta(minutes=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=much_earlier)
    assert client.get(ME, **bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > much_earlier


def test_token_auth_never_runs_the_password_hasher(client, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    counting = type(get_hasher("counting_md5_tokens"))
    user = UserFactory()
    user.set_password("a-long-enough-passphrase")
    user.save()
    _token, raw = services.api_token_create(actor=user, name="script")
    counting.calls = 0
    for _ in range(3):
        assert client.get(ME, **bearer(raw)).status_code == 200
    assert client.get(ME, **bearer(raw + "x")).status_code == 401
    assert client.get(ME, **bearer("tdm_" + "A" * 43)).status_code == 401
    assert counting.calls == 0
    # The counter does count: a password sign-in hashes once.
    client.post(
        "/accounts/login/", {"username": user.email, "password": "a-long-enough-passphrase"}
    )
    assert counting.calls == 1


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Bearer not-a-tandem-token",
        "Basic dXNlcjpwYXNz",
        "Bearer tdm_" + "x" * 200,
    ],
)
def test_bad_authorization_headers_get_401(client, header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(ME, **kwargs)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_stops_working_at_once(client):
    user = UserFactory()
    token, raw = services.api_token_create(actor=user, name="script")
    assert client.get(ME, **bearer(raw)).status_code == 200
    services.api_token_revoke(actor=user, token=token)
    assert client.get(ME, **bearer(raw)).status_code == 401


def test_expired_token_is_refused(client):
    user = UserFactory()
    token, raw = services.api_token_create(actor=user, name="script", expires_in_days=1)
    assert token.expires_at is not None
    assert timedelta(hours=23) < token.expires_at - timezone.now() <= timedelta(days=1)
    assert client.get(ME, **bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(ME, **bearer(raw)).status_code == 401


def test_token_of_inactive_user_is_refused(client):
    user = UserFactory()
    _token, raw = services.api_token_create(actor=user, name="script")
    user.is_active = False
    user.save()
    assert client.get(ME, **bearer(raw)).status_code == 401


def test_revoking_someone_elses_token_is_refused_by_the_service():
    owner, other = UserFactory(), UserFactory()
    token, _raw = services.api_token_create(actor=owner, name="script")
    from tandem.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.api_token_revoke(actor=other, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


# --- API endpoints for tokens ------------------------------------------------------------------


def test_api_token_lifecycle(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/api/v1/accounts/tokens",
        {"name": "ci", "expires_in_days": 30},
        content_type="application/json",
    )
    assert response.status_code == 201
    created = response.json()
    raw = created["token"]
    assert raw.startswith("tdm_")
    listed = client.get("/api/v1/accounts/tokens").json()
    assert [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0]
    client.logout()
    assert client.get(ME, **bearer(raw)).status_code == 200
    response = client.delete(f"/api/v1/accounts/tokens/{created['id']}", **bearer(raw))
    assert response.status_code == 204
    assert client.get(ME, **bearer(raw)).status_code == 401


def test_api_cannot_list_or_revoke_another_persons_tokens(client):
    owner, other = UserFactory(), UserFactory()
    token, raw = services.api_token_create(actor=owner, name="owner's")
    _t, other_raw = services.api_token_create(actor=other, name="other's")
    assert [
        t["name"] for t in client.get("/api/v1/accounts/tokens", **bearer(other_raw)).json()
    ] == ["other's"]
    response = client.delete(f"/api/v1/accounts/tokens/{token.public_id}", **bearer(other_raw))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(ME, **bearer(raw)).status_code == 200


def test_anonymous_cannot_create_tokens(client):
    response = client.post(
        "/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert not ApiToken.objects.exists()


# --- Account page (tokens UI) --------------------------------------------------------------------


def test_account_page_requires_sign_in(client):
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/", {"name": "sneaky"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_account_page_creates_a_token_and_shows_it_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/", {"name": "laptop", "expires_in_days": "90"})
    assert response.status_code == 200
    html = response.content.decode()
    token = ApiToken.objects.get(user=user)
    raw_start = html.index('data-testid="new-token">') + len('data-testid="new-token">')
    raw = html[raw_start : html.index("</code>", raw_start)]
    assert raw.startswith(token.prefix)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.expires_at is not None
    # Shown once: the next visit lists the token by its prefix only.
    html = client.get("/accounts/").content.decode()
    assert raw not in html
    assert token.prefix in html
    assert client.get(ME, **bearer(raw)).status_code == 200


def test_account_page_shows_form_errors(client):
    client.force_login(UserFactory())
    response = client.post("/accounts/", {"name": "", "expires_in_days": "999"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    assert 'id="id_expires_in_days_error"' in html
    assert not ApiToken.objects.exists()


def test_account_page_lists_only_my_tokens(client):
    me, other = UserFactory(), UserFactory()
    services.api_token_create(actor=me, name="mine-token")
    services.api_token_create(actor=other, name="their-token")
    client.force_login(me)
    html = client.get("/accounts/").content.decode()
    assert "mine-token" in html
    assert "their-token" not in html


def test_revoke_from_account_page(client):
    user = UserFactory()
    token, raw = services.api_token_create(actor=user, name="laptop")
    client.force_login(user)
    response = client.post(f"/accounts/tokens/{token.public_id}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Even beside a valid session, a revoked token is refused rather than ignored.
    assert client.get(ME, **bearer(raw)).status_code == 401
    assert client.get(ME).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "other_user"])
def test_revoking_another_persons_token_from_the_page_is_404_and_changes_nothing(client, who):
    owner = UserFactory()
    token, raw = services.api_token_create(actor=owner, name="laptop")
    if who == "other_user":
        client.force_login(UserFactory())
    response = client.post(f"/accounts/tokens/{token.public_id}/revoke/")
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(ME, **bearer(raw)).status_code == 200


def test_revoke_unknown_token_is_404_and_get_is_405(client):
    user = UserFactory()
    token, _raw = services.api_token_create(actor=user, name="laptop")
    client.force_login(user)
    assert client.post(f"/accounts/tokens/{uuid.uuid4()}/revoke/").status_code == 404
    assert client.get(f"/accounts/tokens/{token.public_id}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_session_writes_to_the_api_need_the_csrf_token():
    from django.test import Client

    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(
        "/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    browser.get("/accounts/")  # sets the CSRF cookie, as the page does
    response = browser.post(
        "/api/v1/accounts/tokens",
        {"name": "x"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )
    assert response.status_code == 201


def test_bearer_writes_need_no_csrf_token():
    from django.test import Client

    user = UserFactory()
    _token, raw = services.api_token_create(actor=user, name="script")
    script = Client(enforce_csrf_checks=True)
    response = script.post(
        "/api/v1/accounts/tokens",
        {"name": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
