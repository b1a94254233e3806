"""Notifications and messaging in a real browser: a stage change appears in the student's
notification centre with the unread count in the header, and reading it clears the count; a
message in a partnership conversation reaches the other participant."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tandem.applications.services import application_move
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    InstitutionFactory,
    MembershipFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    published_opportunity,
)

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


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _person(email: str, name: str, org, role: str):
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, organization=org, role=role)
    return user


@pytest.fixture
def world():
    college = InstitutionFactory(name="Riverside Community College", slug="riverside")
    company = PartnerFactory(name="Northwind Analytics", slug="northwind")
    coordinator = _person("coordinator@example.org", "Priya Shah", college, "coordinator")
    student = _person("student@example.org", "Sam Rivera", college, "student")
    recruiter = _person("recruiter@example.org", "Rosa Diaz", company, "recruiter")
    opp = published_opportunity(company, [college], title="Junior data analyst")
    app = ApplicationFactory(
        opportunity=opp, student=student, institution=college, stage="submitted"
    )
    partnership = PartnershipFactory(
        title="Riverside and Northwind data pathway", institutions=[college], partners=[company]
    )
    return {
        "coordinator": coordinator,
        "student": student,
        "recruiter": recruiter,
        "application": app,
        "partnership": partnership,
    }


def test_stage_change_shows_in_the_centre_and_reading_clears_the_count(live_server, page, world):
    application_move(
        actor=world["recruiter"], application=world["application"], to_stage="under_review"
    )
    sign_in(page, live_server.url, "student@example.org")
    badge = page.get_by_test_id("unread-badge")
    expect(badge).to_contain_text("1")
    page.get_by_role("link", name="Notifications").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_test_id("unread-summary")).to_contain_text("1 unread notification")
    item = page.locator(".notification").first
    expect(item).to_contain_text("Junior data analyst")
    expect(item).to_contain_text("Under review")
    item.get_by_role("button", name="Mark read").click()
    expect(page.get_by_test_id("unread-summary")).to_contain_text("0 unread notifications")
    expect(page.get_by_test_id("unread-badge")).not_to_contain_text("1")
    # The link takes the student to the application.
    page.locator(".notification").first.get_by_role("button", name="Open").click()
    expect(page).to_have_url(f"{live_server.url}/applications/{world['application'].public_id}/")


def test_partnership_message_reaches_the_other_participant(live_server, page, world):
    partnership = world["partnership"]
    sign_in(page, live_server.url, "coordinator@example.org")
    page.goto(f"{live_server.url}/messages/new/partnership/{partnership.public_id}/")
    page.get_by_label("Subject").fill("Spring cohort")
    page.get_by_label("Rosa Diaz").check()
    page.get_by_role("textbox", name="Message", exact=True).fill(
        "Can we confirm six places for the spring?"
    )
    page.get_by_role("button", name="Start the conversation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring cohort")
    expect(page.locator(".message-list")).to_contain_text("six places")
    sign_out(page)

    sign_in(page, live_server.url, "recruiter@example.org")
    expect(page.get_by_test_id("unread-badge")).to_contain_text("1")
    page.locator("summary", has_text="Account").click()  # Messages sit in the account menu
    page.get_by_role("link", name="Messages").first.click()
    row = page.get_by_role("row", name="Spring cohort")
    expect(row.get_by_test_id("conversation-unread")).to_have_text("1")
    row.get_by_role("link", name="Spring cohort").click()
    expect(page.locator(".message-list")).to_contain_text("Can we confirm six places")
    page.get_by_role("textbox", name="Message", exact=True).fill("Yes, six places confirmed.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message-list")).to_contain_text("six places confirmed")
