"""A half-signed learning agreement in a real browser: the educator finds it in their "to
sign" list and signs; the coordinator, next, then sees it, signs last, downloads the signed
PDF and starts the placement (the template's start gate lets it through only now)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tandem.applications.models import Application
from tandem.placements import services
from tandem.placements.models import LearningAgreement
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
    company = PartnerFactory(name="Brightwave Software", slug="brightwave")
    coordinator = _person("coordinator@example.org", "Priya Shah", college, "coordinator")
    _person("educator@example.org", "Tom Okafor", college, "educator")
    student = _person("student@example.org", "Sam Rivera", college, "student")
    supervisor = _person("supervisor@example.org", "Marek Nowak", company, "supervisor")
    opp = published_opportunity(
        company, [college], title="Software engineering internship", type="internship"
    )
    app = ApplicationFactory(
        opportunity=opp, student=student, institution=college, stage="accepted"
    )
    services.agreement_template_create(
        actor=coordinator,
        institution=college,
        name="Internship learning agreement",
        sections=["objectives", "hours", "dates", "insurance"],
        signing_order=["student", "supervisor", "educator", "coordinator"],
        insurance_text="The host's liability insurance covers the intern.",
        required_before_start=True,
    )
    agreement = services.agreement_create(actor=coordinator, application=app)
    agreement = services.agreement_edit(
        actor=coordinator,
        agreement=agreement,
        changes={"required_hours": "240"},
        objectives=[services.ObjectiveInput(text="Ship a feature with code review")],
    )
    agreement = services.agreement_send(actor=coordinator, agreement=agreement)
    agreement = services.agreement_sign(actor=student, agreement=agreement)
    agreement = services.agreement_sign(actor=supervisor, agreement=agreement)
    return {"application": app, "agreement": agreement}


def test_the_next_signer_signs_and_the_one_after_sees_it(live_server, page, world):
    base = live_server.url
    app: Application = world["application"]

    sign_in(page, base, "educator@example.org")
    page.goto(f"{base}/placements/agreements/to-sign/")
    page.get_by_role("link", name="Sam Rivera at Software engineering internship").click()
    steps = page.get_by_test_id("signing-steps")
    expect(steps).to_contain_text("signed by Sam Rivera")
    expect(steps).to_contain_text("signed by Marek Nowak")
    expect(page.get_by_test_id("objectives")).to_contain_text("Ship a feature with code review")
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_test_id("signing-steps")).to_contain_text("signed by Tom Okafor")
    expect(page.get_by_role("button", name="Sign the agreement")).to_have_count(0)
    sign_out(page)

    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/placements/{app.public_id}/")
    expect(page.get_by_test_id("agreement-summary")).to_contain_text("Out for signature")
    page.get_by_role("link", name="Open the learning agreement").click()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Fully signed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the signed PDF").click()
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages
    )
    dense = "".join(text.split())
    for name in ("SamRivera", "MarekNowak", "TomOkafor", "PriyaShah"):
        assert name in dense
    page.goto(f"{base}/applications/{app.public_id}/")
    page.get_by_role("button", name="Move to “Placed”").click()
    expect(page.get_by_test_id("stage")).to_contain_text("Placed")
    agreement = LearningAgreement.objects.get(pk=world["agreement"].pk)
    assert agreement.status == "signed" and agreement.signatures.count() == 4
