"""Hires in the analytics: the funnel ends with "hired" (exact numbers, suppression, exports,
bounded queries), and mean satisfaction counts anonymous end-of-placement evaluations by the
partnership they are about, never by who gave them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tandem.analytics import metrics, selectors, tables
from tandem.analytics.pdf import review_pdf
from tandem.applications.models import Application
from tandem.applications.services import application_record_hire
from tandem.organizations.models import Role
from tandem.surveys import services as survey_services
from tandem.surveys.models import Answer, Survey, SurveyResponse
from tests.factories import (
    VALID_ANSWERS,
    InstitutionFactory,
    OpportunityFactory,
    PartnerFactory,
    PartnershipFactory,
    member,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _world(hired: int, completed_only: int):
    """One institution, one technology partner, one partnership; 12 applications in progress,
    10 holding a seat, ``completed_only`` completed without a hire and ``hired`` hired (recorded
    through the service by the host's recruiter)."""
    inst = InstitutionFactory()
    host = PartnerFactory(sector="technology")
    partnership = PartnershipFactory(institutions=[inst], partners=[host])
    opp = OpportunityFactory(host=host, partnership=partnership, status="published", seats=80)
    recruiter = member(host, Role.RECRUITER)
    stages = (
        ["submitted"] * 12
        + ["placed"] * 6
        + ["accepted"] * 4
        + ["completed"] * (completed_only + hired)
    )
    completed = []
    for stage in stages:
        student = member(inst, Role.STUDENT, program="Computing")
        app = Application.objects.create(
            opportunity=opp, student=student, institution=inst, statement="x", stage=stage
        )
        if stage == "completed":
            completed.append(app)
    for app in completed[:hired]:
        application_record_hire(
            actor=recruiter, application=app, outcome="hired", start_date=dt.date.today()
        )
    for app in completed[hired : hired + 2]:
        application_record_hire(actor=recruiter, application=app, outcome="not_hired")
    return {
        "inst": inst,
        "host": host,
        "partnership": partnership,
        "opportunity": opp,
        "completed": completed,
        "recruiter": recruiter,
        "coordinator": member(inst, Role.COORDINATOR),
    }


def _board(world, kind):
    scope = selectors.Scope(
        kind,
        organization=world["host"] if kind == "partner" else world["inst"],
        partnership=world["partnership"],
        program="Computing" if kind == "program" else "",
    )
    return selectors.dashboard(scope, selectors.Filters())


@pytest.mark.parametrize("kind", ["institution", "program", "partner", "partnership"])
def test_the_funnel_ends_with_hires(kind):
    world = _world(hired=12, completed_only=10)
    board = _board(world, kind)
    assert [(s.key, s.count, s.rate) for s in board.funnel] == [
        ("applied", 44, None),
        ("offered", 32, 72.7),
        ("placed", 32, 100.0),
        ("completed", 22, 68.8),
        ("hired", 12, 54.5),
    ]
    assert tables.OUTCOMES[-2:] == ("completed", "hired")
    assert [(r.key, r.cells, r.total) for r in board.by_sector.rows] == [
        ("technology", (12, 0, 0, 0, 10, 10, 12), 44)
    ]
    assert board.by_program.totals == (12, 0, 0, 0, 10, 10, 12)


def test_not_hired_and_unrecorded_completions_stay_completed():
    world = _world(hired=0, completed_only=10)
    board = _board(world, "institution")
    assert [(s.key, s.count) for s in board.funnel][-2:] == [("completed", 10), ("hired", 0)]


def test_a_few_hires_are_suppressed_and_cannot_be_recomputed():
    world = _world(hired=3, completed_only=19)
    board = _board(world, "institution")
    steps = {s.key: s for s in board.funnel}
    assert steps["hired"].count is None and steps["hired"].rate is None
    hired_column = tables.OUTCOMES.index("hired")
    completed_column = tables.OUTCOMES.index("completed")
    totals = board.by_sector.totals
    assert totals[hired_column] is None
    # Neither "completed minus completed-without-hire" nor the grand total gives it back.
    assert steps["completed"].count is None or totals[completed_column] is None
    assert board.by_sector.grand_total is None or None in (
        totals[i] for i in range(len(totals)) if i != hired_column
    )


def test_funnel_export_and_api_include_hires(client):
    world = _world(hired=12, completed_only=10)
    client.force_login(world["coordinator"])
    base = reverse("analytics:institution", args=[world["inst"].public_id])
    response = client.get(base + "export/funnel.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-2:] == [["Completed", "22", "68.8"], ["Hired", "12", "54.5"]]
    response = client.get(base + "export/sector.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-3:] == ["Completed, no hire recorded", "Hired", "Total"]
    assert rows[1] == ["Technology", "12", "0", "0", "0", "10", "10", "12", "44"]
    url = reverse("api:analytics_institution", kwargs={"institution_id": world["inst"].public_id})
    data = client.get(url).json()
    assert data["funnel"][-1] == {"step": "hired", "count": 12, "rate": 54.5}
    assert data["by_sector"]["rows"][0]["cells"]["hired"] == 12


def test_dashboard_page_with_hires_keeps_its_query_count(client, django_assert_max_num_queries):
    world = _world(hired=12, completed_only=10)
    client.force_login(world["coordinator"])
    url = reverse("analytics:institution", args=[world["inst"].public_id])
    client.get(url)
    with django_assert_max_num_queries(10):
        body = client.get(url).content.decode()
    assert "Hired" in body and "From application to hire" in body


# --- satisfaction from anonymous evaluations ---------------------------------------------------
def _evaluations(world, values, *, anonymous=True, apps=None):
    """Each student of ``apps`` (default: the completed ones) answers the end-of-placement
    evaluation through the service, as the trigger would invite them."""
    inst = world["inst"]
    survey = Survey.objects.filter(
        institution=inst, template_key=metrics.SATISFACTION_TEMPLATE
    ).first()
    if survey is None:
        survey = survey_with_questions(inst, anonymous=anonymous)
        survey.template_key = metrics.SATISFACTION_TEMPLATE
        survey.save(update_fields=["template_key"])
    for app, value in zip(apps or world["completed"], values, strict=False):
        invitation = survey_services.invitation_create(
            actor=None,
            survey=survey,
            user=app.student,
            trigger_key=f"placement-end:{app.public_id}:student",
        )
        survey_services.response_submit(
            actor=app.student, invitation=invitation, data={**VALID_ANSWERS, "likert": str(value)}
        )
    return survey


def test_anonymous_responses_keep_the_partnership_and_host_but_not_the_person():
    world = _world(hired=0, completed_only=10)
    _evaluations(world, [5] * 10)
    responses = SurveyResponse.objects.all()
    assert responses.count() == 10
    assert set(
        responses.values_list("respondent", "invitation", "about_partnership", "about_host")
    ) == {(None, None, world["partnership"].pk, world["host"].pk)}


def test_mean_satisfaction_counts_anonymous_evaluations():
    world = _world(hired=0, completed_only=12)
    _evaluations(world, [5, 4, 4, 3, 5, 5, 4, 2, 5])
    assert metrics.mean_satisfaction(world["partnership"], TODAY) is None  # 9 responses
    _evaluations(world, [4], apps=world["completed"][9:10])
    # Another partnership's anonymous evaluations do not count.
    other = _world(hired=0, completed_only=10)
    _evaluations(other, [1] * 10)
    assert metrics.mean_satisfaction(world["partnership"], TODAY) == Decimal("4.10")
    assert metrics.mean_satisfaction(other["partnership"], TODAY) == Decimal("1.00")


def test_partner_and_partnership_ratings_count_anonymous_evaluations():
    world = _world(hired=0, completed_only=10)
    _evaluations(world, [5, 4, 4, 3, 5, 5, 4, 2, 5, 4])
    month = SurveyResponse.objects.values_list("submitted_on", flat=True).first().replace(day=1)
    for kind in ("partner", "partnership"):
        ratings = _board(world, kind).ratings
        assert [(p.month, p.mean, p.responses) for p in ratings] == [
            (month, Decimal("4.10"), 10)
        ], kind


def test_review_report_counts_anonymous_scores_but_never_their_free_text():
    world = _world(hired=0, completed_only=10)
    _evaluations(world, [4] * 10)
    report = selectors.review_report(world["coordinator"], world["partnership"], today=TODAY)
    likert = [r for r in report.survey_results if r.question == "It was good"]
    assert [(r.mean, r.responses) for r in likert] == [(Decimal("4.00"), 10)]
    assert report.highlights == ()  # "Great team" was written anonymously
    assert Answer.objects.filter(value="Great team").count() == 10
    pdf = review_pdf(report)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "It was good" in text and "Great team" not in text
