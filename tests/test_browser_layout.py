"""Layout in a real browser: danger buttons look dangerous, and on a 390 px phone the
navigation folds behind a menu button and the approval queue keeps Approve and Reject on
screen; on a desktop the navigation shows with no menu button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.opportunities import services as opportunities
from tests.factories import PASSWORD, opportunity_cast, opportunity_fields

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]

DANGER_RED = "rgb(164, 22, 26)"  # --bad: #a4161a
BRAND_BLUE = "rgb(11, 92, 171)"  # --brand: #0b5cab
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def queue():
    """A coordinator with two postings awaiting a decision (long titles, as in real life)."""
    cast = opportunity_cast()
    for title in (
        "Cloud operations apprenticeship (January 2027 intake), Leeds and Bradford",
        "Data engineering internship",
    ):
        opp = opportunities.opportunity_create(
            actor=cast.recruiter, host=cast.host, **opportunity_fields(title=title)
        )
        opportunities.opportunity_submit(
            actor=cast.recruiter, opportunity=opp, institutions=[cast.inst]
        )
    return cast


def background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_reject_is_red_and_approve_is_not(live_server, page, queue):
    base = live_server.url
    sign_in(page, base, queue.coordinator)
    page.goto(f"{base}/opportunities/approvals/")
    reject = page.get_by_role("button", name="Reject").first
    approve = page.get_by_role("button", name="Approve").first
    assert background(reject) == DANGER_RED
    assert background(approve) == BRAND_BLUE
    # Hovering darkens the danger red; it never turns into the brand's blue.
    reject.hover()
    assert background(reject) not in (BRAND_BLUE, "rgb(7, 63, 119)")
    # A bare <button class="danger"> (no .button class) is red as well.
    assert (
        page.evaluate(
            """() => { const b = document.createElement('button'); b.type = 'submit';
                   b.className = 'danger'; document.querySelector('main').append(b);
                   return getComputedStyle(b).backgroundColor; }"""
        )
        == DANGER_RED
    )


def test_phone_menu_button_and_reachable_approval_actions(live_server, browser, queue):
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, base, queue.coordinator)
        page.goto(f"{base}/opportunities/approvals/")
        menu = page.get_by_role("button", name="Menu")
        nav = page.get_by_role("navigation", name="Main")
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(nav).to_be_hidden()
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] < 80, header  # one row

        # Keyboard: focus the button, Enter opens the menu, Escape closes it again.
        menu.focus()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(nav.locator("summary", has_text="Opportunities")).to_be_visible()
        page.keyboard.press("Escape")
        expect(nav).to_be_hidden()
        expect(menu).to_be_focused()
        menu.click()
        expect(nav.locator("summary", has_text="Opportunities")).to_be_visible()
        menu.click()
        expect(nav).to_be_hidden()

        assert page.evaluate(OVERFLOW) <= 1, "the approval queue scrolls sideways"
        buttons = page.get_by_role("button", name="Approve").all()
        buttons += page.get_by_role("button", name="Reject").all()
        assert len(buttons) == 4
        for button in buttons:
            box = button.bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    finally:
        context.close()


def test_desktop_shows_the_navigation_without_a_menu_button(live_server, page, queue):
    base = live_server.url
    sign_in(page, base, queue.coordinator)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary", has_text="Opportunities")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    # The group opens on a click and shows its links.
    nav.locator("summary", has_text="Opportunities").click()
    expect(nav.get_by_role("link", name="Opportunities")).to_be_visible()


def test_without_javascript_the_phone_navigation_is_shown(live_server, browser, queue):
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, base, queue.coordinator)
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.locator("summary", has_text="Opportunities")).to_be_visible()
    finally:
        context.close()
