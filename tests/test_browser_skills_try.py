"""The "Try the skill extractor" page in a real browser: a student reaches it from the
Learning navigation group, pastes a text and sees the skills with their evidence
highlighted, and the ESCO credit."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tandem.skills.models import SkillConcept, SkillLabel
from tandem.skills.services import reset_extractor
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.test_browser_notifications import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def test_a_student_tries_the_extractor(page: Page, live_server):
    reset_extractor()
    for label, alt in (("negotiate contracts", "contract bargaining"), ("Python", "Python3")):
        cid = uuid.uuid4()
        c = SkillConcept.objects.create(
            uri=f"http://data.europa.eu/esco/skill/{cid}", esco_id=cid, preferred_label=label
        )
        SkillLabel.objects.create(concept=c, label=label, search=label.lower(), is_preferred=True)
        SkillLabel.objects.create(concept=c, label=alt, search=alt.lower())
    college = InstitutionFactory(name="Riverside Community College", slug="riverside")
    student = UserFactory(email="student@example.org", full_name="Sam Rivera")
    MembershipFactory(user=student, organization=college, role="student")

    sign_in(page, live_server.url, "student@example.org")
    page.get_by_text("Learning", exact=True).click()
    page.get_by_role("link", name="Try the skill extractor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Try the skill extractor")
    page.get_by_role("textbox", name="Text", exact=True).fill(
        "You will negotiate contracts with our suppliers."
    )
    page.get_by_role("button", name="Extract skills").click()
    skills = page.get_by_test_id("extracted-skills")
    expect(skills).to_contain_text("negotiate contracts")
    expect(page.get_by_test_id("extracted-text").locator("mark")).to_have_text(
        "negotiate contracts"
    )
    expect(page.locator(".esco-credit")).to_contain_text("ESCO classification")
    reset_extractor()
