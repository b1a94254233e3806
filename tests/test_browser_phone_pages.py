"""The pages of skills profiles, completions, applications, the curriculum and extraction jobs
on a phone-sized screen, in a real browser: nothing scrolls sideways (a wide table scrolls
inside its own box, a select with long options fits the screen) and every visible form
control has an accessible name."""

from __future__ import annotations

import pytest

from tandem.applications.models import Application
from tandem.curricula import services_jobs
from tandem.profiles import services
from tandem.skills.services.extraction import reset_extractor
from tests.factories import PASSWORD
from tests.profiles_support import YESTERDAY, profile_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]
    .filter(el => el.offsetParent !== null)
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') &&
                  !el.getAttribute('aria-labelledby'))
    .map(el => el.name)"""


def _check(page, base, paths):
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
        assert page.evaluate(UNLABELLED) == [], f"{path} has unlabelled controls"


def _sign_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_new_pages_fit_a_phone(live_server, browser):
    w = profile_world()
    try:
        # Real names and course titles are long: the completions table is wider than the
        # screen and scrolls in its box (its hidden "Actions" header widened the page).
        w.student.full_name = "Alexandra Montgomery-Richardson"
        w.student.save(update_fields=["full_name"])
        w.python_course.title = "Programming fundamentals for security analysts"
        w.python_course.save(update_fields=["title"])
        # A select is as wide as its longest option (the applications' opportunity filter).
        w.dev_job.title = "Cloud operations apprenticeship (January 2027 intake), Leeds"
        w.dev_job.save(update_fields=["title"])
        Application.objects.create(
            opportunity=w.dev_job, student=w.student, institution=w.institution, statement="x"
        )
        services.course_completion_record(
            actor=w.educator,
            student=w.student,
            course=w.python_course,
            completed_on=YESTERDAY,
            grade="A",
        )
        program = w.python_course.program
        job = services_jobs.extraction_job_start(
            actor=w.educator, scope="outcomes", program=program
        )
        base = live_server.url
        # A 390 px wide window: a phone, or a desktop browser zoomed in (WCAG reflow).
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            _sign_in(page, base, w.student)
            _check(
                page,
                base,
                [
                    "/profiles/",
                    "/profiles/opportunities/",
                    "/profiles/skills/add/",
                    "/applications/",
                ],
            )
            context.clear_cookies()
            _sign_in(page, base, w.educator)
            _check(
                page,
                base,
                [
                    "/profiles/completions/",
                    f"/profiles/students/{w.student.public_id}/",
                    "/curriculum/",
                    f"/curriculum/programs/{program.public_id}/",
                    f"/curriculum/programs/{program.public_id}/gap/",
                    f"/curriculum/courses/{w.python_course.public_id}/",
                    "/curriculum/extraction-jobs/",
                    f"/curriculum/extraction-jobs/{job.public_id}/",
                ],
            )
        finally:
            context.close()
    finally:
        reset_extractor()
