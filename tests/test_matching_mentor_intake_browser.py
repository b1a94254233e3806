"""In a real browser: a student finds a mentoring program through the navigation and
applies; the coordinator approves the application, computes the pairs with "at least one
shared language" on, and sees the pairs with their reasons and the mentee who cannot be
paired, with why."""

from __future__ import annotations

import pytest

from tandem.matching import services
from tandem.matching.models import MentorPair, ProgramApplication
from tandem.organizations.models import Membership, Role
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    member,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_student_applies_coordinator_approves_and_matches_with_shared_language(live_server, page):
    inst = InstitutionFactory(name="Alder College")
    partner = PartnerFactory(name="Cedar Health")
    PartnershipFactory(institutions=[inst], partners=[partner])
    coordinator = member(inst, Role.COORDINATOR)
    student = member(inst, Role.STUDENT, user=UserFactory(full_name="Nia Nurse"), program="Nursing")
    program = services.program_create(
        actor=coordinator,
        institution=inst,
        title="Alder mentoring",
        goals="Every nursing student meets a nurse.",
    )
    mentor = member(partner, Role.MENTOR, user=UserFactory(full_name="Maya Mentor"))
    services.mentor_add(
        actor=coordinator,
        program=program,
        membership=Membership.objects.get(user=mentor),
        capacity=2,
        skills=["wound care"],
        languages=["English"],
        availability=["tue-evening", "thu-evening"],
    )
    services.mentee_add(
        actor=coordinator,
        program=program,
        student=member(inst, Role.STUDENT, user=UserFactory(full_name="Gerd German")),
        languages=["German"],
        availability=["tue-evening"],
    )

    # The student finds the program in the navigation and applies.
    _sign_in(page, live_server, student)
    page.locator("summary", has_text="Opportunities").click()  # the group that holds it
    page.get_by_role("link", name="Mentoring programs").click()
    page.get_by_role("link", name="Apply to Alder mentoring").click()
    page.get_by_label("Skills").fill("wound care, patient care")
    page.get_by_label("Languages").fill("English, French")
    page.get_by_label("Tue evening").check()
    page.get_by_role("button", name="Send my application").click()
    page.get_by_text("Application sent").wait_for()
    assert "Waiting for a decision" in page.get_by_test_id("my-application-status").inner_text()
    application = ProgramApplication.objects.get(user=student)
    assert application.availability == ["tue-evening"]
    assert application.languages == ["English", "French"]

    # The coordinator approves it from the queue.
    page.context.clear_cookies()
    _sign_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/matching/programs/{program.public_id}/")
    page.get_by_test_id("applications-link").click()
    page.get_by_role("button", name="Approve Nia Nurse").click()
    page.get_by_text("Nia Nurse is approved and enters the matching.").wait_for()

    # ... and computes the pairs with "at least one shared language" on.
    page.goto(f"{live_server.url}/matching/programs/{program.public_id}/")
    unmatchable = page.get_by_test_id("unmatchable").inner_text()
    assert "Gerd German: no mentor shares a language" in unmatchable
    language = page.get_by_label("At least one shared language")
    assert language.is_checked()
    page.get_by_role("button", name="Compute the best pairs").click()
    page.get_by_test_id("pairs").wait_for()
    pairs = page.get_by_test_id("pairs").inner_text()
    assert "Nia Nurse" in pairs and "Maya Mentor" in pairs
    assert "both speak English" in pairs and "can teach 1 skill the mentee wants" in pairs
    assert "Gerd German" not in pairs
    assert "1 of 2 mentees paired" in page.get_by_test_id("program-stats").inner_text()
    assert "Gerd German" in page.get_by_test_id("unpaired-reasons").inner_text()
    pair = MentorPair.objects.get(program=program)
    assert pair.mentee.student == student
