"""Every write to accounts goes through here."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tandem.core.errors import DomainError, PermissionDeniedError

from .models import ApiToken, User, hash_token


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None, is_platform_admin: bool = False
) -> User:
    """Create a login. E-mail addresses are unique and compared lower-cased."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise DomainError("This e-mail address is already registered.", fields={"email": [
            "This e-mail address is already registered."]})
    if is_platform_admin:
        return User.objects.create_superuser(email, password, full_name=full_name)
    return User.objects.create_user(email, password, full_name=full_name)


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a personal access token for ``actor``. Returns the token and its raw value,
    which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name.", fields={"name": ["This field is required."]})
    if expires_in_days is not None and not 1 <= expires_in_days <= 365:
        raise DomainError(
            "Expiry must be between 1 and 365 days.",
            fields={"expires_in_days": ["Must be between 1 and 365."]},
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:10],
        expires_at=(timezone.now() + timedelta(days=expires_in_days)) if expires_in_days else None,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDeniedError()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_authenticate(raw: str) -> User | None:
    """Resolve a raw bearer token to its user with one indexed lookup on its SHA-256 hash."""
    if not raw.startswith("tdm_") or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
