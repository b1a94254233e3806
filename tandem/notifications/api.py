"""REST endpoints of the notification centre (mounted at /api/v1/notifications): each
person's own notifications and preferences."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from tandem.accounts.models import signed_in_user
from tandem.core.pagination import PageNumberPagination, paginate
from tandem.core.schemas import PublicIdSchema

from . import selectors, services
from .data import get_kind

router = Router(tags=["notifications"])


class NotificationOut(PublicIdSchema):
    kind: str
    title: str
    body: str
    link: str
    subject_type: str
    subject_id: str
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int


class PreferenceOut(Schema):
    kind: str
    label: str
    channel: str
    default: str
    locked: bool


class PreferenceIn(Schema):
    channel: Literal["in_app", "email", "digest", "off"]


@router.get("/", response=list[NotificationOut])
@paginate(PageNumberPagination)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    """The caller's notifications, newest first."""
    return selectors.notifications_for(request.user, unread_only=unread)


@router.get("/unread-count", response=UnreadOut)
def notification_unread_count(request: HttpRequest) -> Any:
    """The caller's unread notifications (counted up to 100)."""
    return {"unread": selectors.unread_count(request.user)}


@router.post("/read-all", response=UnreadOut)
def notification_mark_all_read(request: HttpRequest) -> Any:
    services.notification_mark_all_read(actor=signed_in_user(request))
    return {"unread": 0}


@router.get("/preferences", response=list[PreferenceOut])
def notification_preferences(request: HttpRequest) -> Any:
    return [
        {
            "kind": r.key,
            "label": str(r.label),
            "channel": r.channel,
            "default": r.default,
            "locked": r.locked,
        }
        for r in selectors.preferences_for(request.user)
    ]


@router.put("/preferences/{kind}", response=PreferenceOut)
def notification_preference_set(request: HttpRequest, kind: str, payload: PreferenceIn) -> Any:
    """Choose the caller's channel for one kind."""
    pref = services.notification_preference_set(
        actor=signed_in_user(request), kind=kind, channel=payload.channel
    )
    spec = get_kind(kind)
    return {
        "kind": kind,
        "label": str(spec.label),
        "channel": pref.channel,
        "default": spec.default,
        "locked": spec.locked,
    }


@router.get("/{notification_id}", response=NotificationOut)
def notification_detail(request: HttpRequest, notification_id: UUID) -> Any:
    found = selectors.notifications_for(request.user).filter(public_id=notification_id).first()
    if found is None:
        raise Http404
    return found


@router.post("/{notification_id}/read", response=NotificationOut)
def notification_mark_read(request: HttpRequest, notification_id: UUID) -> Any:
    found = selectors.notifications_for(request.user).filter(public_id=notification_id).first()
    if found is None:
        raise Http404
    return services.notification_mark_read(actor=signed_in_user(request), notification=found)
