"""Site visits and incidents in a real browser: an educator schedules a visit and the student
sees it; a workplace supervisor reports an incident and the coordinator sees it (and moves it
on)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.placements.models import Incident
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    InstitutionFactory,
    MembershipFactory,
    PartnerFactory,
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
    works = PartnerFactory(name="Harbour Engineering", slug="harbour")
    people = {
        "coordinator": _person("coordinator@example.org", "Priya Shah", college, "coordinator"),
        "educator": _person("educator@example.org", "Ewan Morgan", college, "educator"),
        "student": _person("student@example.org", "Sam Rivera", college, "student"),
        "supervisor": _person("supervisor@example.org", "Dana Okafor", works, "supervisor"),
    }
    today = timezone.localdate()
    opp = published_opportunity(
        works,
        [college],
        title="Maintenance apprenticeship",
        type="apprenticeship",
        start_date=today - dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=80),
    )
    app = ApplicationFactory(opportunity=opp, student=people["student"], institution=college)
    app.stage = "placed"
    app.save()
    return {**people, "application": app}


def test_educator_schedules_a_visit_and_the_student_sees_it(live_server, page, world):
    base = live_server.url
    sign_in(page, base, "educator@example.org")
    page.goto(f"{base}/placements/visits/")
    page.get_by_role("link", name="Maintenance apprenticeship (Harbour Engineering)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visits to Sam Rivera")
    when = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    page.get_by_label("Kind of visit").select_option("virtual")
    page.get_by_label("Date and time (local time of the visit)").fill(f"{when}T14:30")
    page.get_by_label("Time zone").fill("Europe/London")
    page.get_by_label("Meeting link (virtual)").fill("https://meet.example/harbour")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator(".messages")).to_contain_text("Visit scheduled")
    expect(page.get_by_test_id("visits")).to_contain_text(f"{when} 14:30 (Europe/London)")
    sign_out(page)

    sign_in(page, base, "student@example.org")
    page.goto(f"{base}/placements/{world['application'].public_id}/")
    expect(page.get_by_test_id("next-visits")).to_contain_text(f"{when} 14:30")
    page.get_by_role("link", name="Site visits and timeline").click()
    expect(page.get_by_test_id("visits")).to_contain_text("Ewan Morgan")
    expect(page.get_by_test_id("timeline")).to_contain_text("Mid-placement check-in survey")
    expect(page.get_by_role("heading", name="Schedule a visit")).to_have_count(0)


def test_supervisor_reports_an_incident_and_the_coordinator_sees_it(live_server, page, world):
    base = live_server.url
    sign_in(page, base, "supervisor@example.org")
    page.goto(f"{base}/placements/{world['application'].public_id}/")
    page.get_by_role("link", name="Report an incident").click()
    page.get_by_label("Kind of incident").select_option("safety")
    page.get_by_label("Severity").select_option("high")
    earlier = timezone.localtime() - dt.timedelta(hours=2)
    page.get_by_label("When it happened").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("What happened").fill("A guard was missing on the lathe in bay 3.")
    page.get_by_role("button", name="Report").click()
    expect(page.get_by_test_id("incident-status")).to_contain_text("Open")
    sign_out(page)

    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/placements/incidents/")
    page.get_by_test_id("incidents").get_by_role("link").first.click()
    expect(page.get_by_test_id("incident-description")).to_contain_text("lathe in bay 3")
    page.get_by_label("New status").select_option("under_review")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_test_id("incident-status")).to_contain_text("Under review")
    assert Incident.objects.get().status == "under_review"
