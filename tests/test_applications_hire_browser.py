"""A host recruiter records a hire on a completed placement, on a phone, in a real browser; the
institution's coordinator then sees the funnel end with the hired step (hidden as a small
group before the hire, shown once ten placements ended in a hire)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.applications.models import Application, StageChange
from tandem.applications.services import application_record_hire
from tandem.organizations.models import Role
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    OpportunityFactory,
    PartnerFactory,
    PartnershipFactory,
    member,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def _world():
    """12 applications in progress, 10 holding a seat and 20 completed placements: 9 recorded
    as hired through the service, 10 with no outcome yet, and the one the test records."""
    inst = InstitutionFactory(name="Riverside Community College")
    host = PartnerFactory(name="Brightwave Software", sector="technology")
    partnership = PartnershipFactory(institutions=[inst], partners=[host])
    opp = OpportunityFactory(
        host=host, partnership=partnership, status="published", seats=80, title="Data co-op"
    )
    recruiter = member(host, Role.RECRUITER)
    stages = ["submitted"] * 12 + ["placed"] * 6 + ["accepted"] * 4 + ["completed"] * 20
    completed = []
    for stage in stages:
        student = member(inst, Role.STUDENT, program="Computing")
        app = Application.objects.create(
            opportunity=opp, student=student, institution=inst, statement="x", stage=stage
        )
        if stage == "completed":
            completed.append(app)
    for app in completed[:9]:
        application_record_hire(
            actor=recruiter, application=app, outcome="hired", start_date=timezone.localdate()
        )
    target = completed[-1]
    change = StageChange.objects.create(
        application=target, from_stage="placed", to_stage="completed", actor=recruiter
    )
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    StageChange.objects.filter(pk=change.pk).update(created_at=ten_days_ago)
    return recruiter, member(inst, Role.COORDINATOR), target


def _sign_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def _hired_row(page, base):
    page.goto(f"{base}/")
    page.locator("summary", has_text="Insights").click()  # Analytics sits in that group
    page.get_by_role("link", name="Analytics").first.click()
    page.get_by_role("link", name="Riverside Community College").click()
    table = page.get_by_role("table", name="From application to hire")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Hired"))


def test_recruiter_records_a_hire_and_the_funnel_shows_it(live_server, browser):
    recruiter, coordinator, target = _world()
    base = live_server.url
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    office = staff.new_page()
    office.set_default_timeout(15_000)
    _sign_in(office, base, coordinator)
    # Nine hires are a small group: the step is hidden.
    expect(_hired_row(office, base).get_by_role("cell").first).to_have_text("*")

    # A 390 px wide window: a phone, or a desktop browser zoomed in (WCAG reflow).
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.set_default_timeout(15_000)
    try:
        _sign_in(page, base, recruiter)
        # At phone width the navigation sits behind the menu button.
        page.get_by_role("button", name="Menu").click()
        page.get_by_role("link", name="Applications").first.click()
        page.get_by_label("Stage", exact=True).select_option("completed")
        page.get_by_role("button", name="Filter").click()
        page.locator(f'a[href="/applications/{target.public_id}/"]').click()
        panel = page.get_by_role("region", name="Outcome after the placement")
        expect(panel).to_contain_text("No outcome recorded yet.")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"the application page scrolls sideways by {overflow}px"

        page.get_by_label("Outcome *").select_option(label="Hired (job offer accepted)")
        page.get_by_role("button", name="Save the outcome").click()
        expect(panel.get_by_role("alert")).to_have_text(
            "The outcome was not saved: correct the fields below."
        )
        expect(panel).to_contain_text("Give the date the job starts.")
        # The swap removed the button: the focus moved to the error summary, not to the page.
        expect(page.locator(":focus")).to_have_id("hire-form-errors")
        assert Application.objects.get(pk=target.pk).hire_outcome == ""

        page.get_by_label("Job start date").fill(timezone.localdate().isoformat())
        page.get_by_label("Job title (optional)").fill("Junior data analyst")
        page.get_by_role("button", name="Save the outcome").click()
        expect(panel.get_by_role("status")).to_have_text("Outcome recorded.")
        expect(page.locator(":focus")).to_have_text("Outcome recorded.")
        expect(panel.get_by_test_id("hire-outcome")).to_contain_text("Junior data analyst")
        target.refresh_from_db()
        assert target.hire_outcome == "hired"
    finally:
        phone.close()

    # Ten hires: the coordinator's funnel shows the step and its share of the completed ones.
    hired = _hired_row(office, base)
    expect(hired.get_by_role("cell")).to_have_text(["10", "50.0"])
    staff.close()
