"""The demo world's events: the demo student waits for a place at a full guest lecture and has
a calendar feed listing it; a partner's guest lecture was held with attendance, which the
partnership's counts show."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.demo.world import build_demo_world
from tandem.events import selectors
from tandem.events.models import CalendarFeed, Event, Registration
from tandem.notifications.models import Notification

pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_demo_world_has_a_waitlist_a_feed_and_a_held_lecture(client):
    build_demo_world()
    student = User.objects.get(email__startswith="student@")
    waiting = Registration.objects.get(user=student, status="waitlisted")
    full = waiting.event
    assert full.registrations.filter(status="confirmed").count() == full.capacity
    assert selectors.waitlist_position(waiting) == 2
    assert full.speakers.get().membership.user.email.startswith("supervisor@")
    # Told through the notifications: on the waiting list, in the app.
    told = Notification.objects.get(
        recipient=student, kind="events.registration", subject_id=str(full.public_id)
    )
    assert told.title == f"You are on the waiting list: {full.title}"

    feed = CalendarFeed.objects.get(user=student)
    body = client.get(reverse("events:feed", args=[feed.token])).content
    titles = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert full.title in titles

    past = Event.objects.get(title__startswith="Running the cloud")
    counts = selectors.partnership_event_counts(past.partnership)
    assert counts.guest_lectures_held == 1
    assert (
        counts.students_reached
        == past.registrations.filter(checked_in_at__isnull=False).count()
        > 0
    )
