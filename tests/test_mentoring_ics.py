"""The session invitation is RFC 5545 as icalendar parses it: METHOD:REQUEST with the start
in UTC, the same UID with a higher SEQUENCE after a move, METHOD:CANCEL once cancelled; only
the pair's members download it."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.utils import timezone

from tandem.mentoring import services
from tests.mentoring_support import mentoring_cast

pytestmark = pytest.mark.django_db


def _event(body: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return cal, events[0]


def test_invitation_request_update_and_cancel(client):
    cast = mentoring_cast(1)
    # 18:30 at UTC−5 (New York in winter) is 23:30 UTC: the file says UTC.
    day = (timezone.now() + dt.timedelta(days=40)).date()
    start = dt.datetime(
        day.year, day.month, day.day, 18, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5))
    )
    in_utc = dt.datetime(day.year, day.month, day.day, 23, 30, tzinfo=dt.UTC)
    session = services.session_schedule(
        actor=cast.mentor(),
        pair=cast.pair,
        starts_at=timezone.now().replace(microsecond=0) + dt.timedelta(days=2),
        minutes=50,
        place="Café on Main Street",
        topics="Personal statement",
    )
    session = services.session_reschedule(actor=cast.mentor(), session=session, starts_at=start)
    client.force_login(cast.mentee())
    url = f"/mentoring/sessions/{session.public_id}/invitation.ics"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment;" in response["Content-Disposition"]
    cal, event = _event(response.content)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal["VERSION"]) == "2.0"
    assert event.decoded("DTSTART") == in_utc
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=50)
    assert f"DTSTART:{day:%Y%m%d}T233000Z".encode() in response.content
    assert int(event["SEQUENCE"]) == 1
    uid = str(event["UID"])
    assert uid.startswith(f"mentoring-session-{session.public_id}@")
    assert str(event["LOCATION"]) == "Café on Main Street"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == f"mailto:{cast.mentor().email}"
    attendees = {str(a) for a in event["ATTENDEE"]}
    assert attendees == {f"mailto:{cast.mentor().email}", f"mailto:{cast.mentee().email}"}

    services.session_cancel(actor=cast.mentee(), session=session)
    cal, event = _event(client.get(url).content)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 2


def test_only_the_members_download_the_invitation(client):
    cast = mentoring_cast(2)
    session = services.session_schedule(
        actor=cast.mentor(),
        pair=cast.pair,
        starts_at=timezone.now() + dt.timedelta(days=2),
        minutes=30,
        video_link="https://meet.example.org/room",
    )
    url = f"/mentoring/sessions/{session.public_id}/invitation.ics"
    for user, status in (
        (cast.mentor(), 200),
        (cast.coordinator, 403),  # sees the pair, not its invitation
        (cast.mentor(1), 404),
        (cast.other_coordinator, 404),
        (cast.stranger, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
