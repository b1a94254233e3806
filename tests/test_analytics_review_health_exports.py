"""CSV and Excel exports of the partnership review report and partnership health tables:
exact rows, small groups kept hidden, free text only for coordinators, formulas defused,
Excel files that open, and the same authorization as the pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tandem.analytics.models import HealthSnapshot
from tandem.organizations.models import Role
from tandem.partnerships.models import KPI, Commitment, CommitmentDelivery, Objective
from tandem.surveys.models import Answer, SurveyInvitation, SurveyResponse
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    member,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    today = timezone.localdate()
    inst, other_inst, partner = InstitutionFactory(), InstitutionFactory(), PartnerFactory()
    p = PartnershipFactory(title="Robotics Pathway", institutions=[inst], partners=[partner])
    objective = Objective.objects.create(partnership=p, title="Grow placements")
    KPI.objects.create(
        objective=objective,
        name="Students placed",
        unit="students",
        baseline=0,
        target=20,
        start_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 12, 31),
        status="at_risk",
        latest_value=Decimal("7.5"),
    )
    KPI.objects.create(
        objective=objective,
        name="Mentors",
        baseline=2,
        target=5,
        start_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 12, 31),
    )
    commitment = Commitment.objects.create(
        partnership=p,
        organization=partner,
        kind="funding",
        description='=HYPERLINK("http://evil")',
        amount=Decimal(1000),
        currency="GBP",
        due_date=today - dt.timedelta(days=30),
    )
    CommitmentDelivery.objects.create(
        commitment=commitment, amount=Decimal(250), delivered_on=dt.date(2026, 3, 1)
    )
    # Two surveys: one with 12 answers to its agreement question (shown), one with 3 (hidden).
    big = survey_with_questions(inst, anonymous=False)
    small = survey_with_questions(inst, anonymous=False)
    small.title = "Mentor check-in"
    small.save(update_fields=["title"])
    for survey, n in ((big, 12), (small, 3)):
        version = survey.versions.get()
        likert = version.questions.get(key="likert")
        text = version.questions.get(key="text")
        for i in range(n):
            invitation = SurveyInvitation.objects.create(
                survey=survey,
                version=version,
                email=f"c{survey.pk}-{i}@example.org",
                trigger_key=f"review:{p.public_id}:2026-06-30:{survey.pk}:{i}",
            )
            response = SurveyResponse.objects.create(
                survey=survey, version=version, invitation=invitation
            )
            value = 4 if i % 2 else 5
            Answer.objects.create(response=response, question=likert, value=value, number=value)
            if survey is big and i == 0:
                Answer.objects.create(response=response, question=text, value="@SUM(A1) great")
    HealthSnapshot.objects.create(
        partnership=p, date=today - dt.timedelta(days=2), score=None, band="watch"
    )
    HealthSnapshot.objects.create(
        partnership=p, date=today - dt.timedelta(days=1), score=42, band="at_risk"
    )
    return {
        "partnership": p,
        "coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "student": member(inst, Role.STUDENT),
        "recruiter": member(partner, Role.RECRUITER),
        "other_coordinator": member(other_inst, Role.COORDINATOR),
        "other_partner_recruiter": member(PartnerFactory(), Role.RECRUITER),
        "outsider": UserFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "today": today,
    }


def _review(cast, table, fmt="csv"):
    return reverse("analytics:review_export", args=[cast["partnership"].public_id, table, fmt])


def _health(cast, table, fmt="csv"):
    return reverse(
        "analytics:partnership_health_export", args=[cast["partnership"].public_id, table, fmt]
    )


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


# --- content ----------------------------------------------------------------------------------
def test_review_kpis_and_commitments_exact_rows(client, cast):
    client.force_login(cast["coordinator"])
    assert _csv(client.get(_review(cast, "kpis"))) == [
        ["Objective", "KPI", "Unit", "Baseline", "Target", "Latest", "Status", "Due",
         "Measured by"],
        ["Grow placements", "Students placed", "students", "0", "20", "7.5", "At risk",
         "2026-12-31", "Entered by hand"],
        ["Grow placements", "Mentors", "", "2", "5", "", "No data", "2026-12-31",
         "Entered by hand"],
    ]  # fmt: skip
    rows = _xlsx(client.get(_review(cast, "commitments", "xlsx")))
    assert rows[0][0] == "Commitments delivered"
    assert rows[1:] == [
        ["Organization", "Kind", "Commitment", "Promised", "Delivered", "Currency", "%", "Due"],
        [
            cast["partnership"].partners.get().name,
            "Funding",
            '\'=HYPERLINK("http://evil")',  # defused: the spreadsheet shows text
            1000,
            250,
            "GBP",
            25,
            dt.datetime.combine(cast["today"] - dt.timedelta(days=30), dt.time()),
        ],
    ]
    response = client.get(_review(cast, "commitments"))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="partnership-review-commitments-'
    )
    assert _csv(response)[1][2] == '\'=HYPERLINK("http://evil")'


def test_review_survey_results_keep_small_groups_hidden(client, cast):
    client.force_login(cast["educator"])
    assert _csv(client.get(_review(cast, "surveys"))) == [
        ["Survey", "Question", "Mean", "Responses"],
        ["Mentor check-in", "It was good", "*", "*"],  # 3 responses: hidden
        ["Placement feedback", "It was good", "4.5", "12"],
    ]
    rows = _xlsx(client.get(_review(cast, "surveys", "xlsx")))
    assert rows[2] == ["Mentor check-in", "It was good", "*", "*"]
    assert rows[3] == ["Placement feedback", "It was good", 4.5, 12]


@pytest.mark.parametrize(
    ("who", "status"), [("coordinator", 200), ("admin", 200), ("educator", 404),
                        ("recruiter", 404)],
)  # fmt: skip
def test_highlights_export_only_for_who_reads_them_on_the_page(client, cast, who, status):
    client.force_login(cast[who])
    page = client.get(reverse("analytics:review", args=[cast["partnership"].public_id]))
    assert ("SUM(A1) great" in page.content.decode()) is (status == 200)
    assert (_review(cast, "highlights") in page.content.decode()) is (status == 200)
    response = client.get(_review(cast, "highlights"))
    assert response.status_code == status
    if status == 200:
        assert _csv(response) == [["Comment"], ["'@SUM(A1) great"]]
        assert _xlsx(client.get(_review(cast, "highlights", "xlsx")))[1:] == [
            ["Comment"],
            ["'@SUM(A1) great"],
        ]
    else:
        assert b"great" not in response.content


def test_health_exports_exact_rows(client, cast):
    client.force_login(cast["recruiter"])
    today = cast["today"]
    assert _csv(client.get(_health(cast, "trend"))) == [
        ["Date", "Score", "Band"],
        [(today - dt.timedelta(days=2)).isoformat(), "—", "Watch"],
        [(today - dt.timedelta(days=1)).isoformat(), "42", "At risk"],
    ]
    rows = _csv(client.get(_health(cast, "components")))
    assert rows[0] == ["Component", "Points", "Weight", "Reason"]
    assert rows[1] == [
        "KPIs",
        "20",  # the one KPI with data is at risk: half of 40
        "40",
        "0 KPIs on track, 1 at risk, 0 off track (1 without data).",
    ]
    assert rows[2:] == [
        ["Engagement", "0", "20", "No meeting, call, decision or note recorded yet."],
        # 15 agreement answers, 8 fives and 7 fours: 68 / 15 = 4.53, so 18 of 20
        ["Feedback", "18", "20", "Mean agreement 4.53 of 5 from 15 responses."],
        ["Commitments", "5", "20", "0 of 1 due commitments fully delivered."],  # 25 % of 20
    ]
    xlsx = _xlsx(client.get(_health(cast, "trend", "xlsx")))
    assert xlsx[0][0] == "Daily health score"
    assert xlsx[3][1:] == [42, "At risk"]


def test_unknown_table_or_format_is_404(client, cast):
    client.force_login(cast["coordinator"])
    for url in (
        _review(cast, "actions"),
        _review(cast, "kpis", "pdf"),
        _health(cast, "nope"),
        _health(cast, "trend", "json"),
    ):
        assert client.get(url).status_code == 404, url


def test_pages_link_each_export_beside_its_table(client, cast):
    client.force_login(cast["coordinator"])
    p = cast["partnership"].public_id
    review = client.get(reverse("analytics:review", args=[p])).content.decode()
    for table in ("kpis", "commitments", "surveys", "highlights"):
        for fmt in ("csv", "xlsx"):
            assert _review(cast, table, fmt) in review
    health_page = client.get(reverse("analytics:partnership_health", args=[p])).content.decode()
    for table in ("components", "trend"):
        for fmt in ("csv", "xlsx"):
            assert _health(cast, table, fmt) in health_page


# --- authorization ----------------------------------------------------------------------------
ALLOWED = {"coordinator", "educator", "recruiter", "admin"}
WHO = [
    "anonymous",
    "outsider",
    "student",
    "other_coordinator",
    "other_partner_recruiter",
    "coordinator",
    "educator",
    "recruiter",
    "admin",
]


@pytest.mark.parametrize(
    "url",
    [
        lambda c: _review(c, "kpis"),
        lambda c: _review(c, "commitments", "xlsx"),
        lambda c: _review(c, "surveys"),
        lambda c: _health(c, "components"),
        lambda c: _health(c, "trend", "xlsx"),
    ],
    ids=["review-kpis", "review-commitments", "review-surveys", "health-components",
         "health-trend"],
)  # fmt: skip
def test_export_authorization_matrix(client, cast, url):
    target = url(cast)
    snapshots, commitments = HealthSnapshot.objects.count(), Commitment.objects.count()
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(cast[who])
        response = client.get(target)
        expected = 302 if who == "anonymous" else 200 if who in ALLOWED else 404
        assert response.status_code == expected, who
        if expected != 200:
            assert b"HYPERLINK" not in response.content and b"Grow" not in response.content
    assert (HealthSnapshot.objects.count(), Commitment.objects.count()) == (snapshots, commitments)
    client.force_login(cast["coordinator"])
    assert client.post(target).status_code == 405
