"""The main flow in a real browser (Debian's chromium, headless, driven by Playwright):
a partner posts an internship, the coordinator approves it, a student applies with a CV,
the partner shortlists and makes an offer, the student accepts, and the coordinator sees the
partnership's placements KPI move."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.applications.models import Application
from tandem.organizations.models import PartnerVetting
from tandem.partnerships.models import KPI, Objective
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    MembershipFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
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
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def world():
    college = InstitutionFactory(name="Riverside Community College", slug="riverside")
    company = PartnerFactory(name="Brightwave Software", slug="brightwave")
    PartnerVetting.objects.create(institution=college, partner=company, status="approved")
    coordinator = UserFactory(email="coordinator@example.org", full_name="Priya Shah")
    MembershipFactory(user=coordinator, organization=college, role="coordinator")
    recruiter = UserFactory(email="recruiter@example.org", full_name="Grace Lin")
    MembershipFactory(user=recruiter, organization=company, role="recruiter")
    student = UserFactory(email="student@example.org", full_name="Sam Rivera")
    MembershipFactory(
        user=student,
        organization=college,
        role="student",
        program="Cybersecurity",
        year_of_study=2,
    )
    partnership = PartnershipFactory(
        title="Software apprenticeships", institutions=[college], partners=[company]
    )
    objective = Objective.objects.create(
        partnership=partnership, title="Grow paid work-based learning", owner=coordinator
    )
    today = timezone.localdate()
    kpi = KPI.objects.create(
        objective=objective,
        name="Students placed",
        unit="students",
        baseline=Decimal(0),
        target=Decimal(4),
        start_date=today - dt.timedelta(days=30),
        due_date=today + dt.timedelta(days=300),
        metric="placements",
    )
    return {"partnership": partnership, "kpi": kpi, "student": student}


def test_post_approve_apply_offer_accept_and_kpi_moves(live_server, page, world, tmp_path):
    base = live_server.url

    # 1. The partner's recruiter posts an internship and submits it to the college.
    sign_in(page, base, "recruiter@example.org")
    page.goto(f"{base}/opportunities/new/")
    page.get_by_label("Title").fill("Junior developer internship")
    page.get_by_label("Type").select_option("internship")
    page.get_by_label("Description").fill("Ship features with a product squad for ten weeks.")
    page.get_by_label("Seats").fill("2")
    page.get_by_label("Partnership").select_option(label="Software apprenticeships")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Junior developer internship")
    page.get_by_role("link", name="Submit for approval").click()
    page.get_by_label("Riverside Community College").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("main")).to_contain_text("Awaiting institution approval")
    sign_out(page)

    # 2. The coordinator approves it from the approval queue.
    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/opportunities/approvals/")
    page.get_by_role("link", name="Junior developer internship").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("main")).to_contain_text("Published")
    sign_out(page)

    # 3. The student finds it and applies with a statement and a PDF CV.
    sign_in(page, base, "student@example.org")
    page.goto(f"{base}/opportunities/")
    page.get_by_role("link", name="Junior developer internship").first.click()
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("Personal statement").fill("I build small web apps and want to learn.")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(MINIMAL_PDF)
    page.get_by_label("CV").set_input_files(str(cv))
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_test_id("stage")).to_have_text("Submitted")
    application = Application.objects.get(student=world["student"])
    sign_out(page)

    # 4. The recruiter moves it through review, shortlist and interview to an offer.
    sign_in(page, base, "recruiter@example.org")
    page.goto(f"{base}/applications/{application.public_id}/")
    for stage in ("Under review", "Shortlisted", "Interview", "Offer made"):
        page.get_by_role("button", name=f"Move to “{stage}”").click()
        expect(page.get_by_test_id("stage")).to_have_text(stage)
    sign_out(page)

    # 5. The student accepts the offer.
    sign_in(page, base, "student@example.org")
    page.goto(f"{base}/applications/{application.public_id}/")
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.get_by_test_id("stage")).to_have_text("Offer accepted")
    sign_out(page)

    # 6. The coordinator sees the partnership's placements KPI move from no data to 1.
    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/partnerships/{world['partnership'].public_id}/")
    kpi_panel = page.locator(f"#kpi-{world['kpi'].public_id}")
    expect(kpi_panel).to_contain_text("Students placed")
    expect(kpi_panel).to_contain_text(re.compile(r"latest: 1 students"))
    world["kpi"].refresh_from_db()
    assert world["kpi"].latest_value == 1
    assert world["kpi"].measurements.filter(source="automatic").count() == 1
