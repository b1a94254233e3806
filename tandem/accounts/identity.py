"""Glue between django-allauth and Tandem: what allauth's signals trigger, and allauth's
records of a person in the personal-data export and erasure.

allauth is a third-party app: its signals are the only place to hear that an authenticator
was added or a recovery code used, so the receivers here do nothing but call the named
service (audit) or the MFA policy's session note.
"""

from __future__ import annotations

from typing import Any

from . import mfa_policy, services


def _kind(authenticator: Any) -> str:
    return str(getattr(authenticator, "type", ""))


def on_authenticator_added(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any):  # type: ignore[no-untyped-def]
    if _kind(authenticator) != "recovery_codes":
        services.mfa_event_record(user=user, event="added", kind=_kind(authenticator))


def on_authenticator_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any):  # type: ignore[no-untyped-def]
    services.mfa_event_record(user=user, event="removed", kind=_kind(authenticator))


def on_authenticator_reset(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any):  # type: ignore[no-untyped-def]
    services.mfa_event_record(user=user, event="reset", kind=_kind(authenticator))


def on_authenticator_used(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any):  # type: ignore[no-untyped-def]
    if _kind(authenticator) == "recovery_codes":
        services.mfa_event_record(user=user, event="recovery_code_used", kind="recovery_codes")


def on_user_logged_in(sender: Any, request: Any, user: Any, **kw: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mfa_policy.note_sign_in(request, user)


def export_allauth_records(user: Any) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "authenticators": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user)
        ],
    }


def erase_allauth_records(user: Any) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=user).delete()  # confirmations go with them (cascade)
    Authenticator.objects.filter(user=user).delete()


def connect() -> None:
    from allauth.mfa import signals as mfa_signals
    from django.contrib.auth.signals import user_logged_in

    from .personal_data import register

    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="tandem-mfa-add")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="tandem-mfa-remove"
    )
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="tandem-mfa-reset")
    mfa_signals.authenticator_used.connect(on_authenticator_used, dispatch_uid="tandem-mfa-used")
    user_logged_in.connect(on_user_logged_in, dispatch_uid="tandem-mfa-policy")
    register("sign_in", export=export_allauth_records, erase=erase_allauth_records)
