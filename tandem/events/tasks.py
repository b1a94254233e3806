"""Background work for events: the kinds of notification events send (and how their e-mails
are written), and the periodic run (reminders before an event, the follow-up survey after it).

Every message about an event goes through :func:`tandem.notifications.services.notify` (see
:func:`.services.tell` and :func:`.services.tell_registration`): an in-app row per person,
e-mailed now, in the daily digest or not at all as each person chose, in their language,
never twice per dedupe key. The follow-up survey is invited by the surveys app (its own
``surveys.invitation`` kind). Logs carry only ids and kinds, never names or addresses.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tandem.core.links import absolute_url
from tandem.notifications.data import Kind, register_kind
from tandem.notifications.models import Notification

from .models import Event, SpeakerRequest

logger = logging.getLogger(__name__)

REGISTRATION_KIND = "events.registration"
REMINDER_KIND = "events.reminder"
CANCELLED_KIND = "events.cancelled"
CHANGED_KIND = "events.changed"
SPEAKER_KIND = "events.speaker_request"

#: Each message (the ``message`` of a notification's data) and its kind.
MESSAGES = {
    "registered": REGISTRATION_KIND,
    "waitlisted": REGISTRATION_KIND,
    "promoted": REGISTRATION_KIND,
    "reminder": REMINDER_KIND,
    "cancelled": CANCELLED_KIND,
    "changed": CHANGED_KIND,
    "speaker_request": SPEAKER_KIND,
    "speaker_answer": SPEAKER_KIND,
}
SPEAKER_MESSAGES = ("speaker_request", "speaker_answer")
EMAIL_TEMPLATES = ("events/email/message_subject.txt", "events/email/message_body.txt")


def starts_label(event: Event) -> str:
    """The start in the event's own time zone, as the messages show it."""
    return timezone.localtime(event.starts_at, event.tz).strftime("%Y-%m-%d %H:%M %Z")


#: A fan-out e-mails thousands of people about one event: each worker process reads it once
#: per few seconds (a change to an event is in the e-mails sent after those seconds).
EVENT_CACHE_SECONDS = 5.0
_events: dict[str, tuple[float, Event | None]] = {}


def _event(public_id: str) -> Event | None:
    now = time.monotonic()
    hit = _events.get(public_id)
    if hit is not None and now - hit[0] < EVENT_CACHE_SECONDS:
        return hit[1]
    if len(_events) > 256:
        _events.clear()
    event = next(iter(Event.objects.filter(public_id=public_id)[:1]), None)
    _events[public_id] = (now, event)
    return event


def event_email_context(notification: Notification) -> dict[str, Any] | None:
    """The e-mail of an event notification, built from what is stored now (nothing when its
    event or speaking request has gone)."""
    message = str(notification.data.get("message", ""))
    if message not in MESSAGES:
        return None
    context: dict[str, Any] = {"kind": message}
    if message in SPEAKER_MESSAGES:
        request = SpeakerRequest.objects.filter(public_id=notification.subject_id).first()
        if request is None:
            return None
        return {
            **context,
            "topic": request.topic,
            "status": request.get_status_display(),
            "link": absolute_url(reverse("events:speaker_requests")),
        }
    event = _event(notification.subject_id)
    if event is None:
        return None
    return {
        **context,
        "event": event,
        "starts": starts_label(event),
        "link": absolute_url(reverse("events:detail", args=[event.public_id])),
        # The calendar entry, linked where a place is held (the old e-mails' link, plus .ics).
        "ics": (
            absolute_url(reverse("events:ics", args=[event.public_id]))
            if message in ("registered", "promoted", "reminder", "cancelled", "changed")
            else ""
        ),
        "reason": str(notification.data.get("reason", "")),
        "where": event.location,
    }


def register_kinds() -> None:
    def kind(key: str, label: Any, description: Any) -> None:
        register_kind(
            Kind(
                key=key,
                label=label,
                description=description,
                default="email",
                email_templates=EMAIL_TEMPLATES,
                email_context=event_email_context,
            )
        )

    kind(
        REGISTRATION_KIND,
        _("Event registrations"),
        _("You registered for an event, joined its waiting list, or a place became yours."),
    )
    kind(REMINDER_KIND, _("Event reminders"), _("An event you have a place at starts soon."))
    kind(
        CANCELLED_KIND,
        _("Cancelled events"),
        _("An event you registered for, or wait for, was cancelled."),
    )
    kind(
        CHANGED_KIND,
        _("Changed events"),
        _("The time or place of an event you registered for, or wait for, changed."),
    )
    kind(
        SPEAKER_KIND,
        _("Speaking requests"),
        _("You are asked to speak to a class, or your request for a speaker was answered."),
    )


@task()
def run_event_jobs() -> dict[str, int]:
    """Send due reminders and follow-up surveys. Safe to run as often as you like."""
    from .services import followups_send, reminders_send

    report = {"reminders": reminders_send(), "followups": followups_send()}
    logger.info("event jobs: %s", report)
    return report
