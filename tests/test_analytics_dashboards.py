"""Dashboards: suppression of the outcome tables and funnel (pure), exact numbers on
hand-built data, filters, exports, bounded queries, and who may open what."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tandem.analytics import selectors, tables
from tandem.applications.models import Application
from tandem.organizations.models import Membership, Role
from tandem.surveys.models import Answer, SurveyResponse
from tests.factories import (
    InstitutionFactory,
    OpportunityFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    member,
    survey_with_questions,
)


# --- pure: tables and funnel --------------------------------------------------------------------
def test_funnel_from_a_clean_table():
    counts = {"technology": [12, 0, 0, 0, 10, 10, 0]}
    table = tables.outcome_tables({"sector": counts})["sector"]
    assert table.rows[0].cells == (12, 0, 0, 0, 10, 10, 0)
    assert table.grand_total == 32
    steps = tables.funnel(table)
    assert [(s.key, s.count, s.rate) for s in steps] == [
        ("applied", 32, None),
        ("offered", 20, 62.5),
        ("placed", 20, 100.0),
        ("completed", 10, 50.0),
        ("hired", 0, 0.0),
    ]


def test_small_groups_merge_into_other_and_only_what_reveals_them_is_hidden():
    counts = {"technology": [12, 0, 0, 0, 10, 10, 0], "health_care": [3, 0, 0, 0, 0, 0, 0]}
    result = tables.outcome_tables({"sector": counts, "program": {"": [15, 0, 0, 0, 10, 10, 0]}})
    sector = result["sector"]
    assert [r.key for r in sector.rows] == ["technology", tables.OTHER]
    # The small group (3) is hidden with its total. With the shown column total (15) and grand
    # total (35), technology's first cell and its row total would give the 3 back, so they
    # are hidden too — and nothing else: the column totals, the grand total, the program
    # table and the whole funnel stay visible.
    assert [(r.cells, r.total) for r in sector.rows] == [
        ((None, 0, 0, 0, 10, 10, 0), None),
        ((None, 0, 0, 0, 0, 0, 0), None),
    ]
    assert sector.totals == (15, 0, 0, 0, 10, 10, 0)
    assert sector.grand_total == 35
    program = result["program"]
    assert program.totals == sector.totals and program.grand_total == 35
    assert [(r.cells, r.total) for r in program.rows] == [((15, 0, 0, 0, 10, 10, 0), 35)]
    steps = {s.key: s.count for s in tables.funnel(sector)}
    assert steps == {"applied": 35, "offered": 20, "placed": 20, "completed": 10, "hired": 0}


def test_group_counts_maps_stages_to_outcomes():
    rows = [("a", "submitted", 2), ("a", "interview", 1), ("a", "accepted", 4), ("a", "x", 9)]
    assert tables.group_counts(rows) == {"a": [3, 0, 0, 0, 4, 0, 0]}


# --- a hand-built institution -------------------------------------------------------------------
TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def world(db):
    inst, other_inst = InstitutionFactory(), InstitutionFactory()
    host = PartnerFactory(sector="technology")
    partnership = PartnershipFactory(institutions=[inst], partners=[host])
    opp = OpportunityFactory(host=host, partnership=partnership, status="published", seats=50)
    stages = ["completed"] * 10 + ["placed"] * 6 + ["accepted"] * 4 + ["submitted"] * 12
    students = []
    for stage in stages:
        student = member(inst, Role.STUDENT, program="Computing")
        students.append(student)
        Application.objects.create(
            opportunity=opp, student=student, institution=inst, statement="x", stage=stage
        )
    survey = survey_with_questions(inst, anonymous=False)
    version = survey.versions.get()
    likert = version.questions.get(key="likert")
    for i, value in enumerate([5, 4, 4, 3, 5, 5, 4, 2, 5, 4]):
        response = SurveyResponse.objects.create(
            survey=survey, version=version, respondent=students[i], submitted_on=dt.date(2026, 5, 3)
        )
        Answer.objects.create(response=response, question=likert, value=value, number=value)
    for i in range(3):
        response = SurveyResponse.objects.create(
            survey=survey, version=version, respondent=students[i], submitted_on=dt.date(2026, 6, 3)
        )
        Answer.objects.create(response=response, question=likert, value=1, number=1)
    return {
        "inst": inst,
        "host": host,
        "partnership": partnership,
        "coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "student": students[0],
        "other_coordinator": member(other_inst, Role.COORDINATOR),
        "recruiter": member(host, Role.RECRUITER),
        "supervisor": member(host, Role.SUPERVISOR),
        "other_partner_recruiter": member(PartnerFactory(), Role.RECRUITER),
        "outsider": UserFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }


def _board(world, kind="institution", **filters):
    scope = selectors.Scope(
        kind,
        organization=world["host"] if kind == "partner" else world["inst"],
        partnership=world["partnership"],
        program="Computing" if kind == "program" else "",
    )
    return selectors.dashboard(scope, selectors.Filters(**filters))


@pytest.mark.parametrize("kind", ["institution", "program", "partner", "partnership"])
def test_dashboard_numbers_are_exact(world, kind):
    board = _board(world, kind)
    assert [(s.key, s.count) for s in board.funnel] == [
        ("applied", 32),
        ("offered", 20),
        ("placed", 20),
        ("completed", 10),
        ("hired", 0),
    ]
    assert [(r.key, r.cells, r.total) for r in board.by_sector.rows] == [
        ("technology", (12, 0, 0, 0, 10, 10, 0), 32)
    ]
    assert [(r.key, r.total) for r in board.by_program.rows] == [("Computing", 32)]


def test_ratings_by_month_hide_small_months(world):
    board = _board(world)
    assert [(p.month, p.mean, p.responses) for p in board.ratings] == [
        (dt.date(2026, 5, 1), Decimal("4.10"), 10),
        (dt.date(2026, 6, 1), None, None),
    ]


def test_filters_narrow_the_numbers(world):
    assert _board(world, sector="health_care").funnel[0].count == 0
    assert _board(world, program="History").funnel[0].count == 0
    future = timezone.localdate() + dt.timedelta(days=1)
    assert _board(world, date_from=future).funnel[0].count == 0
    assert _board(world, date_to=future).funnel[0].count == 32
    assert _board(world, date_to=dt.date(2026, 5, 31)).ratings[0].responses == 10


# --- pages --------------------------------------------------------------------------------------
def _url(world, kind, suffix=""):
    if kind == "program":
        base = reverse("analytics:program", args=[world["inst"].public_id, "Computing"])
    elif kind == "partner":
        base = reverse("analytics:partner", args=[world["host"].public_id])
    elif kind == "partnership":
        base = reverse("analytics:partnership", args=[world["partnership"].public_id])
    else:
        base = reverse("analytics:institution", args=[world["inst"].public_id])
    return base + suffix


MATRIX = {
    "institution": {"coordinator", "educator", "admin"},
    "program": {"coordinator", "educator", "admin"},
    "partner": {"recruiter", "admin"},
    "partnership": {"coordinator", "educator", "recruiter", "supervisor", "admin"},
}
WHO = [
    "anonymous",
    "outsider",
    "student",
    "other_coordinator",
    "other_partner_recruiter",
    "coordinator",
    "educator",
    "recruiter",
    "supervisor",
    "admin",
]


@pytest.mark.parametrize("kind", list(MATRIX))
@pytest.mark.parametrize("suffix", ["", "export/funnel.csv"])
def test_dashboard_authorization_matrix(client, world, kind, suffix):
    url = _url(world, kind, suffix)
    applications = Application.objects.count()
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(world[who])
        response = client.get(url)
        expected = 302 if who == "anonymous" else 200 if who in MATRIX[kind] else 404
        assert response.status_code == expected, (who, kind, suffix)
    assert Application.objects.count() == applications


def test_dashboard_page_shows_charts_and_tables(client, world):
    client.force_login(world["coordinator"])
    body = client.get(_url(world, "institution")).content.decode()
    assert body.count("<svg") == 3
    assert body.count("<table") == 4
    assert "Outcomes by sector" in body and "Technology" in body
    assert "/programs/Computing/" in body


def test_dashboard_queries_are_bounded(client, world, django_assert_max_num_queries):
    client.force_login(world["coordinator"])
    client.get(_url(world, "institution"))  # warm caches (session, content types)
    with django_assert_max_num_queries(10):
        assert client.get(_url(world, "institution")).status_code == 200


def test_export_csv_and_excel(client, world):
    client.force_login(world["coordinator"])
    response = client.get(_url(world, "institution", "export/sector.csv"))
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Sector"
    assert rows[1] == ["Technology", "12", "0", "0", "0", "10", "10", "0", "32"]
    response = client.get(_url(world, "institution", "export/funnel.xlsx?sector=technology"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1] == ["Step", "Applications", "Share of previous step (%)"]
    assert values[2] == ["Applied", 32, None]  # blank cell
    assert values[3] == ["Offered a place", 20, 62.5]
    for table in ("program", "ratings"):
        for fmt in ("csv", "xlsx"):
            assert (
                client.get(_url(world, "institution", f"export/{table}.{fmt}")).status_code == 200
            )
    assert client.get(_url(world, "institution", "export/nope.csv")).status_code == 404


def test_export_defuses_formulas(client, world):
    Membership.objects.filter(role=Role.STUDENT).update(program="=HYPERLINK(1)")
    client.force_login(world["coordinator"])
    response = client.get(_url(world, "institution", "export/program.xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=3, column=1).value == "'=HYPERLINK(1)"


def test_index_lists_only_own_dashboards(client, world):
    client.force_login(world["recruiter"])
    body = client.get(reverse("analytics:index")).content.decode()
    assert str(world["host"].public_id) in body
    assert str(world["inst"].public_id) not in body
    client.force_login(world["outsider"])
    assert "There is no dashboard" in client.get(reverse("analytics:index")).content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("date_from=03/05/2026", "date_from", "Enter a date as YYYY-MM-DD"),
        ("date_to=2026-13-40", "date_to", "Enter a date as YYYY-MM-DD"),
        ("date_from=2026-06-01&date_to=2026-05-01", "date_to", "end date is before the start"),
        ("sector=not-a-sector", "sector", "Select a valid choice"),
        ("program=History", "program", "No student of this institution is in this program"),
    ],
)
def test_bad_filters_are_a_400_with_the_fields_message(client, world, query, field, message):
    client.force_login(world["coordinator"])
    response = client.get(_url(world, "institution") + "?" + query)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body and message in body
    # No numbers under a filter the reader did not get.
    assert "<table" not in body and "<svg" not in body
    export = client.get(_url(world, "institution", "export/funnel.csv") + "?" + query)
    assert export.status_code == 400
    assert field in export.content.decode()


def test_iso_filters_still_narrow_the_page(client, world):
    client.force_login(world["coordinator"])
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.get(_url(world, "institution") + f"?date_from={future}")
    assert response.status_code == 200
    assert 'value="' + future + '"' in response.content.decode()


def test_a_bad_filter_keeps_every_filter_in_the_form_to_correct_it(client, world):
    """On a 400 the program filter stayed out of the form: the reader could not see or
    change it, and correcting the date dropped it."""
    client.force_login(world["coordinator"])
    url = _url(world, "institution") + "?date_from=2026-13-45&sector=technology&program=Computing"
    response = client.get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert '<select name="program" id="id_program">' in body
    assert '<option value="Computing" selected>Computing</option>' in body
    assert '<option value="technology" selected>' in body


def test_program_filter_and_funnel_chart_on_a_good_request(client, world):
    client.force_login(world["coordinator"])
    response = client.get(_url(world, "institution") + "?program=Computing")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="Computing" selected>Computing</option>' in body
    # The chart is named like its table: the funnel ends with hires.
    assert "From application to completion" not in body
    assert body.count("From application to hire") >= 3  # heading, chart, table caption
    # Partner dashboards have no program filter, and do not check the parameter.
    client.force_login(world["recruiter"])
    partner = client.get(_url(world, "partner") + "?program=History")
    assert partner.status_code == 200 and 'id="id_program"' not in partner.content.decode()


def test_dashboard_query_count_does_not_grow_with_the_data(client, world):
    # The same number of queries for the world as built and for one with twice its rows:
    # another host of another sector, another program, twice the applications and ratings.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries() -> int:
        client.get(_url(world, "institution"))  # warm caches (session, content types)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(world, "institution"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    client.force_login(world["coordinator"])
    small = count_queries()
    inst = world["inst"]
    host = PartnerFactory(sector="health_care")
    partnership = PartnershipFactory(institutions=[inst], partners=[host])
    opp = OpportunityFactory(host=host, partnership=partnership, status="published", seats=50)
    survey = survey_with_questions(inst, anonymous=False)
    version = survey.versions.get()
    likert = version.questions.get(key="likert")
    stages = ["completed"] * 10 + ["placed"] * 6 + ["accepted"] * 4 + ["submitted"] * 12
    for stage in stages:
        student = member(inst, Role.STUDENT, program="Nursing")
        Application.objects.create(
            opportunity=opp, student=student, institution=inst, statement="x", stage=stage
        )
        response = SurveyResponse.objects.create(
            survey=survey, version=version, respondent=student, submitted_on=dt.date(2026, 4, 3)
        )
        Answer.objects.create(response=response, question=likert, value=4, number=4)
    board = _board(world)
    assert board.funnel[0].count == 64
    assert {r.key for r in board.by_program.rows} == {"Computing", "Nursing"}
    assert client.get(_url(world, "institution")).content.decode().count("Nursing") >= 1
    assert count_queries() == small


@pytest.mark.django_db
def test_a_program_name_with_a_nul_character_is_refused(client):
    # PostgreSQL cannot compare text with NUL in it: before this was refused, a 500 there.
    # The NUL guard (tandem.core.input_guard) answers 400 before the view runs.
    inst = InstitutionFactory()
    client.force_login(member(inst, Role.COORDINATOR))
    base = f"/analytics/institutions/{inst.public_id}/programs/a%00b/"
    assert client.get(base).status_code == 400
    assert client.get(base + "export/funnel.csv").status_code == 400
    assert client.get(reverse("analytics:program", args=[inst.public_id, "ab"])).status_code == 200
