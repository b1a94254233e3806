"""Destructive and irreversible actions ask first, in a real browser under the site's
Content-Security-Policy (which blocks inline ``onclick`` handlers, so the question comes from
``data-confirm`` and tandem.js): dismissing the dialog leaves the object as it was, accepting
it performs the action. One of them (turning down an application) is an htmx form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.accounts.models import User
from tandem.applications.models import Application
from tandem.curricula import services_jobs
from tandem.curricula.models import ExtractionJob, Program
from tandem.matching import services as matching
from tandem.matching.models import MatchRound
from tandem.organizations.models import Role
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    ProgramFactory,
    application_at,
    application_cast,
    match_round_cast,
    member,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def sign_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def click_and_answer(page: Page, button, *, accept: bool) -> str:
    """Click ``button``, answer the confirmation dialog, and return its question. Fails if
    no dialog opens."""
    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", answer)
    button.click()
    if not accept:
        # A submission that slipped through would be under way by now.
        page.wait_for_timeout(500)
        page.wait_for_load_state()
    assert questions, "no confirmation dialog opened"
    return questions[0]


def test_deleting_a_program_asks_first(live_server, page):
    school = InstitutionFactory()
    program = ProgramFactory(institution=school, title="Software development")
    educator = member(school, Role.EDUCATOR)
    base = live_server.url
    sign_in(page, base, educator)
    page.goto(f"{base}/curriculum/programs/{program.public_id}/")
    delete = page.get_by_role("button", name="Delete program")

    question = click_and_answer(page, delete, accept=False)
    assert question == "Delete this program with all its courses?"
    assert Program.objects.filter(pk=program.pk).exists()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Software development")

    click_and_answer(page, delete, accept=True)
    page.wait_for_url(f"{base}/curriculum/")
    assert not Program.objects.filter(pk=program.pk).exists()


def test_cancelling_an_extraction_job_asks_first(live_server, page, settings):
    # The real database queue: the job stays queued, so it can be cancelled.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "extraction"],
        }
    }
    school = InstitutionFactory()
    program = ProgramFactory(institution=school)
    educator = member(school, Role.EDUCATOR)
    job = services_jobs.extraction_job_start(actor=educator, scope="outcomes", program=program)
    base = live_server.url
    sign_in(page, base, educator)
    page.goto(f"{base}/curriculum/extraction-jobs/{job.public_id}/")
    cancel = page.get_by_role("button", name="Cancel job")

    question = click_and_answer(page, cancel, accept=False)
    assert question.startswith("Cancel this extraction job?")
    assert ExtractionJob.objects.get(pk=job.pk).is_active

    click_and_answer(page, cancel, accept=True)
    expect(page.get_by_role("button", name="Cancel job")).to_have_count(0)
    assert not ExtractionJob.objects.get(pk=job.pk).is_active


def test_publishing_a_match_round_asks_first(live_server, page):
    cast = match_round_cast()
    now = timezone.now()
    match_round = matching.round_create(
        actor=cast.coordinator,
        institution=cast.institution,
        title="Spring rotations",
        opportunities=[cast.a, cast.b],
        student_deadline=now + dt.timedelta(days=7),
        partner_deadline=now + dt.timedelta(days=8),
    )
    matching.round_open(actor=cast.coordinator, match_round=match_round)
    matching.round_close_ranking(actor=cast.coordinator, match_round=match_round)
    matching.round_run(actor=cast.coordinator, match_round=match_round)  # runs at once here
    assert MatchRound.objects.get(pk=match_round.pk).status == "matched"
    base = live_server.url
    sign_in(page, base, cast.coordinator)
    page.goto(f"{base}/matching/rounds/{match_round.public_id}/")
    publish = page.get_by_role("button", name="Publish the result")

    question = click_and_answer(page, publish, accept=False)
    assert question.startswith("Publish the result?")
    assert MatchRound.objects.get(pk=match_round.pk).status == "matched"

    click_and_answer(page, publish, accept=True)
    expect(page.get_by_role("button", name="Publish the result")).to_have_count(0)
    assert MatchRound.objects.get(pk=match_round.pk).status == "published"


def test_turning_down_an_application_asks_first_on_the_htmx_form(live_server, page):
    cast = application_cast()
    application = application_at(cast, "submitted", with_cv=False)
    base = live_server.url
    sign_in(page, base, cast.recruiter)
    page.goto(f"{base}/applications/{application.public_id}/")
    turn_down = page.get_by_role("button", name="Turn down")

    question = click_and_answer(page, turn_down, accept=False)
    assert question.startswith("Turn down this application?")
    assert Application.objects.get(pk=application.pk).stage == "submitted"
    expect(page.get_by_test_id("stage")).to_have_text("Submitted")

    click_and_answer(page, turn_down, accept=True)
    expect(page.get_by_test_id("stage")).to_have_text("Not selected")
    assert Application.objects.get(pk=application.pk).stage == "rejected"


def test_erasing_personal_data_asks_first(live_server, page):
    school = InstitutionFactory()
    student = member(school, Role.STUDENT)
    base = live_server.url
    sign_in(page, base, student)
    page.goto(f"{base}/accounts/erase/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that my account").check()
    erase = page.get_by_role("button", name="Erase my account")

    question = click_and_answer(page, erase, accept=False)
    assert question.startswith("Erase your account and personal data?")
    student.refresh_from_db()
    assert student.is_active and student.full_name != "Erased user"

    click_and_answer(page, erase, accept=True)
    page.wait_for_url(f"{base}/accounts/login/")
    student.refresh_from_db()
    assert not student.is_active
