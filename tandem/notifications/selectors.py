"""Reads of notifications, always of the viewer's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from .data import all_kinds
from .models import Notification, NotificationPreference
from .permissions import restrict_notifications

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

#: The header shows "99+" past this: the count stops there (one bounded index range).
UNREAD_CAP = 99


def notifications_for(viewer: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = restrict_notifications(viewer, Notification.objects.all())
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(viewer: Actor | None) -> int:
    """The viewer's unread notifications, counted up to ``UNREAD_CAP + 1`` (one query on the
    partial index of unread rows)."""
    qs = restrict_notifications(viewer, Notification.objects.filter(read_at__isnull=True))
    return qs.order_by()[: UNREAD_CAP + 1].count()


@dataclass(frozen=True)
class PreferenceRow:
    key: str
    label: Any
    description: Any
    channel: str
    default: str
    locked: bool


def preferences_for(viewer: Actor) -> list[PreferenceRow]:
    """Every registered kind with the viewer's channel for it (their choice or the default)."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id=getattr(viewer, "pk", 0) or 0).values_list(
            "kind", "channel"
        )
    )
    return [
        PreferenceRow(
            key=k.key,
            label=k.label,
            description=k.description,
            channel=chosen.get(k.key, k.default),
            default=k.default,
            locked=k.locked,
        )
        for k in all_kinds()
    ]
