"""iCalendar (RFC 5545) for events: one event's ``.ics`` and a person's feed.

Times are written in the event's own zone (``DTSTART;TZID=Europe/London:…``) with the
matching VTIMEZONE, generated from the tz database by icalendar. The UID is the event's public
id (stable across edits); SEQUENCE is the event's, bumped by the services on every change that
matters; a cancelled event says ``STATUS:CANCELLED`` so that calendars drop it.
"""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.urls import reverse

from tandem.core.links import absolute_url

from .models import Event, EventStatus

PRODID = "-//Tandem//Events//EN"


def event_uid(event: Event) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "tandem"
    return f"event-{event.public_id}@{host}"


def _vevent(event: Event) -> icalendar.Event:
    tz = event.tz
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("created", event.created_at)
    component.add("sequence", event.sequence)
    component.add("dtstart", event.starts_at.astimezone(tz))
    component.add("dtend", event.ends_at.astimezone(tz))
    component.add("summary", event.title)
    description = event.description
    if event.join_url:
        description = f"{description}\n\n{event.join_url}".strip()
    if description:
        component.add("description", description)
    if event.location:
        component.add("location", event.location)
    component.add("url", absolute_url(reverse("events:detail", args=[event.public_id])))
    component.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    component.add("categories", [event.get_kind_display()])
    return component


def calendar_bytes(events: Iterable[Event], *, name: str = "") -> bytes:
    """A VCALENDAR holding ``events`` (each with its VTIMEZONE)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()
