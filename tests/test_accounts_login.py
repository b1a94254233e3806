"""Sign-in by e-mail, sign-out, and password reset by e-mail, end to end."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_login_by_email_is_case_insensitive_and_starts_a_session(client):
    user = UserFactory(email="ada@example.org")
    response = client.post(LOGIN, {"username": "Ada@Example.org", "password": PASSWORD})
    # Addresses are stored lower-cased; the form compares them the same way.
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_with_exact_email(client):
    user = UserFactory(email="grace@example.org")
    response = client.post(LOGIN, {"username": "grace@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_shows_an_error_and_no_session(client):
    UserFactory(email="ada@example.org")
    response = client.post(LOGIN, {"username": "ada@example.org", "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_inactive_user_cannot_sign_in(client):
    UserFactory(email="gone@example.org", is_active=False)
    response = client.post(LOGIN, {"username": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_login_page_has_labelled_fields(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_logout_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_by_get_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.session[SESSION_KEY] == str(user.pk)


def _reset_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_password_reset_end_to_end(client):
    user = UserFactory(email="ada@example.org")
    response = client.post("/accounts/password-reset/", {"email": "ada@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.org"]
    assert message.subject == "Reset your Tandem password"

    link = _reset_link(message.body)
    response = client.get(link)  # Django swaps the token for a session-held one
    assert response.status_code == 302
    set_password_url = response["Location"]
    response = client.get(set_password_url)
    assert response.status_code == 200
    assert "Choose a new password" in response.content.decode()

    new_password = "a-brand-new-passphrase-42"
    response = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reset/done/"

    user.refresh_from_db()
    assert user.check_password(new_password)
    client.logout()
    # The old password no longer works, the new one does.
    response = client.post(LOGIN, {"username": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 200
    response = client.post(LOGIN, {"username": "ada@example.org", "password": new_password})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)

    # The link is single-use: after the password changed it is no longer valid.
    client.logout()
    response = client.get(link, follow=True)
    assert "This link is no longer valid" in response.content.decode()


def test_password_reset_for_unknown_address_sends_nothing_and_does_not_tell(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_password_reset_rejects_weak_password(client):
    UserFactory(email="ada@example.org")
    client.post("/accounts/password-reset/", {"email": "ada@example.org"})
    set_password_url = client.get(_reset_link(mail.outbox[0].body))["Location"]
    response = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
