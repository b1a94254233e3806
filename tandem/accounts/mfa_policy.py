"""Who must use two-factor authentication (MFA), and the middleware that holds them to it.

Accounts sits below organizations, so the rules that depend on memberships are registered
here by the apps that own them (organizations registers "staff of an institution that
requires MFA"); platform admins are covered by ``TANDEM_MFA_REQUIRED_FOR_ADMINS``.

What is enforced (docs/accounts.md, "Two-factor authentication (MFA)"):

* At every sign-in (password, passkey, SSO; Django's ``user_logged_in``), whether the person
  is required to have MFA and has none is worked out once and kept in the session. Until they
  set MFA up, every page sends them to the MFA set-up pages, except those pages, sign-out and
  the language switch. A policy switched on later applies from each person's next sign-in.
* API tokens: creating one (page, API) and using one are refused while MFA is required and
  missing, checked live on each request (``mfa_setup_missing``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.core.input_guard import problem

Requirement = Callable[[Any], bool]

_REQUIREMENTS: dict[str, Requirement] = {}

SESSION_KEY = "tandem_mfa_setup_required"
MFA_MISSING_MESSAGE = _(
    "Your organization requires two-factor authentication: set it up on your account's "
    "two-factor authentication page first."
)

# Paths a person who must set up MFA may still open (prefixes).
_OPEN_PREFIXES = ("/auth/2fa/", "/auth/reauthenticate/", "/static/", "/i18n/", "/favicon.ico")
_OPEN_PATHS = ("/accounts/logout/", "/auth/logout/")


def register_requirement(name: str, requirement: Requirement) -> None:
    """Register a rule ``requirement(user) -> bool``: True when ``user`` must use MFA."""
    _REQUIREMENTS[name] = requirement


def mfa_required(user: Any) -> bool:
    """Whether ``user`` must use MFA: a platform admin (when the setting says so) or anyone a
    registered rule names."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(settings, "MFA_REQUIRED_FOR_ADMINS", False) and user.is_platform_admin:
        return True
    return any(rule(user) for _name, rule in sorted(_REQUIREMENTS.items()))


def mfa_enabled(user: Any) -> bool:
    """Whether ``user`` has an authenticator (TOTP or a passkey) set up."""
    from allauth.mfa.utils import is_mfa_enabled

    return bool(is_mfa_enabled(user))


def mfa_setup_missing(user: Any) -> bool:
    """Required to use MFA and without any: may not use API tokens, is sent to set-up."""
    return mfa_required(user) and not mfa_enabled(user)


def note_sign_in(request: HttpRequest, user: Any) -> None:
    """At sign-in: remember in the session whether this person must set up MFA first."""
    if mfa_setup_missing(user):
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


def _is_open(path: str) -> bool:
    return path in _OPEN_PATHS or path.startswith(_OPEN_PREFIXES)


class RequireMfaMiddleware:
    """Send a signed-in person who must set up MFA to the MFA pages before anything else.

    Reads only the session for everyone else (no query per request); see the module
    docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        try:
            flagged = session is not None and session.get(SESSION_KEY)
        except DatabaseError:
            # The database is down (sessions live there): the view fails the same way and
            # the outage middleware answers 503; raised here it would be a bare 500.
            return self.get_response(request)
        if (
            flagged
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and not _is_open(request.path)
            and not self._set_up_since(request)
        ):
            if request.path.startswith("/api/"):
                return problem(403, "Forbidden", str(MFA_MISSING_MESSAGE))
            return HttpResponseRedirect(reverse("mfa_index"))
        return self.get_response(request)

    @staticmethod
    def _set_up_since(request: HttpRequest) -> bool:
        """The person has set MFA up since signing in: the note goes (one query, only for
        those who carry it)."""
        if mfa_enabled(request.user):
            request.session.pop(SESSION_KEY, None)
            return True
        return False
