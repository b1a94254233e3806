"""People: one login per person (by e-mail), and personal access tokens for the API.

Personal data: ``User`` (name, e-mail, last login). ``ApiToken`` holds no personal data
beyond its owner link.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin, PublicModel):
    """A person. Roles come from memberships in organizations, not from the user itself.

    Personal data: full_name, email, preferred_language, last_login.
    ``is_staff`` + ``is_superuser`` make a platform admin (Django admin access).
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    # One of settings.LANGUAGES, or "" for none chosen: pages then follow the browser's
    # Accept-Language and e-mails the site's LANGUAGE_CODE (docs/development/translations.md).
    preferred_language = models.CharField(_("language"), max_length=10, default="", blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    erased_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.is_active and self.is_staff and self.is_superuser)


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` typed as a ``User``, for views and endpoints that require sign-in."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("this view needs a signed-in user")
    return user


TOKEN_PREFIX = "tdm_"  # noqa: S105 - a public marker, not a secret


def hash_token(raw: str) -> str:
    """SHA-256 of a token: tokens are long random strings, so a fast hash is the right tool."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(PublicModel):
    """A personal access token for the REST API. Only its SHA-256 hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class UserSession(AbstractBaseSession):
    """A signed-in session (Django's database session) that also records whose it is, so
    signing a person out everywhere (deactivation, a password change, erasure) deletes their
    rows by an index instead of decoding every session of the install
    (``tandem.accounts.session_store``).

    Personal data: which account a session belongs to (the session data itself is Django's).
    """

    user_id = models.BigIntegerField(null=True, db_index=True)

    class Meta:
        db_table = "accounts_usersession"
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type:
        from .session_store import SessionStore

        return SessionStore
