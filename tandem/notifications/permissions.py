"""Who may see and change notifications: each person only their own (no role sees another's
notification centre, not even a platform admin through the pages or the API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from .models import Notification

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def _signed_in(user: Actor | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_use_notifications(user: Actor | None) -> bool:
    """Any signed-in, active person has a notification centre and preferences."""
    return _signed_in(user)


def can_view_notification(user: Actor | None, notification: Notification) -> bool:
    return _signed_in(user) and notification.recipient_id == getattr(user, "pk", None)


def restrict_notifications(user: Actor | None, qs: QuerySet[Notification]) -> QuerySet[Any]:
    """The rows of ``qs`` addressed to ``user`` (none for anonymous users)."""
    if not _signed_in(user):
        return qs.none()
    return qs.filter(recipient_id=getattr(user, "pk", None))
