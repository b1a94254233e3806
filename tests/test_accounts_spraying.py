"""Password spraying: one address trying a password or two on many accounts is locked out,
for every account, once its failures across accounts reach
``TANDEM_LOGIN_ADDRESS_FAILURE_LIMIT``; the per-account rule stays as it was.

Before, each (e-mail, address) pair was counted alone: one wrong password on each of 40
accounts from one address was 40 ordinary failures, never a lock-out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
GOOD = "correct-horse-battery-staple"
SPRAYER = "192.0.2.66"


@pytest.fixture
def accounts():
    users = [UserFactory(email=f"person{i}@example.org") for i in range(40)]
    for user in users:
        user.set_password(GOOD)
        user.save()
    return users


def _try(client, email: str, password: str, ip: str):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_the_address_limit_is_a_setting_above_the_per_account_limit():
    assert django_settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    assert django_settings.LOGIN_ADDRESS_FAILURE_LIMIT > django_settings.AXES_FAILURE_LIMIT


def test_spraying_many_accounts_from_one_address_locks_that_address(client, accounts):
    limit = django_settings.LOGIN_ADDRESS_FAILURE_LIMIT
    answers = [_try(client, u.email, "Summer2026!", SPRAYER).status_code for u in accounts]
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert answers[limit - 1 :] == [429] * (len(accounts) - limit + 1), answers

    # Even the right password is refused from that address, for any account…
    locked = _try(client, accounts[35].email, GOOD, SPRAYER)
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    # …while the same account signs in from elsewhere.
    elsewhere = _try(client, accounts[35].email, GOOD, "198.51.100.7")
    assert elsewhere.status_code == 302
    assert client.session[SESSION_KEY] == str(accounts[35].pk)


def test_failures_below_the_address_limit_lock_nobody(client, accounts):
    limit = django_settings.LOGIN_ADDRESS_FAILURE_LIMIT
    for user in accounts[: limit - 1]:
        assert _try(client, user.email, "wrong", SPRAYER).status_code == 200
    assert _try(client, accounts[-1].email, GOOD, SPRAYER).status_code == 302


def test_the_address_lock_ends_with_the_cool_off(client, accounts):
    for user in accounts[: django_settings.LOGIN_ADDRESS_FAILURE_LIMIT]:
        _try(client, user.email, "wrong", SPRAYER)
    assert _try(client, accounts[-1].email, GOOD, SPRAYER).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(hours=django_settings.AXES_COOLOFF_TIME + 0.1)
    )
    assert _try(client, accounts[-1].email, GOOD, SPRAYER).status_code == 302


def test_the_per_account_limit_still_applies(client, accounts):
    limit = django_settings.AXES_FAILURE_LIMIT
    answers = [_try(client, accounts[0].email, "wrong", SPRAYER).status_code for _ in range(limit)]
    assert answers == [200] * (limit - 1) + [429]
    assert _try(client, accounts[1].email, GOOD, SPRAYER).status_code == 302
