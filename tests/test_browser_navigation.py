"""The grouped navigation in a real browser: on one line at 1,280 px for each of the eight
demo roles, the current section marked; at 390 px the menu button opens and closes it with
the keyboard alone, and a group opens and closes inside it; the pattern library renders with
no sideways scroll on a phone (and is screenshotted)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tandem.demo.world import DEMO_DOMAIN, build_demo_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]

ROLES = (
    "admin",
    "student",
    "coordinator",
    "educator",
    "recruiter",
    "supervisor",
    "mentor",
    "funder",
)
PASSWORD = "tandem-demo-2026"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(f"{login}@{DEMO_DOMAIN}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def _context(browser: Browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_the_navigation_fits_one_line_at_1280_for_every_role(live_server, browser):
    build_demo_world(seed=2026)
    base = live_server.url
    for login in ROLES:
        context, page = _context(browser, 1280)
        try:
            sign_in(page, base, login)
            nav = page.get_by_role("navigation", name="Main")
            items = nav.locator(":scope > ul > li")
            boxes = [box for box in (i.bounding_box() for i in items.all()) if box]
            assert len(boxes) >= 5, (login, boxes)
            # Every top-level item on the same row: each starts above where any other ends.
            assert max(b["y"] for b in boxes) < min(b["y"] + b["height"] for b in boxes), (
                login,
                boxes,
            )
            header = page.locator(".site-header").bounding_box()
            assert header is not None and header["height"] < 80, (login, header)
            # Home is the current page.
            expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
            assert page.evaluate(OVERFLOW) <= 1, login
        finally:
            context.close()

    # On another section, its group is marked and, opened, its link is the current page.
    context, page = _context(browser, 1280)
    try:
        sign_in(page, base, "coordinator")
        page.goto(f"{base}/opportunities/")
        nav = page.get_by_role("navigation", name="Main")
        group = nav.locator("summary", has_text="Opportunities")
        expect(group).to_have_attribute("aria-current", "true")
        expect(nav.get_by_role("link", name="Home")).not_to_have_attribute("aria-current", "page")
        group.click()
        expect(nav.get_by_role("link", name="Opportunities", exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        # One group open at a time; Escape closes it and gives the focus back to its label.
        nav.locator("summary", has_text="Partnerships").click()
        expect(nav.get_by_role("link", name="Opportunities", exact=True)).to_be_hidden()
        expect(nav.get_by_role("link", name="Organizations")).to_be_visible()
        page.keyboard.press("Escape")
        expect(nav.get_by_role("link", name="Organizations")).to_be_hidden()
        expect(nav.locator("summary", has_text="Partnerships")).to_be_focused()
    finally:
        context.close()


def test_phone_menu_opens_and_closes_with_the_keyboard(live_server, browser):
    build_demo_world(seed=2026)
    base = live_server.url
    context, page = _context(browser, 390)
    try:
        sign_in(page, base, "coordinator")
        menu = page.get_by_role("button", name="Menu")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav).to_be_hidden()
        # Tab from the top of the page to the menu button: skip link, brand, search field,
        # search button (visually hidden on a phone), then the menu button.
        page.locator("body").focus()
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.hasAttribute('data-menu-toggle')"):
                break
        expect(menu).to_be_focused()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(nav).to_be_visible()
        # Into the menu: Home, then the Opportunities group; Enter opens it in place.
        page.keyboard.press("Tab")
        expect(nav.get_by_role("link", name="Home")).to_be_focused()
        page.keyboard.press("Tab")
        expect(nav.locator("summary", has_text="Opportunities")).to_be_focused()
        page.keyboard.press("Enter")
        link = nav.get_by_role("link", name="Applications")
        expect(link).to_be_visible()
        page.keyboard.press("Tab")
        expect(nav.get_by_role("link", name="Opportunities", exact=True)).to_be_focused()
        assert page.evaluate(OVERFLOW) <= 1
        # Escape closes the group (focus back on its label), Escape again closes the menu.
        page.keyboard.press("Escape")
        expect(link).to_be_hidden()
        expect(nav.locator("summary", has_text="Opportunities")).to_be_focused()
        page.keyboard.press("Escape")
        expect(nav).to_be_hidden()
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_focused()
        # Space works on the button too.
        page.keyboard.press("Space")
        expect(nav).to_be_visible()
        page.keyboard.press("Space")
        expect(nav).to_be_hidden()
    finally:
        context.close()


def test_pattern_library_renders_without_sideways_scroll(live_server, browser, tmp_path):
    from tests.factories import PASSWORD as FACTORY_PASSWORD
    from tests.factories import opportunity_cast

    cast = opportunity_cast()
    base = live_server.url
    for width in (1280, 390):
        context, page = _context(browser, width)
        try:
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("E-mail").fill(cast.student.email)
            page.get_by_label("Password").fill(FACTORY_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/patterns/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Pattern library")
            for name in ("Buttons", "Alerts", "Badges", "Tables", "Forms", "Empty states"):
                expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()
            danger = page.get_by_role("button", name="Delete")
            red = danger.evaluate("el => getComputedStyle(el).backgroundColor")
            assert red == "rgb(164, 22, 26)", red
            assert page.evaluate(OVERFLOW) <= 1, width
            shot = tmp_path / f"patterns-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            context.close()
