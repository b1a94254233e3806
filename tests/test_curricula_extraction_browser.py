"""An educator starts a background extraction job from a program page, in a real browser, and
watches its progress section update by itself (htmx polling) until the job is done; then
confirms a skill the job suggested."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.curricula import services_jobs
from tandem.curricula.models import ExtractionJob, OutcomeSkill
from tandem.organizations.models import Role
from tandem.skills.services.batch import reset_batch_extractor
from tandem.skills.services.extraction import reset_extractor
from tests.factories import (
    PASSWORD,
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    ProgramFactory,
    member,
    small_taxonomy,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


@pytest.fixture
def world(settings, tmp_path):
    # The real database queue: starting a job only enqueues it, as in production.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "extraction"],
        }
    }
    settings.DATA_DIR = tmp_path
    reset_extractor()
    reset_batch_extractor()
    small_taxonomy()
    school = InstitutionFactory()
    program = ProgramFactory(institution=school, title="Software development")
    course = CourseFactory(program=program, code="CS101", title="Programming")
    LearningOutcomeFactory(course=course, text="Students query a database with SQL.")
    LearningOutcomeFactory(course=course, text="Students work in teams.")
    LearningOutcomeFactory(course=course, text="Students cook pasta.")
    yield member(school, Role.EDUCATOR)
    reset_extractor()
    reset_batch_extractor()


def test_educator_watches_a_job_until_it_is_done(live_server, page, world):
    educator = world
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(educator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Students").click()
    nav.get_by_role("link", name="Curriculum").click()
    page.get_by_role("link", name="Software development").click()
    page.get_by_role("button", name="Suggest skills for all outcomes (background job)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Learning outcomes of Software development"
    )
    progress = page.locator("#progress")
    expect(progress.locator("#progress-status")).to_have_text("Queued: 0 of 3 items extracted")
    expect(page.get_by_role("progressbar", name="Queued: 0 of 3 items extracted")).to_be_visible()
    assert OutcomeSkill.objects.count() == 0  # nothing ran in the request
    page.evaluate("window.stillTheSamePage = true")

    # The worker's task body, run here in the lexical mode (tests/test_curricula_extraction_
    # worker.py runs the real worker process); the page polls every 2 seconds.
    job = ExtractionJob.objects.get()
    assert services_jobs.extraction_job_run(job_id=job.pk, mode="lexical") == 3
    expect(progress.locator("#progress-status")).to_have_text(
        "Done: 3 of 3 items extracted · mode used: lexical", timeout=10_000
    )
    expect(progress).to_contain_text("Items whose skills changed")
    # Updated in place, not reloaded; and it stops polling once the job is over.
    assert page.evaluate("window.stillTheSamePage") is True
    expect(progress).not_to_have_attribute("hx-trigger", re.compile(".*"))

    page.get_by_role("link", name="Back to the program").click()
    page.get_by_role("link", name="CS101 · Programming").click()
    suggestion = OutcomeSkill.objects.get(concept__preferred_label="SQL")
    assert suggestion.status == "suggested"
    page.get_by_role("button", name="Confirm SQL").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="SQL", exact=True))
    expect(row).to_contain_text("Confirmed")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == ("confirmed", educator)
