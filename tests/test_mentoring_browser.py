"""Mentoring in a real browser: the mentor opens the pair from their home, logs the session
they just had and proposes the next one; the mentee sees the next session on their home,
follows "your mentor" to the pair's workspace and finds the log, the proposal and its
calendar invitation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.mentoring.models import PairSession
from tandem.notifications.models import Notification
from tests.factories import PASSWORD
from tests.mentoring_support import mentoring_cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def sign_in(page: Page, base: str, email: str) -> None:
    page.set_default_navigation_timeout(60_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_mentor_logs_and_schedules_and_the_mentee_sees_it(live_server, page):
    cast = mentoring_cast(1)
    mentor, mentee = cast.mentor(), cast.mentee()
    held = timezone.localtime() - dt.timedelta(days=1)
    upcoming = (timezone.localtime() + dt.timedelta(days=7)).replace(
        hour=17, minute=15, second=0, microsecond=0
    )

    sign_in(page, live_server.url, mentor.email)
    page.get_by_test_id("my-mentoring").get_by_role("link", name=mentee.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(mentee.full_name)

    page.get_by_text("Log a session").click()
    log = page.get_by_test_id("log-form")
    log.get_by_label("Date and time").fill(held.strftime("%Y-%m-%dT%H:%M"))
    log.get_by_label("Length (minutes)").fill("50")
    log.get_by_label("Topics").fill("Choosing a specialism")
    log.get_by_label("Notes", exact=True).fill("Shadowing day planned")
    log.get_by_role("button", name="Log the session").click()
    # The page's flash message (the header's unread badge is a status region too).
    expect(page.locator(".messages")).to_contain_text("Session logged.")
    expect(page.get_by_test_id("session-log")).to_contain_text("Choosing a specialism")

    page.get_by_text("Propose the next session").click()
    schedule = page.get_by_test_id("schedule-form")
    schedule.get_by_label("Date and time").fill(upcoming.strftime("%Y-%m-%dT%H:%M"))
    schedule.get_by_label("Length (minutes)").fill("45")
    schedule.get_by_label("Place", exact=True).fill("St Aldric's education centre")
    schedule.get_by_role("button", name="Propose").click()
    expect(page.get_by_test_id("upcoming-session")).to_contain_text("St Aldric's education centre")
    session = PairSession.objects.get(status="scheduled")
    assert session.starts_at == upcoming
    assert PairSession.objects.get(status="held").minutes == 50
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, mentee.email)
    expect(page.get_by_test_id("home-next-sessions")).to_contain_text(mentor.full_name)
    page.get_by_test_id("my-mentor-link").click()
    expect(page.get_by_test_id("session-log")).to_contain_text("Shadowing day planned")
    expect(page.get_by_test_id("upcoming-session")).to_contain_text("45 minutes")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    cal = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    assert str(cal["METHOD"]) == "REQUEST"
    event = next(iter(cal.walk("VEVENT")))
    assert event.decoded("DTSTART") == upcoming.astimezone(dt.UTC)
    assert Notification.objects.get(recipient=mentee, kind="mentoring.session_proposed")
