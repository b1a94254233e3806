"""Login throttling with django-axes: lock-out after AXES_FAILURE_LIMIT failures, checked
before any password is hashed.

The evidence is a counting password hasher installed for these tests only: it subclasses
Django's fast MD5 hasher and counts every encode/verify, so "the hasher never ran" is an exact
assertion, not a timing guess.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import MD5PasswordHasher, get_hasher
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
GOOD = "correct-horse-battery-staple"


class CountingHasher(MD5PasswordHasher):
    """Test-only: MD5 (fast) that counts how often a password is hashed. Checking a password
    hashes it once too (``verify`` calls ``encode``), so ``calls`` counts both."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)


@pytest.fixture
def hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    counting = type(get_hasher("counting_md5"))
    counting.calls = 0
    return counting


@pytest.fixture
def ada(hasher):
    user = UserFactory(email="ada@example.org")
    user.set_password(GOOD)
    user.save()
    assert user.password.startswith("counting_md5$")
    hasher.calls = 0
    return user


def _fail(client, email="ada@example.org", ip="192.0.2.10"):
    return client.post(LOGIN, {"username": email, "password": "wrong-guess"}, REMOTE_ADDR=ip)


def test_limit_comes_from_settings():
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_failures_below_the_limit_are_ordinary_errors(client, ada, hasher):
    limit = django_settings.AXES_FAILURE_LIMIT
    for n in range(1, limit):
        response = _fail(client)
        assert response.status_code == 200
        assert "Please enter a correct" in response.content.decode()
        assert hasher.calls == n  # each wrong password was checked once
    assert AccessAttempt.objects.get().failures_since_start == limit - 1


def test_lockout_refuses_even_the_right_password_without_hashing_it(client, ada, hasher):
    limit = django_settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _fail(client).status_code == 200
    locking = _fail(client)
    assert locking.status_code == 429
    assert "Too many failed sign-in attempts" in locking.content.decode()

    hasher.calls = 0
    response = client.post(
        LOGIN, {"username": "ada@example.org", "password": GOOD}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert hasher.calls == 0, "the password hasher ran for a locked-out login"


def test_lockout_cannot_be_dodged_by_changing_the_case_of_the_email(client, ada, hasher):
    spellings = ["ada@example.org", "ADA@example.org", "Ada@Example.Org", "ada@EXAMPLE.org"]
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        _fail(client, email=spellings[n % len(spellings)])
    hasher.calls = 0
    response = client.post(
        LOGIN, {"username": "Ada@example.org", "password": GOOD}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 429
    assert hasher.calls == 0


def test_lockout_is_per_account_and_address(client, ada, hasher):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        _fail(client)
    # The same person from another address, and another person from the locked address,
    # can still sign in.
    response = client.post(
        LOGIN, {"username": "ada@example.org", "password": GOOD}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302
    client.logout()
    other = UserFactory(email="grace@example.org")
    other.set_password(GOOD)
    other.save()
    response = client.post(
        LOGIN, {"username": "grace@example.org", "password": GOOD}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(client, ada, hasher):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        _fail(client)
    cooloff = timedelta(hours=django_settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cooloff - timedelta(minutes=1))
    response = client.post(
        LOGIN, {"username": "ada@example.org", "password": GOOD}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(ada.pk)


def test_success_resets_the_failure_count(client, ada, hasher):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        _fail(client)
    response = client.post(
        LOGIN, {"username": "ada@example.org", "password": GOOD}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()


def test_attempt_records_do_not_store_the_password(client, ada, hasher):
    _fail(client)
    attempt = AccessAttempt.objects.get()
    assert "wrong-guess" not in attempt.post_data


def _fail_via_proxy(client, forwarded_for: str):
    return client.post(
        LOGIN,
        {"username": "ada@example.org", "password": "wrong-guess"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(client, ada, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    # A client cannot dodge the lock-out by inventing X-Forwarded-For values.
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail_via_proxy(client, f"203.0.113.{n}")
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
    response = client.post(
        LOGIN,
        {"username": "ada@example.org", "password": GOOD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429


def test_behind_one_trusted_proxy_the_client_address_counts(client, ada, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # The left entry is what the client claimed; the right one is what our proxy saw.
        _fail_via_proxy(client, "1.2.3.4, 203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    # Another visitor behind the same proxy is not locked out.
    response = client.post(
        LOGIN,
        {"username": "ada@example.org", "password": GOOD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
