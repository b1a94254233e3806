"""The iCalendar (RFC 5545) invitation of a scheduled mentoring session.

``METHOD:REQUEST`` while the session is scheduled (a reschedule sends the same UID with a
higher SEQUENCE), ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` once it is called off. Times
are written in UTC (``DTSTART:…Z``), which every calendar converts to its own zone. The
organizer is the member who proposed the session, the attendees both members.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.urls import reverse

from tandem.core.links import absolute_url
from tandem.matching.models import MentorPair

from .models import PairSession, SessionStatus

PRODID = "-//Tandem//Mentoring//EN"


def session_uid(session: PairSession) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "tandem"
    return f"mentoring-session-{session.public_id}@{host}"


def _address(user: object) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{getattr(user, 'email', '')}")
    address.params["cn"] = icalendar.vText(getattr(user, "full_name", ""))
    return address


def session_ics(session: PairSession, pair: MentorPair) -> bytes:
    """The session's invitation (REQUEST, or CANCEL once cancelled)."""
    cancelled = session.status == SessionStatus.CANCELLED
    mentor = pair.mentor.membership.user
    mentee = pair.mentee.student
    organizer = mentee if session.created_by_id == mentee.pk else mentor
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    start = session.starts_at.astimezone(dt.UTC)
    event.add("uid", session_uid(session))
    event.add("dtstamp", session.updated_at.astimezone(dt.UTC))
    event.add("sequence", session.sequence)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=session.minutes))
    event.add("summary", f"Mentoring: {mentor.full_name} / {mentee.full_name}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if session.place:
        event.add("location", session.place)
    elif session.video_link:
        event.add("location", session.video_link)
    description = "\n\n".join(t for t in (session.topics, session.video_link) if t)
    if description:
        event.add("description", description)
    event.add("url", absolute_url(reverse("mentoring:pair", args=[pair.public_id])))
    event.add("organizer", _address(organizer))
    for person in (mentor, mentee):
        attendee = _address(person)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText(
            "ACCEPTED" if person is organizer else "NEEDS-ACTION"
        )
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return cal.to_ical()
