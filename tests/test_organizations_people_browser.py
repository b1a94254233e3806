"""In a real browser: a company signs up as a partner, confirms its address through the
e-mailed link and asks an institution to work with it; the institution's coordinator sees the
warning signs and approves it. And a coordinator invites people from a CSV file: a bad file
is refused line by line, a good one previewed and sent."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tandem.organizations.models import Invitation, Organization, PartnerVetting
from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]

UNLABELED = """() => [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]
    .filter(el => el.offsetParent !== null)
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map(el => el.name)"""


def _sign_in(page, base, email, password=PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_partner_signs_up_and_coordinator_approves(live_server, page, browser, settings):
    settings.SITE_URL = live_server.url
    base = live_server.url
    college = InstitutionFactory(name="Riverside Community College")
    coordinator = UserFactory(email="coord@example.org", full_name="Cora Coordinator")
    MembershipFactory(user=coordinator, organization=college, role="coordinator")

    company = browser.new_context()
    signer = company.new_page()
    try:
        signer.goto(f"{base}/organizations/partners/signup/")
        assert signer.evaluate(UNLABELED) == []
        signer.get_by_label("Full name").fill("Ann Owner")
        signer.get_by_label("Work e-mail address").fill("ann@gmail.com")
        signer.fill("#id_password1", "a long and good passphrase 42")
        signer.fill("#id_password2", "a long and good passphrase 42")
        signer.get_by_label("Organization name").fill("Acme Robotics")
        signer.get_by_label("Sector").select_option("technology")
        signer.get_by_label("Website").fill("https://acme-robotics.com")
        signer.get_by_label("Sites").fill("Main plant, Leeds")
        signer.get_by_label("Riverside Community College").check()
        signer.get_by_role("button", name="Sign up").click()
        signer.wait_for_selector("text=Check your e-mail")
        assert len(mail.outbox) == 1
        link = re.search(
            r"https?://\S+/organizations/partners/signup/confirm/\w+/", mail.outbox[0].body
        )
        assert link
        signer.goto(link.group(0))
        signer.get_by_role("button", name="Confirm and create my account").click()
        signer.wait_for_selector("text=Acme Robotics is registered")
    finally:
        company.close()
    partner = Organization.objects.get(name="Acme Robotics")
    assert PartnerVetting.objects.get(institution=college, partner=partner).status == "pending"

    _sign_in(page, base, "coord@example.org")
    page.goto(f"{base}/organizations/vetting/?status=pending")
    row = page.locator("tr", has_text="Acme Robotics")
    assert "free e-mail provider" in row.inner_text()
    row.get_by_role("button", name="Approve").click()
    page.wait_for_selector("text=Acme Robotics: Approved.")
    assert PartnerVetting.objects.get(institution=college, partner=partner).status == "approved"


def test_coordinator_invites_from_a_csv_file(live_server, page, tmp_path):
    base = live_server.url
    college = InstitutionFactory(name="Riverside Community College")
    coordinator = UserFactory(email="coord@example.org", full_name="Cora Coordinator")
    MembershipFactory(user=coordinator, organization=college, role="coordinator")
    bad = tmp_path / "bad.csv"
    bad.write_text("email,role\nann@example.org,student\nnot-an-address,student\n")
    good = tmp_path / "good.csv"
    good.write_text(
        "email,role,program\nann@example.org,student,Nursing\nben@example.org,educator,\n"
    )

    _sign_in(page, base, "coord@example.org")
    page.goto(f"{base}/organizations/{college.public_id}/")
    page.get_by_role("link", name="Invite people from a CSV file").first.click()
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("#import-errors")
    assert "Line 3:" in page.inner_text("#import-errors")
    assert page.get_by_role("button", name=re.compile("^Send")).count() == 0
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Send 2 invitations").click()
    page.wait_for_selector("text=2 invitation(s) sent.")
    assert "ann@example.org" in page.inner_text("main")
    assert page.evaluate(UNLABELED) == []
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "ann@example.org",
        "ben@example.org",
    }
