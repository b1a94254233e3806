"""A student pastes their CV, sees the skills found, removes a wrong one, and reads the
ranked "Opportunities for you" with matched and missing skills and the course that teaches
the missing one — in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tandem.profiles.models import ProfileSkill, RemovedSkill
from tandem.skills.services.extraction import reset_extractor
from tests.factories import PASSWORD
from tests.profiles_support import profile_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def test_student_sees_ranked_recommendations(live_server, page):
    w = profile_world()
    try:
        base = live_server.url
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("E-mail").fill(w.student.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.locator("summary", has_text="Learning").click()  # My skills sits in that group
        page.get_by_role("link", name="My skills").first.click()
        page.get_by_label("…or paste the text of your CV").fill(
            "I wrote Python tools, I like to work in teams, and I negotiate contracts."
        )
        page.get_by_role("button", name="Find skills in my CV").click()
        skills = page.locator("#profile-skills")
        expect(skills).to_contain_text("Python (computer programming)")
        expect(skills).to_contain_text("negotiate contracts")
        page.get_by_role("button", name="Remove negotiate contracts").click()
        # The skill's row is gone (the CV excerpts of the other skills still quote the words).
        expect(skills.get_by_role("rowheader", name="negotiate contracts")).to_have_count(0)
        expect(skills.get_by_role("rowheader")).to_have_count(2)
        page.get_by_text("Skills you removed").click()
        expect(page.get_by_role("button", name="Add negotiate contracts back")).to_be_visible()
        assert RemovedSkill.objects.filter(student=w.student, concept=w.negotiate).exists()
        assert ProfileSkill.objects.filter(student=w.student, source="cv").count() == 3

        page.get_by_role("link", name="For you").first.click()
        expect(page.get_by_role("heading", name="Opportunities for you")).to_be_visible()
        cards = page.locator("li.recommendation")
        expect(cards).to_have_count(3)
        first = cards.nth(0)
        expect(first.get_by_role("heading", level=2)).to_have_text("Developer internship")
        expect(first.locator(".fit")).to_have_text("Skill fit: 83%")
        expect(first.locator("ul.matched")).to_contain_text("Python (computer programming)")
        expect(first.locator("ul.matched")).to_contain_text("teamwork principles")
        missing = first.locator("ul.missing")
        expect(missing).to_contain_text("SQL")
        expect(missing.get_by_role("link", name="CS102 Databases")).to_be_visible()
        expect(cards.nth(2).get_by_role("heading", level=2)).to_have_text("Procurement internship")
    finally:
        reset_extractor()
