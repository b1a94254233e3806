"""Sign-in throttling: django-axes' per-account rule plus a per-address rule.

Axes locks an (e-mail, address) pair after ``TANDEM_LOGIN_FAILURE_LIMIT`` failures. That
rule alone let one address try a few passwords on every account (password spraying), so an
address is also locked, for every account, once its failures across all accounts reach
``TANDEM_LOGIN_ADDRESS_FAILURE_LIMIT`` within the same cool-off. Both rules count the
records axes keeps, under the same client address (:func:`tandem.accounts.login.client_ip`).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from .login import client_ip


def address_failures(request: Any) -> int:
    """Failed sign-ins from the client's address, for any accounts, within the cool-off."""
    ip = client_ip(request)
    if not ip:
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=ip, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(n=Sum("failures_since_start"))["n"]
    return int(total or 0)


def address_is_locked(request: Any) -> bool:
    return address_failures(request) >= int(settings.LOGIN_ADDRESS_FAILURE_LIMIT)


class LoginThrottle(AxesDatabaseHandler):  # type: ignore[misc]
    """The axes handler Tandem uses (``AXES_HANDLER``): its rule, or the address rule."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        return bool(super().is_locked(request, credentials)) or address_is_locked(request)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and address_is_locked(request):
            # The failure that reaches the limit gets the lock-out page, as with axes' rule.
            request.axes_locked_out = True
