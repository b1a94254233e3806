"""The main flows with the keyboard alone, in a real browser: no click, no mouse — Tab and
Shift+Tab to move, Enter and Space to act, typing into fields. A student finds a posting and
applies (with a CV chosen from the file dialog the keyboard opens); a coordinator approves a
posting; a recruiter moves an application on, stage after stage. The focus is always on
something (never lost to the page after an htmx update) and always visible."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tandem.applications.models import Application
from tandem.opportunities.models import OpportunityApproval
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    InstitutionFactory,
    MembershipFactory,
    OpportunityFactory,
    PartnerFactory,
    UserFactory,
    published_opportunity,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
#: The most Tab presses a test allows to reach something (a page's whole navigation).
MAX_TABS = 80

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.getAttribute("type") || "",
    name: el.getAttribute("name") || "",
    text: (el.innerText || el.value || el.getAttribute("aria-label") || label || "").trim(),
    visible: el.matches(":focus-visible") && style.outlineStyle !== "none"
      && parseFloat(style.outlineWidth) > 0,
  };
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(_FOCUSED)


def assert_focus_visible(page: Page) -> dict:
    """Something has the focus (not the page itself) and shows a focus outline."""
    now = focused(page)
    assert now is not None, "the focus was lost to the page"
    assert now["visible"], f"no visible focus indicator on {now}"
    return now


def tab_to(page: Page, matches, *, backwards: bool = False) -> dict:
    """Press Tab (Shift+Tab) until the focused element ``matches`` (at once if it already
    does: a page may autofocus its first field); every stop on the way must show the
    focus."""
    key = "Shift+Tab" if backwards else "Tab"
    now = focused(page)
    if now is not None and matches(now):
        return assert_focus_visible(page)
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if focused(page) is None:
            continue  # past the last element, the browser's own controls: Tab wraps around
        now = assert_focus_visible(page)
        if matches(now):
            return now
    raise AssertionError(f"{key} never reached the element (last: {focused(page)})")


def text_is(text: str):
    return lambda f: f["text"] == text


def text_has(text: str):
    return lambda f: text in f["text"]


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    tab_to(page, lambda f: f["name"] == "username")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


@pytest.fixture
def world():
    college = InstitutionFactory(name="Riverside Community College", slug="riverside")
    company = PartnerFactory(name="Brightwave Software", slug="brightwave")
    coordinator = UserFactory(email="coordinator@example.org", full_name="Priya Shah")
    MembershipFactory(user=coordinator, organization=college, role="coordinator")
    recruiter = UserFactory(email="recruiter@example.org", full_name="Grace Lin")
    MembershipFactory(user=recruiter, organization=company, role="recruiter")
    student = UserFactory(email="student@example.org", full_name="Sam Rivera")
    MembershipFactory(user=student, organization=college, role="student", year_of_study=2)
    applicant = UserFactory(email="applicant@example.org", full_name="Ada Okafor")
    MembershipFactory(user=applicant, organization=college, role="student")
    published_opportunity(company, [college], title="Junior developer internship")
    published_opportunity(company, [college], title="Warehouse logistics placement")
    waiting = OpportunityFactory(
        host=company, title="Data analyst apprenticeship", status="awaiting_approval"
    )
    OpportunityApproval.objects.create(opportunity=waiting, institution=college)
    reviewed = published_opportunity(company, [college], title="Support engineer internship")
    application = ApplicationFactory(
        opportunity=reviewed, student=applicant, institution=college, stage="submitted"
    )
    return {"student": student, "waiting": waiting, "application": application}


def test_a_student_finds_a_posting_and_applies_with_the_keyboard(
    live_server, page, world, tmp_path
):
    base = live_server.url
    sign_in(page, base, "student@example.org")
    page.goto(f"{base}/opportunities/")
    # Past the site-wide search field in the header, to the list's own filter.
    tab_to(page, lambda f: f["id"] == "id_q")
    page.keyboard.type("junior")
    # The list updates as the student types (htmx); the focus stays in the field.
    expect(page.locator("#results")).not_to_contain_text("Warehouse logistics placement")
    # Every request of the typing has settled (a slow machine may still be swapping the list
    # when the next key goes, which would move the focus with the swap).
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_timeout(400)  # past the field's 300 ms debounce: no request is pending
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert focused(page)["id"] == "id_q"
    # Leaving the field asks for nothing more: the list already shows what was typed, and a
    # reload now would replace the link the keyboard is moving to (the focus would be lost).
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/opportunities/" in r.url else None)
    tab_to(page, text_is("Junior developer internship"))
    page.wait_for_timeout(500)
    assert requests == []
    assert focused(page)["text"] == "Junior developer internship"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Junior developer internship")
    tab_to(page, text_is("Apply"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Apply to Junior developer")
    tab_to(page, lambda f: f["tag"] == "textarea")
    page.keyboard.type("I build small web apps and want to learn.")
    tab_to(page, lambda f: f["type"] == "file")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(MINIMAL_PDF)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(cv))
    assert focused(page)["type"] == "file"
    tab_to(page, text_is("Send application"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stage")).to_have_text("Submitted")
    assert Application.objects.filter(
        student=world["student"], opportunity__title="Junior developer internship"
    ).exists()


def test_a_coordinator_approves_a_posting_with_the_keyboard(live_server, page, world):
    base = live_server.url
    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/opportunities/approvals/")
    tab_to(page, text_is("Data analyst apprenticeship"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data analyst apprenticeship")
    # Past it to the Reject button, then back with Shift+Tab.
    tab_to(page, text_is("Reject"))
    tab_to(page, text_is("Approve"), backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Published")
    assert OpportunityApproval.objects.get(opportunity=world["waiting"]).status == "approved"


def test_a_recruiter_moves_an_application_on_and_keeps_the_focus(live_server, page, world):
    base = live_server.url
    application = world["application"]
    sign_in(page, base, "recruiter@example.org")
    page.goto(f"{base}/applications/{application.public_id}/")
    for stage in ("Under review", "Shortlisted", "Interview"):
        tab_to(page, text_is(f"Move to “{stage}”"))
        page.keyboard.press("Space" if stage == "Shortlisted" else "Enter")
        expect(page.get_by_test_id("stage")).to_have_text(stage)
        # htmx replaced the panel and the button that had the focus: the focus is on the
        # panel's message, visibly, and Tab goes on from there.
        expect(page.get_by_text(f"Stage changed to “{stage}”.")).to_be_focused()
        now = assert_focus_visible(page)
        assert "Stage changed to" in now["text"], now
    application.refresh_from_db()
    assert application.stage == "interview"
