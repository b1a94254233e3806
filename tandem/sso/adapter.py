"""django-allauth's social-account adapter for Tandem's SSO connections.

- ``list_apps`` builds allauth apps from the enabled :class:`SsoConnection` rows (a disabled or
  deleted connection has no app, so its sign-in and callback URLs answer "not found");
- ``pre_social_login`` refuses an address the IdP did not verify, links to an existing account
  by a verified address only, and updates the roles of a returning person;
- ``save_user`` provisions a new person just in time (user + memberships).
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from .mapping import normalize_attributes
from .models import SsoConnection
from .providers import social_app
from .selectors import connection_by_provider_id, enabled_connections
from .services import roles_for, sso_provision

logger = logging.getLogger(__name__)


def refuse(request: HttpRequest, message: str, *, status: int = 403) -> ImmediateHttpResponse:
    """The exception that ends a sign-in with a page saying why."""
    response = render(request, "sso/refused.html", {"message": message}, status=status)
    return ImmediateHttpResponse(response)


def _verified_email(sociallogin: Any, connection: SsoConnection) -> str | None:
    """The address the IdP vouches for, or None."""
    user_email = (getattr(sociallogin.user, "email", "") or "").strip().lower()
    for address in sociallogin.email_addresses:
        if address.email.strip().lower() == user_email and (
            address.verified or connection.trust_email
        ):
            return user_email
    if user_email and connection.trust_email:
        return user_email
    return None


def _mark_verified(sociallogin: Any, email: str) -> None:
    from allauth.account.models import EmailAddress

    matching = [a for a in sociallogin.email_addresses if a.email.strip().lower() == email]
    for address in matching:
        address.verified = True
    if not matching:
        sociallogin.email_addresses.append(EmailAddress(email=email, verified=True, primary=True))


class SsoAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[Any]:
        apps = []
        for connection in enabled_connections():
            app = social_app(connection)
            if provider and provider not in (app.provider, app.provider_id):
                continue
            if client_id and client_id != app.client_id:
                continue
            apps.append(app)
        return apps

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """Just-in-time provisioning: an enabled connection creates the account of a person
        its identity provider vouches for (``pre_social_login`` has already refused disabled
        connections, unverified addresses and people with no mapped role). Tandem's own
        sign-up stays closed (``tandem.accounts.allauth_adapter``)."""
        return True

    def _connection(self, request: HttpRequest, sociallogin: Any) -> SsoConnection:
        connection = connection_by_provider_id(sociallogin.account.provider)
        if connection is None or not connection.is_enabled:
            raise refuse(request, _("This sign-in is not enabled."))
        return connection

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        connection = self._connection(request, sociallogin)
        attributes = normalize_attributes(sociallogin.account.extra_data or {})
        email = _verified_email(sociallogin, connection)
        if email is None:
            logger.info("sso sign-in refused: no verified e-mail (connection %s)", connection.slug)
            raise refuse(
                request,
                _(
                    "%(idp)s did not confirm that your e-mail address is verified, so Tandem "
                    "cannot sign you in with it. Ask your institution's IT service, or sign in "
                    "with your Tandem password."
                )
                % {"idp": connection.name},
            )
        roles = roles_for(connection, attributes)
        if sociallogin.is_existing:
            user = sociallogin.user
            if not user.is_active:
                raise refuse(request, _("This account is not active."))
            sso_provision(connection=connection, user=user, attributes=attributes)
            return
        from tandem.accounts.models import User

        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            if not roles:
                raise refuse(
                    request,
                    _(
                        "Your account at %(idp)s carries no role that Tandem knows for "
                        "%(org)s. Ask your coordinator for an invitation."
                    )
                    % {"idp": connection.name, "org": connection.organization.name},
                )
            # A new person: allauth signs them up and save_user() provisions. The address is
            # one this connection vouches for (checked above), so it is recorded verified and
            # the mandatory e-mail confirmation of Tandem's own sign-ups does not apply.
            _mark_verified(sociallogin, email)
            return
        if not existing.is_active:
            raise refuse(request, _("This account is not active."))
        # An existing account with the same, IdP-verified address: link it.
        sociallogin.connect(request, existing)
        sso_provision(connection=connection, user=existing, attributes=attributes)

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or "").strip()
        if not name:
            name = " ".join(
                p for p in ((data.get("first_name") or ""), (data.get("last_name") or "")) if p
            ).strip()
        user.full_name = name or (data.get("email") or "").partition("@")[0]
        if user.email:
            user.email = user.email.strip().lower()
        return user

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        connection = self._connection(request, sociallogin)
        attributes = normalize_attributes(sociallogin.account.extra_data or {})
        sso_provision(connection=connection, user=user, attributes=attributes)
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        reason = (extra_context or {}).get("saml_last_error_reason") or ""
        logger.warning(
            "sso sign-in failed: provider=%s error=%s reason=%s",
            getattr(provider, "sub_id", "?"),
            error,
            reason,
        )
        message = _("%(idp)s's answer could not be accepted, so you are not signed in.") % {
            "idp": getattr(provider, "name", "The identity provider")
        }
        detail = _describe(reason)
        raise refuse(request, f"{message} {detail}".strip(), status=400)


def _describe(reason: str) -> str:
    lowered = reason.lower()
    if "deprecated" in lowered:
        return _("It is signed with an outdated algorithm (SHA-1).")
    if "signature" in lowered:
        return _("Its signature is not valid.")
    if "audience" in lowered:
        return _("It was meant for another service (wrong audience).")
    if "expired" in lowered or "notonorafter" in lowered or "notbefore" in lowered:
        return _("It has expired.")
    if reason:
        return _("It was not a valid sign-in response.")
    return ""
