"""A funder sees Partnerships and Analytics in the navigation (the partnerships' and the
analytics' permissions let them see partnerships they fund) and reaches both from there, in
a real browser; a student, whom those permissions refuse, sees neither link."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.analytics.permissions import can_open_analytics
from tandem.organizations.models import Role
from tandem.partnerships.permissions import can_list_partnerships
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    member,
)


@pytest.fixture
def world():
    college = InstitutionFactory(name="Riverside Community College")
    agency = PartnerFactory(name="Yorkshire Skills Agency")
    PartnershipFactory(title="Digital skills bootcamp", institutions=[college], partners=[agency])
    return {
        "funder": member(agency, Role.FUNDER),
        "student": member(college, Role.STUDENT),
        "coordinator": member(college, Role.COORDINATOR),
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "nobody": UserFactory(),
    }


@pytest.mark.django_db
def test_the_permissions_behind_the_links(world):
    for who in ("funder", "coordinator", "admin"):
        assert can_list_partnerships(world[who]) and can_open_analytics(world[who]), who
    for who in ("student", "nobody"):
        assert not can_list_partnerships(world[who]) and not can_open_analytics(world[who]), who


def sign_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("allow_orm_beside_playwright")
def test_funder_navigates_to_partnerships_and_analytics(live_server, page, world):
    base = live_server.url
    sign_in(page, base, world["funder"])
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Partnerships").click()
    nav.get_by_role("link", name="Partnerships").click()
    expect(page.get_by_role("link", name="Digital skills bootcamp")).to_be_visible()
    nav.locator("summary", has_text="Insights").click()
    nav.get_by_role("link", name="Analytics").click()
    page.wait_for_url(f"{base}/analytics/")
    expect(page.get_by_role("link", name="Digital skills bootcamp").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, world["student"])
    expect(nav.locator("summary", has_text="Opportunities")).to_be_visible()
    expect(nav.get_by_role("link", name="Partnerships")).to_have_count(0)
    expect(nav.get_by_role("link", name="Analytics")).to_have_count(0)
