"""CSV and Excel exports of a survey's results page: the summary by question and the table
beside each question, with the page's suppression and free-text rules, formulas defused, and
the page's authorization."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tandem.surveys import services
from tandem.surveys.models import Answer, SurveyResponse
from tests.factories import VALID_ANSWERS, survey_cast, survey_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    services.question_add(
        actor=None, survey=survey, key="formula", text="=HYPERLINK(1)", type="single",
        options=[{"value": "x", "label": "+cmd"}, {"value": "y", "label": "Y"}],
    )  # fmt: skip
    services.survey_publish(actor=None, survey=survey)
    for i in range(12):
        inv = services.invitation_create(actor=None, survey=survey, email=f"p{i}@example.com")
        data = {
            **VALID_ANSWERS,
            "likert": "5" if i < 2 else "4",  # 10 fours and 2 fives
            "text": "=1+2" if i == 0 else "Great team",
            "formula": "x",
        }
        services.response_submit(actor=None, invitation=inv, data=data, by_link=True)
    return cast, survey


def _url(survey, key, fmt="csv"):
    if key == "summary":
        return reverse("surveys:results_export", args=[survey.public_id, fmt])
    return reverse("surveys:results_question_export", args=[survey.public_id, key, fmt])


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_summary_exact_rows(client, world):
    cast, survey = world
    client.force_login(cast.educator)
    assert _csv(client.get(_url(survey, "summary"))) == [
        ["Question", "Answers", "Average", "Outcome rate (%)", "NPS"],
        ["It was good", "12", "4.17", "", ""],
        ["Recommend?", "12", "9.0", "", "100"],
        ["Would you return?", "12", "", "", ""],
        ["What helped?", "12", "", "", ""],
        ["Hours", "12", "12.0", "", ""],
        ["Comments", "12", "", "", ""],
        ["Skills", "12", "", "", ""],
        ["Why not?", "0", "", "", ""],
        ["'=HYPERLINK(1)", "12", "", "", ""],
    ]
    rows = _xlsx(client.get(_url(survey, "summary", "xlsx")))
    assert rows[1][:3] == ["Question", "Answers", "Average"]
    assert rows[2][:3] == ["It was good", 12, 4.17]


def test_question_tables_keep_suppression(client, world):
    cast, survey = world
    client.force_login(cast.educator)
    # Two fives (< 10) are hidden; beside a shown average the whole distribution is hidden,
    # as on the page.
    assert _csv(client.get(_url(survey, "likert"))) == [
        ["Answer", "Count"],
        ["1", "<10"],
        ["2", "<10"],
        ["3", "<10"],
        ["4", "<10"],
        ["5", "<10"],
    ]
    assert _csv(client.get(_url(survey, "single"))) == [["Answer", "Count"], ["Yes", "12"],
                                                        ["No", "0"]]  # fmt: skip
    assert _csv(client.get(_url(survey, "skills"))) == [
        ["Skill", "Ratings", "Average (1–5)"],
        ["teamwork", "12", "5.0"],
        ["sql", "0", "—"],
    ]
    rows = _xlsx(client.get(_url(survey, "likert", "xlsx")))
    assert rows == [["It was good", None], ["Answer", "Count"]] + [
        [str(n), "<10"] for n in range(1, 6)
    ]
    page = client.get(reverse("surveys:results", args=[survey.public_id])).content.decode()
    for key in ("likert", "nps", "single", "multiple", "skills", "formula"):
        assert _url(survey, key) in page and _url(survey, key, "xlsx") in page
    assert _url(survey, "summary") in page
    assert _url(survey, "number") not in page  # no table beside it: nothing to export
    assert client.get(_url(survey, "number")).status_code == 404
    assert client.get(_url(survey, "nope")).status_code == 404
    assert client.get(_url(survey, "likert", "pdf")).status_code == 404


def test_formulas_are_defused_in_captions_labels_and_free_text(client, world):
    cast, survey = world
    client.force_login(cast.coordinator)
    rows = _xlsx(client.get(_url(survey, "formula", "xlsx")))
    assert rows[0][0] == "'=HYPERLINK(1)"  # the caption is the question's text
    assert rows[2] == ["'+cmd", 12]
    assert _csv(client.get(_url(survey, "formula")))[1] == ["'+cmd", "12"]
    texts = _csv(client.get(_url(survey, "text")))
    assert texts[0] == ["Answer"]
    assert sorted(r[0] for r in texts[1:]) == ["'=1+2"] + ["Great team"] * 11


def test_free_text_export_only_for_who_reads_it_on_the_page(client, world):
    cast, survey = world
    for who, status in (("coordinator", 200), ("educator", 404)):
        client.force_login(getattr(cast, who))
        page = client.get(reverse("surveys:results", args=[survey.public_id])).content.decode()
        assert ("Great team" in page) is (status == 200)
        assert (_url(survey, "text") in page) is (status == 200)
        for fmt in ("csv", "xlsx"):
            response = client.get(_url(survey, "text", fmt))
            assert response.status_code == status
            if status == 404:
                assert b"Great team" not in response.content


def test_anonymous_survey_under_its_minimum_exports_nothing(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, anonymous=True, min_responses=3)
    for i in range(2):
        inv = services.invitation_create(actor=None, survey=survey, email=f"a{i}@example.com")
        services.response_submit(actor=None, invitation=inv, data=VALID_ANSWERS, by_link=True)
    client.force_login(cast.coordinator)
    assert _csv(client.get(_url(survey, "summary"))) == [
        ["Question", "Answers", "Average", "Outcome rate (%)", "NPS"]
    ]
    for key in ("likert", "single", "text"):
        assert client.get(_url(survey, key)).status_code == 404


ALLOWED = {"coordinator", "educator", "admin"}
WHO = ["anonymous", "outsider", "student", "other_coordinator", "recruiter", "educator",
       "coordinator", "admin"]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "fmt"), [("summary", "csv"), ("summary", "xlsx"), ("single", "csv"),
                     ("skills", "xlsx")],
)  # fmt: skip
def test_export_authorization_matrix(client, world, key, fmt):
    cast, survey = world
    url = _url(survey, key, fmt)
    counts = (SurveyResponse.objects.count(), Answer.objects.count())
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(cast.role(who))
        response = client.get(url)
        expected = 302 if who == "anonymous" else 200 if who in ALLOWED else 404
        assert response.status_code == expected, who
        if expected != 200:
            assert b"Would you return" not in response.content
    assert (SurveyResponse.objects.count(), Answer.objects.count()) == counts


def test_export_queries_do_not_grow_with_responses(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cast, survey = world
    client.force_login(cast.role("coordinator"))
    urls = [_url(survey, "summary"), _url(survey, "single", "xlsx"), _url(survey, "text")]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for i in range(12, 24):
        inv = services.invitation_create(actor=None, survey=survey, email=f"p{i}@example.com")
        data = {**VALID_ANSWERS, "formula": "y"}
        services.response_submit(actor=None, invitation=inv, data=data, by_link=True)
    assert counts() == before
