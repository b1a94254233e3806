"""Placement compliance in a real browser: the coordinator sees a blocked placement on the
board, the student uploads evidence, the coordinator verifies it and starts the placement;
a workplace supervisor approves logged hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.applications.models import Application
from tandem.placements import services
from tandem.placements.models import HoursEntry
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

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def sign_in(page: Page, base: str, email: str) -> None:
    # The first request of a live server on a loaded machine can take longer than 15 s.
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
    hospital = PartnerFactory(name="St Aldric's Hospital", slug="st-aldrics")
    coordinator = _person("coordinator@example.org", "Priya Shah", college, "coordinator")
    student = _person("student@example.org", "Sam Rivera", college, "student")
    supervisor = _person("supervisor@example.org", "Dana Okafor", hospital, "supervisor")
    opp = published_opportunity(
        hospital, [college], title="Adult nursing clinical placement", type="clinical"
    )
    app = ApplicationFactory(
        opportunity=opp, student=student, institution=college, stage="accepted"
    )
    return {
        "college": college,
        "coordinator": coordinator,
        "student": student,
        "supervisor": supervisor,
        "application": app,
    }


def test_blocked_placement_evidence_verified_then_started(live_server, page, world, tmp_path):
    base = live_server.url
    app: Application = world["application"]
    services.clearance_requirement_create(
        actor=world["coordinator"],
        institution=world["college"],
        kind="immunisation",
        name="Hepatitis B immunisation",
        validity_days=365,
    )

    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/placements/?status=blocked")
    board = page.get_by_test_id("board")
    expect(board).to_contain_text("Sam Rivera")
    expect(board).to_contain_text("Hepatitis B immunisation: missing")
    sign_out(page)

    sign_in(page, base, "student@example.org")
    page.goto(f"{base}/placements/{app.public_id}/")
    evidence = tmp_path / "vaccination.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    page.get_by_label("Evidence for Hepatitis B immunisation").set_input_files(str(evidence))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("clearances")).to_contain_text("not verified yet")
    sign_out(page)

    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/placements/{app.public_id}/")
    page.get_by_role("button", name="Verify Hepatitis B immunisation").click()
    expect(page.get_by_test_id("clearances")).to_contain_text("verified")
    page.goto(f"{base}/applications/{app.public_id}/")
    page.get_by_role("button", name="Move to “Placed”").click()
    expect(page.get_by_test_id("stage")).to_contain_text("Placed")
    app.refresh_from_db()
    assert app.stage == "placed"


def test_supervisor_approves_hours(live_server, page, world):
    base = live_server.url
    app: Application = world["application"]
    Application.objects.filter(pk=app.pk).update(stage="placed")
    app.refresh_from_db()
    today = timezone.localdate()
    entry = services.hours_log(
        actor=world["student"],
        application=app,
        date=today - dt.timedelta(days=1),
        hours="7.5",
        activity="Ward rounds with the charge nurse",
    )
    sign_in(page, base, "supervisor@example.org")
    page.goto(f"{base}/placements/hours/review/")
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Approve the chosen entries").click()
    expect(page.get_by_text("No hours are waiting for approval.")).to_be_visible()
    assert HoursEntry.objects.get(pk=entry.pk).status == "approved"
