"""Background work for events: messages to people, and the periodic run (reminders before an
event, the follow-up survey after it).

Messages are enqueued from ``transaction.on_commit`` by :func:`.services.notify_people`, so
nothing is sent for a change that rolled back. Logs carry only ids and kinds, never names or
addresses.
"""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from tandem.accounts.models import User
from tandem.core.email import recipient_language, send_text_email
from tandem.core.links import absolute_url

from .models import Event

logger = logging.getLogger(__name__)

KINDS = (
    "registered",
    "waitlisted",
    "promoted",
    "reminder",
    "cancelled",
    "speaker_request",
    "speaker_answer",
)


@task()
def send_event_message(kind: str, event_id: int, user_ids: list[int], extra: dict[str, Any]) -> int:
    """E-mail one message of ``kind`` about an event (or a speaking request) to each user.
    Returns the number of messages sent."""
    if kind not in KINDS:
        raise ValueError(kind)
    event = Event.objects.select_related("institution").filter(pk=event_id).first()
    if event_id and event is None:
        return 0
    if event is not None:
        link = absolute_url(reverse("events:detail", args=[event.public_id]))
    else:
        link = absolute_url(reverse("events:speaker_requests"))
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        language = recipient_language(user)
        with translation.override(language):
            context = {
                "kind": kind,
                "recipient": user,
                "event": event,
                "link": link,
                "starts": (
                    timezone.localtime(event.starts_at, event.tz).strftime("%Y-%m-%d %H:%M %Z")
                    if event is not None
                    else ""
                ),
                **extra,
            }
        send_text_email(
            to=user.email,
            subject_template="events/email/message_subject.txt",
            body_template="events/email/message_body.txt",
            context=context,
            language=language,
        )
        sent += 1
    logger.info("event message %s for event %s: %d sent", kind, event_id, sent)
    return sent


@task()
def run_event_jobs() -> dict[str, int]:
    """Send due reminders and follow-up surveys. Safe to run as often as you like."""
    from .services import followups_send, reminders_send

    report = {"reminders": reminders_send(), "followups": followups_send()}
    logger.info("event jobs: %s", report)
    return report
