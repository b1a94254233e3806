"""Reads of SSO connections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import PROVIDER_ID_PREFIX, SsoConnection
from .permissions import can_manage_sso

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def enabled_connections() -> QuerySet[SsoConnection]:
    """The connections anyone may start a sign-in with (the sign-in page's buttons)."""
    return SsoConnection.objects.filter(is_enabled=True).select_related("organization")


def connection_by_provider_id(provider_id: str) -> SsoConnection | None:
    if not provider_id.startswith(PROVIDER_ID_PREFIX):
        return None
    slug = provider_id.removeprefix(PROVIDER_ID_PREFIX)
    return SsoConnection.objects.select_related("organization").filter(slug=slug).first()


def connections_for_admin(viewer: Actor) -> QuerySet[SsoConnection]:
    if not can_manage_sso(viewer):
        return SsoConnection.objects.none()
    return SsoConnection.objects.select_related("organization")
