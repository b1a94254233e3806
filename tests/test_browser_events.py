"""Events in a real browser: a student joins a full event's waiting list, sees their
place in the queue and the notification saying so; the organiser checks an attendee in at
the door by their code, and a second scan is refused with a clear message."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tandem.events import services
from tandem.events.models import Registration
from tests.factories import PASSWORD, event_cast

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


def test_student_waits_and_organiser_checks_in(live_server, page):
    cast = event_cast(capacity=1, students=2)
    first = services.registration_create(actor=cast.students[0], event=cast.event)
    late = cast.students[1]

    sign_in(page, live_server.url, late.email)
    page.locator("summary", has_text="Partnerships").click()  # Events sit in that group
    page.get_by_role("link", name="Events").first.click()
    page.get_by_role("link", name=cast.event.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.event.title)
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.locator("#registration-status")).to_have_text(
        "You are on the waiting list: number 1."
    )
    assert Registration.objects.get(event=cast.event, user=late).status == "waitlisted"
    # Told in the notification centre too (the one delivery path).
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_role("main")).to_contain_text(
        f"You are on the waiting list: {cast.event.title}"
    )
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, cast.coordinator.email)
    page.goto(f"{live_server.url}/events/{cast.event.public_id}/")
    page.get_by_role("link", name="Check people in").click()
    code = services.checkin_token(first)
    page.get_by_label("Check-in code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("#checkin-result")).to_have_text(
        f"{cast.students[0].full_name} is checked in."
    )
    page.get_by_label("Check-in code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("alert")).to_contain_text("Already checked in at")
    assert Registration.objects.get(pk=first.pk).checked_in_at is not None
