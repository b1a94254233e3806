"""Keyboard-only use and a phone-sized screen, in a real browser."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


@pytest.fixture
def student():
    college = InstitutionFactory(name="Riverside Community College")
    user = UserFactory(email="kb@example.org", full_name="Kim Keyboard")
    MembershipFactory(user=user, organization=college, role="student")
    return user


def test_sign_in_with_the_keyboard_only(live_server, page, student):
    page.goto(f"{live_server.url}/accounts/login/")
    # The skip link comes first, then the form fields in reading order.
    # The skip link is the first thing a keyboard reaches, and shows itself when focused.
    first = page.evaluate(
        "[...document.querySelectorAll('a[href],button,input:not([type=hidden]),select,"
        "textarea')][0].textContent.trim()"
    )
    assert first == "Skip to content"
    page.focus(".skip-link")
    assert page.locator(".skip-link").bounding_box()["x"] >= 0
    page.focus("#id_username")
    page.keyboard.type("kb@example.org")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert "Welcome, Kim Keyboard" in page.inner_text("h1")


def test_stylesheet_and_htmx_are_served_and_applied(live_server, page, student):
    page.goto(f"{live_server.url}/accounts/login/")
    # The stylesheet hides the skip link off-screen until it is focused.
    assert page.locator(".skip-link").bounding_box()["x"] < 0
    loaded = page.evaluate("typeof window.htmx")
    assert loaded == "object"


def test_wrong_password_shows_an_error_next_to_the_form(live_server, page, student):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "kb@example.org")
    page.fill("#id_password", "not-the-password")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    assert "correct" in alert.inner_text().lower()


def test_pages_fit_a_phone_screen(live_server, browser, student):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "kb@example.org")
        page.fill("#id_password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/")
        for path in ("/", "/opportunities/", "/applications/", "/accounts/"):
            page.goto(f"{live_server.url}{path}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
            # Every visible form control has an accessible label.
            unlabeled = page.evaluate(
                """() => [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]
                    .filter(el => el.offsetParent !== null)
                    .filter(el => !(el.labels && el.labels.length) &&
                                  !el.getAttribute('aria-label') &&
                                  !el.getAttribute('aria-labelledby'))
                    .map(el => el.name)"""
            )
            assert unlabeled == [], f"{path} has unlabeled controls: {unlabeled}"
    finally:
        context.close()
