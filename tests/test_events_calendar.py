"""Events as iCalendar: one event's .ics and the private per-user feed, parsed back with
icalendar: times in the event's own zone with its VTIMEZONE, a stable UID, SEQUENCE that
bumps on change, STATUS:CANCELLED on cancel, and a feed URL that is secret and revocable."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from tandem.events import services
from tandem.events.models import CalendarFeed
from tests.factories import event_cast, member

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _cast():
    # 2 p.m. in New York on a summer day (EDT, UTC-4) — stored as 18:00 UTC.
    start = dt.datetime(2031, 7, 15, 14, 0, tzinfo=NEW_YORK)
    return event_cast(
        starts_at=start, ends_at=start + dt.timedelta(minutes=90), time_zone="America/New_York"
    )


def _events(body: bytes) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return list(cal.walk("VEVENT"))


def test_event_ics_times_zone_uid_sequence(client):
    cast = _cast()
    student = cast.students[0]
    services.registration_create(actor=student, event=cast.event)
    client.force_login(student)
    url = reverse("events:ics", args=[cast.event.public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0"
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert zones == ["America/New_York"]
    (vevent,) = _events(response.content)
    start = vevent.decoded("DTSTART")
    assert start.tzinfo is not None and str(vevent["DTSTART"].params["TZID"]) == "America/New_York"
    assert (start.hour, start.minute) == (14, 0)
    assert start.astimezone(dt.UTC).hour == 18
    assert vevent.decoded("DTEND") - start == dt.timedelta(minutes=90)
    assert str(vevent["SUMMARY"]) == cast.event.title
    assert str(vevent["STATUS"]) == "CONFIRMED"
    uid = str(vevent["UID"])
    sequence = int(vevent["SEQUENCE"])
    assert str(cast.event.public_id) in uid

    services.event_update(actor=cast.coordinator, event=cast.event, location="Hall B")
    (changed,) = _events(client.get(url).content)
    assert str(changed["UID"]) == uid
    assert int(changed["SEQUENCE"]) == sequence + 1
    assert str(changed["LOCATION"]) == "Hall B"

    services.event_cancel(actor=cast.coordinator, event=cast.event)
    (cancelled,) = _events(client.get(url).content)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == uid
    assert int(cancelled["SEQUENCE"]) == sequence + 2


def test_winter_event_uses_standard_time():
    cast = event_cast(
        starts_at=dt.datetime(2031, 1, 15, 9, 30, tzinfo=NEW_YORK),
        ends_at=dt.datetime(2031, 1, 15, 10, 30, tzinfo=NEW_YORK),
        time_zone="America/New_York",
    )
    from tandem.events.ics import calendar_bytes

    (vevent,) = _events(calendar_bytes([cast.event]))
    start = vevent.decoded("DTSTART")
    assert (start.hour, start.minute) == (9, 30)
    assert start.utcoffset() == dt.timedelta(hours=-5)


def test_private_feed_lists_registrations_and_speaking(client):
    cast = _cast()
    student = cast.students[0]
    services.registration_create(actor=student, event=cast.event)
    feed = services.calendar_feed_get_or_create(actor=student)
    url = reverse("events:feed", args=[feed.token])
    response = client.get(url)  # no session: the calendar app holds only the URL
    assert response.status_code == 200
    (vevent,) = _events(response.content)
    assert str(vevent["UID"]).startswith(f"event-{cast.event.public_id}@")
    start = vevent.decoded("DTSTART")
    assert str(start.tzinfo) == "America/New_York" and start.hour == 14

    # The speaker's feed lists the event they speak at.
    speaker_feed = services.calendar_feed_get_or_create(actor=cast.speaker)
    (spoken,) = _events(client.get(reverse("events:feed", args=[speaker_feed.token])).content)
    assert str(spoken["SUMMARY"]) == cast.event.title

    # A student who did not register sees nothing of it.
    other = services.calendar_feed_get_or_create(actor=member(cast.inst, "student"))
    assert _events(client.get(reverse("events:feed", args=[other.token])).content) == []


def test_feed_token_regenerate_and_revoke(client):
    cast = _cast()
    student = cast.students[0]
    client.force_login(student)
    assert client.post(reverse("events:calendar_regenerate")).status_code == 302
    first = CalendarFeed.objects.get(user=student).token
    client.post(reverse("events:calendar_regenerate"))
    second = CalendarFeed.objects.get(user=student).token
    assert first != second
    client.logout()
    assert client.get(reverse("events:feed", args=[first])).status_code == 404
    assert client.get(reverse("events:feed", args=[second])).status_code == 200
    client.force_login(student)
    client.post(reverse("events:calendar_revoke"))
    client.logout()
    assert client.get(reverse("events:feed", args=[second])).status_code == 404
    assert client.get(reverse("events:feed", args=["x" * 500])).status_code == 404
