"""/api/v1/surveys: authorization matrix for every endpoint (denied cases change nothing),
bad input as problem+json, and suppressed results."""

from __future__ import annotations

import pytest

from tandem.surveys import services
from tandem.surveys.models import Question, Survey, SurveyInvitation, SurveyResponse, SurveyVersion
from tests.factories import VALID_ANSWERS, survey_cast, survey_with_questions

pytestmark = pytest.mark.django_db

BASE = "/api/v1/surveys"
ROLES = ["anonymous", "outsider", "other_coordinator", "student", "educator", "coordinator"]


@pytest.fixture
def world():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    return cast, survey


def as_(client, cast, role):
    user = cast.role(role)
    if user is not None:
        client.force_login(user)
    return client


def state():
    return (
        Survey.objects.count(),
        SurveyVersion.objects.count(),
        SurveyVersion.objects.filter(published_at__isnull=False).count(),
        Question.objects.count(),
        SurveyInvitation.objects.count(),
        SurveyResponse.objects.count(),
        tuple(Survey.objects.order_by("pk").values_list("status", flat=True)),
    )


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


READS = {
    "detail": ("", {"educator": 200, "coordinator": 200}),
    "versions": ("/versions", {"educator": 200, "coordinator": 200}),
    "results": ("/results", {"educator": 200, "coordinator": 200}),
    "invitations": ("/invitations", {"educator": 403, "coordinator": 200}),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role", ROLES)
def test_read_matrix(client, world, endpoint, role):
    cast, survey = world
    suffix, allowed = READS[endpoint]
    response = as_(client, cast, role).get(f"{BASE}/{survey.public_id}{suffix}")
    expected = 401 if role == "anonymous" else allowed.get(role, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_list_matrix(client, world, role):
    cast, survey = world
    response = as_(client, cast, role).get(f"{BASE}/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    ids = [s["id"] for s in response.json()]
    assert ids == ([str(survey.public_id)] if role in ("educator", "coordinator") else [])


WRITES = {
    "question": ("/questions", {"text": "New?", "type": "text"}),
    "publish": ("/publish", None),
    "close": ("/close", None),
    "invite": ("/invitations", {"email": "x@example.com"}),
}


@pytest.mark.parametrize("endpoint", list(WRITES))
@pytest.mark.parametrize("role", ROLES)
def test_write_matrix(
    client, world, endpoint, role, mailoutbox, django_capture_on_commit_callbacks
):
    cast, survey = world
    if endpoint == "publish":
        services.question_add(actor=None, survey=survey, text="Draft change", type="text")
    suffix, body = WRITES[endpoint]
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(client, cast, role).post(
            f"{BASE}/{survey.public_id}{suffix}", body or {}, content_type="application/json"
        )
    if role == "coordinator":
        assert response.status_code in (200, 201), response.content
        assert state() != before
        return
    expected = {"anonymous": 401, "educator": 403}.get(role, 404)
    problem(response, expected)
    assert state() == before and mailoutbox == []


@pytest.mark.parametrize("role", ROLES)
def test_create_matrix(client, role):
    cast = survey_cast()
    payload = {
        "institution": str(cast.institution.public_id),
        "title": "Check-in",
        "audience": "students",
        "questions": [
            {"text": "How is it going?", "type": "likert", "required": True},
            {"text": "Pick", "type": "single", "options": [{"value": "a"}, {"value": "b"}]},
        ],
    }
    before = state()
    response = as_(client, cast, role).post(f"{BASE}/", payload, content_type="application/json")
    if role == "coordinator":
        assert response.status_code == 201
        survey = Survey.objects.get(public_id=response.json()["id"])
        assert survey.versions.get().questions.count() == 2
        return
    problem(response, 401 if role == "anonymous" else 403)
    assert state() == before


def test_create_with_a_bad_question_rolls_back_everything(client):
    cast = survey_cast()
    client.force_login(cast.coordinator)
    payload = {
        "institution": str(cast.institution.public_id),
        "title": "Check-in",
        "audience": "students",
        "questions": [{"text": "Pick", "type": "single", "options": [{"value": "a"}]}],
    }
    body = problem(client.post(f"{BASE}/", payload, content_type="application/json"), 400)
    assert "options" in body["errors"]
    assert not Survey.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_respond_matrix(client, world, role):
    cast, survey = world
    invitation = services.invitation_create(actor=None, survey=survey, user=cast.student)
    response = as_(client, cast, role).post(
        f"{BASE}/invitations/{invitation.public_id}/response",
        {"answers": VALID_ANSWERS},
        content_type="application/json",
    )
    if role == "student":
        assert response.status_code == 201
        assert SurveyResponse.objects.count() == 1
    else:
        problem(response, 401 if role == "anonymous" else 404)
        assert not SurveyResponse.objects.exists()


def test_respond_bad_input_twice_and_closed(client, world):
    cast, survey = world
    invitation = services.invitation_create(actor=None, survey=survey, user=cast.student)
    client.force_login(cast.student)
    url = f"{BASE}/invitations/{invitation.public_id}/response"
    mine = client.get(f"{BASE}/invitations/mine").json()
    assert [i["id"] for i in mine] == [str(invitation.public_id)]
    body = problem(
        client.post(
            url, {"answers": {**VALID_ANSWERS, "likert": 9}}, content_type="application/json"
        ),
        400,
    )
    assert list(body["errors"]) == ["likert"]
    assert (
        client.post(url, {"answers": VALID_ANSWERS}, content_type="application/json").status_code
        == 201
    )
    problem(client.post(url, {"answers": VALID_ANSWERS}, content_type="application/json"), 409)
    assert SurveyResponse.objects.count() == 1
    other = services.invitation_create(actor=None, survey=survey, user=cast.educator)
    services.survey_close(actor=None, survey=survey)
    client.force_login(cast.educator)
    body = problem(
        client.post(
            f"{BASE}/invitations/{other.public_id}/response",
            {"answers": VALID_ANSWERS},
            content_type="application/json",
        ),
        409,
    )
    assert "closed" in body["detail"]


def test_results_are_suppressed_and_free_text_gated(client, world):
    cast, survey = world
    for i in range(12):
        inv = services.invitation_create(actor=None, survey=survey, email=f"p{i}@example.com")
        answers = {**VALID_ANSWERS, "likert": "5" if i < 11 else "2"}
        services.response_submit(actor=None, invitation=inv, data=answers, by_link=True)
    client.force_login(cast.educator)
    results = client.get(f"{BASE}/{survey.public_id}/results").json()
    assert results["responses"] == 12 and results["response_rate"] == 100.0
    likert = next(q for q in results["questions"] if q["key"] == "likert")
    # 11 × "5" and 1 × "2": the 1 is hidden, and so is the 11 (else 12 − 11 reveals it); with
    # the average shown (4.75 = (11·5 + 2)/12 would give them back) the whole row is hidden.
    assert likert["counts"] == [None] * 5 and likert["total"] == 12
    assert likert["mean"] == 4.75
    single = next(q for q in results["questions"] if q["key"] == "single")
    assert single["counts"] == [12, 0]
    text = next(q for q in results["questions"] if q["key"] == "text")
    assert text["texts"] is None
    client.force_login(cast.coordinator)
    text = next(
        q
        for q in client.get(f"{BASE}/{survey.public_id}/results").json()["questions"]
        if q["key"] == "text"
    )
    assert text["texts"] == ["Great team"] * 12


def test_versions_show_exact_wording(client, world):
    cast, survey = world
    services.question_add(actor=None, survey=survey, text="Added later", type="text")
    client.force_login(cast.coordinator)
    versions = client.get(f"{BASE}/{survey.public_id}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[1]["published_at"] is not None and versions[0]["published_at"] is None
    assert len(versions[0]["questions"]) == 9 and len(versions[1]["questions"]) == 8


def test_unknown_survey_is_404(client, world):
    cast, _survey = world
    client.force_login(cast.coordinator)
    problem(client.get(f"{BASE}/00000000-0000-0000-0000-000000000000"), 404)


@pytest.mark.parametrize("role", ROLES)
def test_individual_responses_matrix(client, world, role):
    cast, survey = world
    invitation = services.invitation_create(actor=None, survey=survey, user=cast.student)
    services.response_submit(actor=cast.student, invitation=invitation, data=VALID_ANSWERS)
    response = as_(client, cast, role).get(f"{BASE}/{survey.public_id}/responses")
    if role == "coordinator":
        assert response.status_code == 200
        items = response.json()["items"]
        assert items[0]["respondent"] == cast.student.full_name
        assert {a["key"] for a in items[0]["answers"]} >= {"likert", "text"}
        return
    problem(response, {"anonymous": 401, "educator": 403}.get(role, 404))


def test_individual_responses_refused_for_anonymous_surveys(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, anonymous=True)
    client.force_login(cast.coordinator)
    problem(client.get(f"{BASE}/{survey.public_id}/responses"), 403)


def test_results_report_a_response_rate_below_100_percent(client, world):
    # 12 invited, 3 answered, 9 never did: 25 %.
    cast, survey = world
    invitations = [
        services.invitation_create(actor=None, survey=survey, email=f"r{i}@example.com")
        for i in range(12)
    ]
    for inv in invitations[:3]:
        services.response_submit(actor=None, invitation=inv, data=VALID_ANSWERS, by_link=True)
    client.force_login(cast.coordinator)
    results = client.get(f"{BASE}/{survey.public_id}/results").json()
    assert results["invited"] == 12 and results["responses"] == 3
    assert results["response_rate"] == 25.0
