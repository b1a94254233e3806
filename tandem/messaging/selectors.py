"""Reads of conversations, always of the viewer's own, with unread counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet

from .data import get_subject_type
from .models import Conversation, Message
from .permissions import restrict_conversations

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def conversations_for(viewer: Actor) -> QuerySet[Conversation]:
    """The viewer's conversations, latest first, each with ``unread``: the messages of others
    posted after the viewer last read it."""
    pk = getattr(viewer, "pk", None)
    qs = restrict_conversations(viewer, Conversation.objects.all())
    return qs.annotate(
        unread=Count(
            "messages",
            filter=(
                Q(participants__last_read_at__isnull=True)
                | Q(messages__created_at__gt=F("participants__last_read_at"))
            )
            & ~Q(messages__sender_id=pk),
            distinct=True,
        )
    ).order_by(F("last_message_at").desc(nulls_last=True), "-id")


def unread_messages(viewer: Actor) -> int:
    """All unread messages of the viewer, across conversations."""
    return sum(c.unread for c in conversations_for(viewer))  # type: ignore[attr-defined]


def conversation_get(viewer: Actor, public_id: Any) -> Conversation | None:
    return conversations_for(viewer).filter(public_id=public_id).first()


def messages_of(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("sender").order_by("created_at", "id")


def conversations_about(viewer: Actor, subject_type: str, subject_id: str) -> QuerySet[Any]:
    return conversations_for(viewer).filter(subject_type=subject_type, subject_id=subject_id)


def subject_of(conversation: Conversation) -> tuple[Any, Any]:
    """The subject type and its object (None if it has gone)."""
    spec = get_subject_type(conversation.subject_type)
    return spec, spec.resolve(conversation.subject_id)


def participants_of(conversation: Conversation) -> list[Any]:
    return [p.user for p in conversation.participants.select_related("user").order_by("user_id")]
