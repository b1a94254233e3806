"""The hostile values and the world of the hostile-input corpus (tests/test_hostile_corpus.py,
tests/test_hostile_corpus_forms.py): one representative value per class, one object of each
kind owned by the world, and the fixtures and the rolled-back request they share.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from tandem.accounts.services import api_token_create
from tests.factories import (
    MINIMAL_PDF,
    LearningOutcomeFactory,
    OutcomeSkillFactory,
    application_at,
    application_cast,
    match_round_cast,
    small_taxonomy,
    survey_cast,
    survey_with_questions,
)

# --- Hostile values ---------------------------------------------------------------------------
PARAM_VALUES = {  # already URL-encoded
    "nul": "a%00b",
    "surrogate": "%ED%A0%80",
    "broken-utf8": "%FF%FE",
    "huge": "x" * 20_000,
    "date-max": "9999-12-31",
    "date-min-offset": "0001-01-01T00:00:00%2B14:00",
    "date-max-offset": "9999-12-31T23:59:59-14:00",
    "inf": "1e309",
    "below-int64": str(-(2**63) - 1),
    "over-uint64": str(2**64),
}
RAW = "\x01RAW\x01"  # marks a value spliced into the JSON text as is
BODY_VALUES: dict[str, Any] = {
    "nul": "a\x00b",
    "surrogate": "x\ud800",
    "huge": "x" * 100_000,
    "date-max": "9999-12-31",
    "date-min-offset": "0001-01-01T00:00:00+14:00",
    "date-max-offset": "9999-12-31T23:59:59-14:00",
    "inf": RAW + "1e309",
    "below-int64": -(2**63) - 1,
    "over-uint64": 2**64,
    "list": ["a\x00b", -(2**63) - 1],
    "object": {"a": "9999-12-31"},
}
WHOLE_BODIES: dict[str, tuple[str, bytes]] = {
    "deep": ("application/json", b'{"a": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"),
    "2MB": ("application/json", json.dumps({"x": "y" * (2 * 1024 * 1024)}).encode()),
    "malformed": ("application/json", b'{"a": '),
    "surrogate-key": ("application/json", b'{"\\udfff": 1}'),
    "text/plain": ("text/plain", b'{"name": "x"}'),
    "xml": ("application/xml", b"<name>x</name>"),
    "form": ("application/x-www-form-urlencoded", b"name=x&title=y"),
    "multipart": (
        "multipart/form-data; boundary=XX",
        b'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XX--\r\n',
    ),
}
BIG = b"x" * (140 * 1024)
FILES: dict[str, bytes] = {
    "nul": b"title,description,date,sector,region,email,completed_on\na\x00,b,,c,d,e,f\n",
    "cr-only": b"title,description,date,sector,region\rA,d,2026-01-01,s,r\r",
    "bare-cr": b"title,description,date,sector,region\nA\rB,d,,s,r\n",
    "huge-field": b"title,description,date,sector,region\nA," + BIG + b",,s,r\n",
    "deep-json": b"[" * 100_000,
    "random": bytes(range(256)) * 4,
    "damaged-pdf": MINIMAL_PDF[: len(MINIMAL_PDF) // 2] + b"\x00" * 64,
}
FORM_VALUES = {
    "nul": "a\x00b",
    "huge": "x" * 100_000,
    "date-max": "9999-12-31",
    "date-min-offset": "0001-01-01T00:00:00+14:00",
    "number": "1e309",
    "big-int": str(2**64),
}


# --- The world ----------------------------------------------------------------------------------
class World:
    """One object of each kind and the ids the paths need, consistent where nested."""

    def __init__(self) -> None:
        from tandem.curricula.models import ExtractionJob, PostingImport
        from tandem.matching import services as matching
        from tandem.organizations.models import Membership
        from tandem.partnerships import services as partnerships
        from tandem.partnerships.models import KPI
        from tandem.surveys import services as surveys

        concepts = small_taxonomy()
        mc = match_round_cast()
        ac = application_cast()
        sc = survey_cast()
        self.admin = ac.admin
        now = timezone.now()
        match_round = matching.round_create(
            actor=mc.coordinator,
            institution=mc.institution,
            title="Round",
            opportunities=[mc.a, mc.b, mc.c],
            student_deadline=now + dt.timedelta(days=1),
            partner_deadline=now + dt.timedelta(days=2),
        )
        kpi = KPI.objects.select_related("objective__partnership").get(pk=mc.kpi.pk)
        partnership = kpi.objective.partnership
        commitment = partnerships.commitment_create(
            actor=self.admin,
            partnership=partnership,
            organization=mc.h1,
            kind="funding",
            description="Bursaries",
            amount=1000,
            currency="GBP",
        )
        item = partnerships.action_item_create(
            actor=self.admin, partnership=partnership, description="Book rooms"
        )
        application = application_at(ac, "submitted")
        survey = survey_with_questions(sc.institution)
        invitation = surveys.invitation_create(actor=None, survey=survey, user=sc.student)
        mapping = OutcomeSkillFactory(
            outcome=LearningOutcomeFactory(), concept=next(iter(concepts.values()))
        )
        outcome = mapping.outcome
        course = outcome.course
        program = course.program
        posting_import = PostingImport.objects.create(
            institution=program.institution, filename="jobs.csv", format="csv"
        )
        job = ExtractionJob.objects.filter().first()
        token, self.raw_token = api_token_create(actor=self.admin, name="corpus")
        other_token, _raw = api_token_create(actor=self.admin, name="other")
        membership = Membership.objects.filter(organization=mc.institution).first()
        assert membership is not None
        self.ids: dict[str, str] = {
            "token_id": str(other_token.public_id),
            "org_id": str(mc.institution.public_id),
            "membership_id": str(membership.public_id),
            "partner_id": str(mc.h1.public_id),
            "institution_id": str(mc.institution.public_id),
            "partnership_id": str(partnership.public_id),
            "objective_id": str(kpi.objective.public_id),
            "kpi_id": str(kpi.public_id),
            "commitment_id": str(commitment.public_id),
            "item_id": str(item.public_id),
            "opp_id": str(application.opportunity.public_id),
            "application_id": str(application.public_id),
            "survey_id": str(survey.public_id),
            "invitation_id": str(invitation.public_id),
            "program": "Computer Science",
            "round_id": str(match_round.public_id),
            "opportunity_id": str(mc.a.public_id),
            "program_id": str(program.public_id),
            "course_id": str(course.public_id),
            "outcome_id": str(outcome.public_id),
            "mapping_id": str(mapping.public_id),
            "import_id": str(posting_import.public_id),
            "job_id": str(job.public_id) if job else str(uuid.uuid4()),
            "student_id": str(ac.student.public_id),
        }
        # Body fields that name objects (see scripts/api_fuzz.py BINDINGS).
        self.body_ids = {
            "institution_id": str(mc.institution.public_id),
            "institution": str(mc.institution.public_id),
            "host_id": str(mc.h1.public_id),
            "organization_id": str(mc.h1.public_id),
            "partnership_id": str(partnership.public_id),
            "program_id": str(program.public_id),
            "course_id": str(course.public_id),
            "student_id": str(ac.student.public_id),
            "user_id": str(ac.coordinator.public_id),
            "opportunity_id": str(mc.a.public_id),
            "import_id": str(posting_import.public_id),
        }
        self.token = token

    def url(self, path: str, replace: dict[str, str] | None = None) -> str:
        replace = replace or {}
        return re.sub(
            r"\{(\w+)\}",
            lambda m: replace.get(m.group(1), self.ids.get(m.group(1), str(uuid.uuid4()))),
            path,
        )


@pytest.fixture(autouse=True)
def _quiet_request_logs():
    """Thousands of 4xx answers are expected: don't spend the run formatting their logs."""
    loggers = [logging.getLogger(n) for n in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def world(settings) -> World:
    # Queued work (extraction, notifications) is not under test: a backend that keeps it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "whitenoise" not in m]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    return World()


def _send(client, method: str, url: str, body: bytes | None, content_type: str, **extra):
    """One request in a savepoint that is rolled back: every request meets the same world."""
    with transaction.atomic():
        response = client.generic(
            method.upper(), url, body or b"", content_type=content_type, **extra
        )
        transaction.set_rollback(True)
    return response
