"""Every write to accounts goes through here."""

from __future__ import annotations

import logging
import unicodedata
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.validation import conflict_on_integrity

from .models import ApiToken, User, hash_token
from .types import Actor

logger = logging.getLogger(__name__)

ERASED_NAME = "Erased user"
ERASED_EMAIL_DOMAIN = "erased.invalid"


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None, is_platform_admin: bool = False
) -> User:
    """Create a login. E-mail addresses are unique and compared lower-cased."""
    email = email.strip().lower()
    # The unique index on e-mail decides: a second sign-up with the same address, even at
    # the same moment as the first, is a conflict (409), not a 500.
    with conflict_on_integrity(_EMAIL_TAKEN, field="email"):
        if is_platform_admin:
            return User.objects.create_superuser(email, password, full_name=full_name)
        return User.objects.create_user(email, password, full_name=full_name)


_EMAIL_TAKEN = "This e-mail address is already registered."


@transaction.atomic
def user_access_update(
    *, actor: Actor, user: User, is_active: bool, is_staff: bool, is_superuser: bool
) -> User:
    """Switch a person's sign-in and platform-admin flags (platform admins only, from the
    Django admin). An admin cannot take away their own access. Switching sign-in off ends
    the person's sessions and revokes their API tokens."""
    from tandem.audit.services import audit_record

    if not (actor.is_authenticated and actor.is_active and actor.is_staff and actor.is_superuser):
        raise PermissionDeniedError(_("Only platform admins may change access."))
    if actor.pk == user.pk and not (is_active and is_staff and is_superuser):
        raise DomainError(
            _("You cannot take away your own access."),
            fields={"is_active": [_("Ask another admin.")]},
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }
    after = {"is_active": is_active, "is_staff": is_staff, "is_superuser": is_superuser}
    changes: dict[str, Any] = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        for name, value in after.items():
            setattr(user, name, value)
        user.save(update_fields=list(after))
        if before["is_active"] and not is_active:
            # Switched off: signed out everywhere, tokens revoked, as from a member list.
            changes["tokens_revoked"] = user_api_tokens_revoke(user)
            changes["sessions_ended"] = user_sessions_end(user)
        audit_record(
            actor=actor,
            action="accounts.user.access",
            target=user,
            organizations=[],
            changes=changes,
        )
    return user


TOKEN_NAME_MAX = 100  # ApiToken.name


def _token_name_error(name: str) -> str | None:
    if not name:
        return "This field is required."
    if len(name) > TOKEN_NAME_MAX:
        return f"Ensure this value has at most {TOKEN_NAME_MAX} characters."
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        return "The name must not contain control characters."
    return None


@transaction.atomic
def api_token_create(
    *,
    actor: User,
    name: str,
    expires_in_days: int | None = None,
    via: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """Create a personal access token for ``actor``. Returns the token and its raw value,
    which is shown once and never stored.

    Every token expires: after ``expires_in_days`` days, 1 to ``API_TOKEN_MAX_DAYS``
    (``TANDEM_API_TOKEN_MAX_DAYS``, default 365), which is also the default. A token created
    with another token (``via``) never outlives it: without an expiry of its own it expires
    with ``via``; asking for a later one is refused."""
    from .mfa_policy import MFA_MISSING_MESSAGE, mfa_setup_missing

    if mfa_setup_missing(actor):
        raise PermissionDeniedError(str(MFA_MISSING_MESSAGE))
    name = name.strip()
    problem = _token_name_error(name)
    if problem:
        raise DomainError(
            _("Give the token a name.") if not name else problem, fields={"name": [problem]}
        )
    max_days: int = settings.API_TOKEN_MAX_DAYS
    if expires_in_days is not None and not 1 <= expires_in_days <= max_days:
        raise DomainError(
            _("Expiry must be between 1 and %(n)d days.") % {"n": max_days},
            fields={"expires_in_days": [_("Must be between 1 and %(n)d.") % {"n": max_days}]},
        )
    expires_at = timezone.now() + timedelta(days=expires_in_days or max_days)
    if via is not None and via.expires_at is not None and expires_at > via.expires_at:
        if expires_in_days is not None:
            message = "A token cannot outlive the token that creates it (it expires {}).".format(
                via.expires_at.isoformat(timespec="minutes")
            )
            raise DomainError(message, fields={"expires_in_days": [message]})
        expires_at = via.expires_at
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:10],
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens (idempotent). It stops working at once."""
    if token.user_id != actor.pk:
        raise PermissionDeniedError()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_usable(raw: str) -> ApiToken | None:
    """The usable token (not revoked, not expired, its user active) whose raw value is
    ``raw``: one indexed lookup on its SHA-256 hash."""
    if not raw.startswith("tdm_") or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token


def api_token_authenticate(raw: str) -> User | None:
    """Resolve a raw bearer token to its user, and note when it was last used."""
    from .mfa_policy import mfa_setup_missing

    token = api_token_usable(raw)
    if token is None or mfa_setup_missing(token.user):
        # Required to use MFA and without it: the token works again once MFA is set up.
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def can_erase_user(actor: Actor, user: User) -> bool:
    """A person may erase their own account; a platform admin may erase anyone's."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return actor.pk == user.pk or bool(actor.is_staff and actor.is_superuser)


@transaction.atomic
def user_erase(*, actor: Actor, user: User) -> User:
    """Erase a person's personal data on request (right to erasure), keeping the records that
    other people's data depends on (applications, audit events) but without the person in them.

    Calls every eraser registered in :mod:`tandem.accounts.personal_data`, anonymises the
    account (name "Erased user", a random unusable e-mail, no password, inactive, not staff),
    deletes its API tokens (the organizations' eraser blanks and ends its memberships),
    deletes the login-throttling records that name its e-mail, and records an audit event that
    holds no personal data. Signing in is impossible afterwards and the person's sessions are
    deleted. Password confirmation for self-service happens in the form.
    """
    from tandem.audit.services import audit_record

    from .personal_data import erasers

    if not can_erase_user(actor, user):
        raise PermissionDeniedError(_("You may only erase your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        raise DomainError(_("This account has already been erased."), code="already_erased")

    old_email = user.email
    # The organizations the person belonged to may read the event (read before the
    # organizations' eraser ends the memberships).
    organization_ids = set(user.memberships.values_list("organization_id", flat=True))
    for _name, eraser in sorted(erasers().items()):
        eraser(user)

    ApiToken.objects.filter(user=user).delete()
    user_sessions_end(user)  # the rows that name the account go too
    _forget_login_attempts(old_email)

    user.full_name = ERASED_NAME
    user.email = f"erased-{uuid.uuid4().hex}@{ERASED_EMAIL_DOMAIN}"
    user.preferred_language = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

    by_self = getattr(actor, "pk", None) == user.pk
    audit_record(
        actor=actor,
        action="accounts.user.erased",
        target=user,
        organizations=organization_ids,
        changes={"requested_by": "self" if by_self else "platform admin"},
    )
    logger.info("personal data erased for one account")
    return user


@transaction.atomic
def user_language_set(*, actor: User, user: User, language: str) -> User:
    """Save the language ``user`` reads Tandem in (pages and e-mails): one of
    ``settings.LANGUAGES``, or "" to follow the browser again."""
    if actor.pk != user.pk:
        raise PermissionDeniedError()
    if language and language not in dict(settings.LANGUAGES):
        raise DomainError(
            _("Choose one of the languages offered."),
            fields={"language": _("Choose one of the languages offered.")},
        )
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


def _forget_login_attempts(email: str) -> None:
    """django-axes keeps the typed e-mail of failed and successful sign-ins: delete them."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.objects.filter(username__iexact=email).delete()
    AccessLog.objects.filter(username__iexact=email).delete()
    AccessFailureLog.objects.filter(username__iexact=email).delete()


@transaction.atomic
def users_create_without_password(*, people: list[tuple[str, str]]) -> list[User]:
    """Create accounts in bulk for ``(email, full_name)`` pairs (a roster import): no usable
    password until the person resets it, nothing e-mailed. Addresses are lower-cased; the
    caller passes only addresses that have no account yet (the unique index refuses the
    rest)."""
    users = []
    for email, full_name in people:
        user = User(email=email.strip().lower(), full_name=full_name)
        user.set_unusable_password()
        users.append(user)
    with conflict_on_integrity(_EMAIL_TAKEN, field="email"):
        User.objects.bulk_create(users, batch_size=500)
    if not all(u.pk for u in users):  # backends that return no ids on bulk insert
        by_email = dict(
            User.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk")
        )
        for user in users:
            user.pk = by_email[user.email]
    return users


def user_sessions_end(user: User) -> int:
    """Delete every session signed in as ``user`` (the rows, found by the account they record,
    and the cached copy under the cached engine): the person is signed out everywhere at once.
    Returns how many."""
    from importlib import import_module

    from .models import UserSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        UserSession.objects.filter(user_id=user.pk, expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user_id=user.pk).delete()  # expired ones too: nothing to keep
    return len(keys)


def user_api_tokens_revoke(user: User) -> int:
    """Revoke every usable API token of ``user``. Returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )


def client_address(request: object) -> str | None:
    """The client's address as sign-in throttling sees it (behind trusted proxies, the one
    they saw), for other apps' per-address limits."""
    from .login import client_ip

    return client_ip(request)


def email_address_adopt(*, user: User) -> None:
    """Record ``user``'s e-mail as verified when the account has no address record at all.

    Such an account was made by Tandem from a trusted source (a roster, an invitation, a
    partner sign-up, the admin, the demo), not by allauth's sign-up, which records its
    address unverified and sends the confirmation e-mail. Called at sign-in, before allauth
    asks for a verified address; docs/accounts.md, "E-mail verification"."""
    from allauth.account.models import EmailAddress

    if not EmailAddress.objects.filter(user=user).exists():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


MFA_AUDIT_ACTIONS = {
    "added": "mfa.enabled",
    "removed": "mfa.disabled",
    "reset": "mfa.recovery_codes_regenerated",
    "recovery_code_used": "mfa.recovery_code_used",
}


def mfa_event_record(*, user: User, event: str, kind: str) -> None:
    """Audit an MFA change or a recovery-code sign-in for ``user`` (who did it themselves).

    ``event`` is a key of :data:`MFA_AUDIT_ACTIONS`; ``kind`` the authenticator type (totp,
    webauthn, recovery_codes). The organizations whose coordinators see it: the person's."""
    from tandem.audit.services import audit_record

    memberships: Any = getattr(user, "memberships")  # noqa: B009 (organizations, above us)
    orgs = memberships.filter(is_active=True).values_list("organization_id", flat=True)
    audit_record(
        actor=user,
        action=MFA_AUDIT_ACTIONS[event],
        target=user,
        organizations=list(orgs),
        changes={"type": kind},
    )
