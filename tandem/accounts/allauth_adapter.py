"""Tandem's django-allauth adapters: closed sign-up, sign-in errors, e-mails, MFA names.

docs/decisions/0010-allauth-identity.md; docs/accounts.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tandem.core.email import chosen_language, send_text_email

from . import services

SignupGate = Callable[[HttpRequest], bool]

_SIGNUP_GATES: dict[str, SignupGate] = {}

# Django's sign-in error, which Tandem has always shown: it names neither which of the two
# was wrong nor whether the account exists.
INVALID_LOGIN = _(
    "Please enter a correct e-mail and password. Note that both fields may be case-sensitive."
)


def register_signup_gate(name: str, gate: SignupGate) -> None:
    """Let a flow open allauth's sign-up (``/auth/signup/``, and sign-up through SSO) for a
    request: ``gate(request) -> bool``, e.g. "the session holds a valid partner sign-up or
    invitation". Sign-up is open for a request when any registered gate says so; with none,
    it is closed (people come by invitation, roster or partner sign-up)."""
    _SIGNUP_GATES[name] = gate


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account adapter, set by ``ACCOUNT_ADAPTER``."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": INVALID_LOGIN,
        "invalid_login": INVALID_LOGIN,
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return any(gate(request) for _name, gate in sorted(_SIGNUP_GATES.items()))

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None and not user.is_active:
            # allauth would answer "This account is inactive", telling a guesser that the
            # account exists and the password was right: the same error as any other.
            return None
        if user is not None:
            services.email_address_adopt(user=user)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every allauth e-mail as a plain-text e-mail (tandem.core.email), never HTML."""
        from allauth.core import context as allauth_context
        from django.conf import settings

        ctx: dict[str, Any] = {
            "request": allauth_context.request,
            "email": email,
            "site_url": settings.SITE_URL,
        }
        ctx.update(context)
        send_text_email(
            to=email,
            subject_template=f"{template_prefix}_subject.txt",
            body_template=f"{template_prefix}_message.txt",
            context=ctx,
            language=chosen_language(ctx.get("user")),
        )


class MfaAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter, set by ``MFA_ADAPTER``: authenticator apps show "Tandem"."""

    def _get_site_name(self) -> str:
        # The name authenticator apps and passkey prompts show; allauth's default is the host.
        return self.get_totp_issuer()

    def get_totp_issuer(self) -> str:
        from django.conf import settings

        return str(getattr(settings, "MFA_TOTP_ISSUER", "Tandem"))
