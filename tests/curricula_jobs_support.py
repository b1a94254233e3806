"""The world of the batch skill-extraction job tests (tests/test_curricula_extraction_jobs*.py):
an institution with a program, a course and three outcomes (one link rejected, one confirmed),
a curriculum partner, the small ESCO slice; the callers of the access matrices; and the
helpers that start a job through the page and read an outcome's links.
"""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tandem.curricula.models import OutcomeSkill
from tandem.organizations.models import Role
from tandem.skills.services.batch import reset_batch_extractor
from tandem.skills.services.extraction import reset_extractor
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    PartnerFactory,
    PartnershipFactory,
    ProgramFactory,
    UserFactory,
    member,
    small_taxonomy,
)

API = "/api/v1/curriculum"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the label-embedding cache goes under the data dir
    reset_extractor()
    reset_batch_extractor()
    concepts = small_taxonomy()
    school = InstitutionFactory()
    partner = PartnerFactory()
    p = PartnershipFactory(types=["curriculum"], status="active", institutions=[school])
    p.partners.set([partner])
    program = ProgramFactory(institution=school)
    course = CourseFactory(program=program)
    o1 = LearningOutcomeFactory(
        course=course, text="Students query a database with SQL from Python."
    )
    o2 = LearningOutcomeFactory(
        course=course, text="Students work in teams and negotiate contracts with suppliers."
    )
    o3 = LearningOutcomeFactory(course=course, text="Students cook pasta.")
    educator = member(school, Role.EDUCATOR)
    rejected = OutcomeSkill.objects.create(
        outcome=o1,
        concept=concepts["SQL"],
        status="rejected",
        decided_by=educator,
        decided_at=timezone.now(),
    )
    confirmed = OutcomeSkill.objects.create(
        outcome=o2,
        concept=concepts["teamwork principles"],
        status="confirmed",
        decided_by=educator,
        decided_at=timezone.now(),
    )
    yield {
        "concepts": concepts,
        "school": school,
        "partner": partner,
        "program": program,
        "outcomes": (o1, o2, o3),
        "educator": educator,
        "rejected": rejected,
        "confirmed": confirmed,
        "tmp": tmp_path,
    }
    reset_extractor()
    reset_batch_extractor()


def _user(world, who):
    return {
        "no-membership": UserFactory,
        "other-educator": lambda: member(InstitutionFactory(), Role.EDUCATOR),
        "student": lambda: member(world["school"], Role.STUDENT),
        "curriculum-partner": lambda: member(world["partner"], Role.RECRUITER),
        "educator": lambda: world["educator"],
        "coordinator": lambda: member(world["school"], Role.COORDINATOR),
    }[who]()


def _start(client, data):
    """POST the start form; the job is enqueued on commit and runs here (the immediate
    backend of the task queue in tests; a worker process in production)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("curricula:extraction_job_start"), data)


def _links(outcome):
    return {
        link.concept.preferred_label: (link.status, link.source, link.decided_by_id)
        for link in OutcomeSkill.objects.filter(outcome=outcome).select_related("concept")
    }


WHO = [
    "no-membership",
    "other-educator",
    "student",
    "curriculum-partner",
    "educator",
    "coordinator",
]
ALLOWED = {"educator", "coordinator"}
