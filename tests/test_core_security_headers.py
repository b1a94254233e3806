"""Security headers on pages, API responses and the API docs."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [
        ("/accounts/login/", False),
        ("/accounts/", True),
        ("/api/v1/openapi.json", False),
        ("/api/v1/docs", False),
        ("/api/v1/accounts/me", True),
    ],
)
def test_security_headers_everywhere(client, url, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline scripts, no CDN
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_session_and_csrf_cookies_are_httponly_and_lax(client):
    user = UserFactory(email="ada@example.org")
    user.set_password("a-long-enough-passphrase")
    user.save()
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"username": "ada@example.org", "password": "a-long-enough-passphrase"},
    )
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"


def test_pages_have_no_inline_scripts(client):
    client.force_login(UserFactory())
    for url in ("/accounts/login/", "/accounts/", "/accounts/erase/"):
        html = client.get(url).content.decode()
        for chunk in html.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
