"""Survey pages: authorization matrix for every view (denied cases change nothing), the
answering flows by signed link and signed in, and results with their privacy rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.surveys import services
from tandem.surveys.models import (
    Question,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
)
from tests.factories import VALID_ANSWERS, survey_cast, survey_with_questions

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "other_coordinator", "student", "educator", "coordinator"]


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def snapshot():
    return (
        Survey.objects.count(),
        SurveyVersion.objects.count(),
        Question.objects.count(),
        SurveyInvitation.objects.count(),
        SurveyResponse.objects.count(),
        SurveyVersion.objects.filter(published_at__isnull=False).count(),
        tuple(Survey.objects.order_by("pk").values_list("status", "title")),
    )


def form_post(answers: dict) -> dict:
    data = {}
    for key, value in answers.items():
        if isinstance(value, dict):
            for i, skill in enumerate(["teamwork", "sql"]):
                data[f"q-{key}-{i}"] = value.get(skill, "")
        else:
            data[f"q-{key}"] = value
    return data


# Expected status per role: anonymous is always sent to the login page (302).
READ_VIEWS = {
    # name: {role: status}
    "surveys:detail": {
        "outsider": 404,
        "other_coordinator": 404,
        "student": 404,
        "educator": 200,
        "coordinator": 200,
    },
    "surveys:preview": {
        "outsider": 404,
        "other_coordinator": 404,
        "student": 404,
        "educator": 200,
        "coordinator": 200,
    },
    "surveys:results": {
        "outsider": 404,
        "other_coordinator": 404,
        "student": 404,
        "educator": 200,
        "coordinator": 200,
    },
    "surveys:edit": {
        "outsider": 404,
        "other_coordinator": 404,
        "student": 404,
        "educator": 403,
        "coordinator": 200,
    },
}


@pytest.mark.parametrize("name", list(READ_VIEWS))
@pytest.mark.parametrize("role", ROLES)
def test_read_views_matrix(client, name, role):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    response = client_for(client, cast.role(role)).get(reverse(name, args=[survey.public_id]))
    expected = 302 if role == "anonymous" else READ_VIEWS[name][role]
    assert response.status_code == expected


def write_cases(survey):
    q_key = "text"
    return {
        "surveys:edit": (
            [survey.public_id],
            {"title": "Changed", "audience": "students", "min_responses": 1},
        ),
        "surveys:section_add": ([survey.public_id], {"title": "More"}),
        "surveys:question_add": (
            [survey.public_id],
            {"text": "New?", "type": "text", "section": 0},
        ),
        "surveys:question_delete": ([survey.public_id, q_key], {}),
        "surveys:question_edit": ([survey.public_id, q_key], {"text": "Reworded"}),
        "surveys:publish": ([survey.public_id], {}),
        "surveys:close": ([survey.public_id], {}),
        "surveys:invite": ([survey.public_id], {"recipients": "someone@example.com"}),
    }


WRITE_NAMES = [
    "surveys:edit",
    "surveys:section_add",
    "surveys:question_add",
    "surveys:question_delete",
    "surveys:question_edit",
    "surveys:publish",
    "surveys:close",
    "surveys:invite",
]


@pytest.mark.parametrize("name", WRITE_NAMES)
@pytest.mark.parametrize(
    "role", ["anonymous", "outsider", "other_coordinator", "student", "educator"]
)
def test_write_views_denied_change_nothing(client, name, role, mailoutbox):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    if name == "surveys:publish":
        services.question_add(actor=None, survey=survey, text="Extra", type="text")
    args, data = write_cases(survey)[name]
    before = snapshot()
    response = client_for(client, cast.role(role)).post(reverse(name, args=args), data)
    expected = {"anonymous": 302, "educator": 403}.get(role, 404)
    assert response.status_code == expected
    if role == "anonymous":
        assert "/accounts/login" in response["Location"]
    assert snapshot() == before and mailoutbox == []


@pytest.mark.parametrize("name", WRITE_NAMES)
def test_write_views_allowed_for_the_owner_coordinator(
    client, name, django_capture_on_commit_callbacks, mailoutbox
):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    if name == "surveys:publish":
        services.question_add(actor=cast.coordinator, survey=survey, text="Extra", type="text")
    args, data = write_cases(survey)[name]
    before = snapshot()
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(name, args=args), data)
    assert response.status_code == 302, response.content[:500]
    assert snapshot() != before
    if name == "surveys:invite":
        assert len(mailoutbox) == 1


@pytest.mark.parametrize("role", ROLES)
def test_create_and_template_matrix(client, role):
    cast = survey_cast()
    before = snapshot()
    c = client_for(client, cast.role(role))
    create = c.post(
        reverse("surveys:create"),
        {
            "institution": cast.institution.pk,
            "title": "T",
            "audience": "students",
            "min_responses": 3,
        },
    )
    from_template = c.post(
        reverse("surveys:from_template"),
        {"institution": cast.institution.pk, "template": "employer_satisfaction"},
    )
    if role == "coordinator":
        assert create.status_code == 302 and from_template.status_code == 302
        assert Survey.objects.filter(institution=cast.institution).count() == 2
        return
    # The other institution's coordinator may build surveys, but not for this institution:
    # the form refuses the choice (400) and the template picker sends them back (302).
    expected = {"anonymous": (302, 302), "other_coordinator": (400, 302)}.get(role, (403, 403))
    assert (create.status_code, from_template.status_code) == expected
    assert snapshot() == before


def test_other_coordinator_cannot_create_for_an_institution_not_theirs(client):
    cast = survey_cast()
    client.force_login(cast.other_coordinator)
    response = client.post(
        reverse("surveys:create"),
        {
            "institution": cast.institution.pk,
            "title": "T",
            "audience": "students",
            "min_responses": 3,
        },
    )
    assert response.status_code == 400
    assert not Survey.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_list_matrix(client, role):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    response = client_for(client, cast.role(role)).get(reverse("surveys:list"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = survey.title in response.content.decode()
    assert shown == (role in ("educator", "coordinator"))


def test_htmx_question_add_returns_the_builder_partial_with_inline_errors(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, publish=False)
    client.force_login(cast.coordinator)
    url = reverse("surveys:question_add", args=[survey.public_id])
    bad = client.post(
        url,
        {"text": "Pick", "type": "single", "section": 0, "options": "only one"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert (
        body.lstrip().startswith('<section id="builder"') and "Give at least two options." in body
    )
    good = client.post(
        url,
        {"text": "Pick", "type": "single", "section": 0, "options": "Red\nBlue"},
        HTTP_HX_REQUEST="true",
    )
    assert good.status_code == 200 and "Pick" in good.content.decode()
    assert Question.objects.filter(text="Pick").get().option_values == ["red", "blue"]


# --- Answering -----------------------------------------------------------------------------------
def test_link_answer_flow_and_second_submission(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, email="sup@example.com")
    url = reverse("surveys:answer_link", args=[services.invitation_token(invitation)])
    page = client.get(url)
    assert page.status_code == 200 and "It was good" in page.content.decode()
    started = page.context["started"]
    ok = client.post(url, {**form_post(VALID_ANSWERS), "started": started})
    assert ok.status_code == 200 and "were recorded" in ok.content.decode()
    again = client.post(url, {**form_post(VALID_ANSWERS), "started": started})
    assert again.status_code == 409 and "already answered" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_link_out_of_range_answer_keeps_the_input(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, email="sup@example.com")
    url = reverse("surveys:answer_link", args=[services.invitation_token(invitation)])
    response = client.post(url, form_post({**VALID_ANSWERS, "nps": "12", "text": "Keep me"}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a whole number from 0 to 10." in body and "Keep me" in body
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("problem", ["tampered", "expired", "garbage"])
def test_bad_links_get_a_clear_4xx(client, problem):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, email="sup@example.com")
    token = services.invitation_token(invitation)
    if problem == "tampered":
        token = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    elif problem == "garbage":
        token = "not-a-token"
    else:
        SurveyInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    url = reverse("surveys:answer_link", args=[token])
    for response in (client.get(url), client.post(url, form_post(VALID_ANSWERS))):
        assert response.status_code == (410 if problem == "expired" else 400)
        assert "cannot be used" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_closed_while_answering(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, email="sup@example.com")
    url = reverse("surveys:answer_link", args=[services.invitation_token(invitation)])
    started = client.get(url).context["started"]
    services.survey_close(actor=None, survey=survey)
    # Someone who opened it before closing still gets through (grace period) …
    assert client.post(url, {**form_post(VALID_ANSWERS), "started": started}).status_code == 200
    # … someone without a valid start stamp is told clearly, and their input is shown again.
    second = services.invitation_create  # survey is closed: invite cannot be created
    assert second is not None
    other = SurveyInvitation.objects.create(
        survey=survey, version=invitation.version, email="x@example.com"
    )
    url2 = reverse("surveys:answer_link", args=[services.invitation_token(other)])
    refused = client.post(
        url2, {**form_post({**VALID_ANSWERS, "text": "Do not lose me"}), "started": "forged"}
    )
    assert refused.status_code == 409
    assert "closed" in refused.content.decode() and "Do not lose me" in refused.content.decode()
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_answer_matrix(client, role):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, user=cast.student)
    url = reverse("surveys:answer", args=[invitation.public_id])
    response = client_for(client, cast.role(role)).post(url, form_post(VALID_ANSWERS))
    if role == "student":
        assert response.status_code == 200
        assert SurveyResponse.objects.get().respondent == cast.student
    else:
        assert response.status_code == (302 if role == "anonymous" else 404)
        assert not SurveyResponse.objects.exists()


def test_a_users_invitation_cannot_be_answered_by_link(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, user=cast.student)
    url = reverse("surveys:answer_link", args=[services.invitation_token(invitation)])
    assert client.post(url, form_post(VALID_ANSWERS)).status_code == 404
    assert not SurveyResponse.objects.exists()


# --- Results -------------------------------------------------------------------------------------
def answer_n(survey, n, **overrides):
    for i in range(n):
        inv = services.invitation_create(actor=None, survey=survey, email=f"p{i}@example.com")
        services.response_submit(
            actor=None, invitation=inv, data={**VALID_ANSWERS, **overrides}, by_link=True
        )


def test_anonymous_results_hidden_below_threshold_then_shown(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, anonymous=True, min_responses=3)
    answer_n(survey, 2)
    client.force_login(cast.coordinator)
    url = reverse("surveys:results", args=[survey.public_id])
    response = client.get(url)
    assert response.context["results"].visible is False
    assert "It was good" not in response.content.decode()
    answer_n(survey, 1)
    response = client.get(url)
    assert response.context["results"].visible is True
    assert response.context["results"].response_rate == 100.0


def test_free_text_only_for_coordinators_and_small_cells_suppressed(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, min_responses=1)
    answer_n(survey, 3)
    client.force_login(cast.educator)
    response = client.get(reverse("surveys:results", args=[survey.public_id]))
    by_key = {r.key: r for r in response.context["results"].questions}
    assert by_key["text"].texts is None and "Great team" not in response.content.decode()
    # 3 answers of "4" (< 10): hidden; with zeros beside it and the number of answers shown,
    # the whole row is hidden. No average from fewer than 10 answers.
    assert by_key["likert"].counts == [None] * 5 and by_key["likert"].mean is None
    client.force_login(cast.coordinator)
    response = client.get(reverse("surveys:results", args=[survey.public_id]))
    assert "Great team" in response.content.decode()


def test_rewording_a_published_question_goes_into_a_new_version(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    client.force_login(cast.coordinator)
    url = reverse("surveys:question_edit", args=[survey.public_id, "single"])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"text": "Return?", "options": "only"})
    assert bad.status_code == 400 and "Give at least two options." in bad.content.decode()
    ok = client.post(url, {"text": "Would you come back?", "options": "yes | Yes\nno | No way"})
    assert ok.status_code == 302
    v1, v2 = survey.versions.order_by("number")
    assert v1.questions.get(key="single").text == "Would you return?"
    changed = v2.questions.get(key="single")
    assert changed.text == "Would you come back?" and changed.options[1]["label"] == "No way"


def test_list_and_results_use_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    cast = survey_cast()
    surveys = [survey_with_questions(cast.institution) for _ in range(4)]
    answer_n(surveys[0], 12)
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("surveys:list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("surveys:results", args=[surveys[0].public_id])).status_code == 200
        )


@pytest.mark.parametrize("role", ROLES)
def test_individual_responses_matrix(client, role):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    answer_n(survey, 2)
    response = client_for(client, cast.role(role)).get(
        reverse("surveys:responses", args=[survey.public_id])
    )
    expected = {"anonymous": 302, "educator": 403, "coordinator": 200}.get(role, 404)
    assert response.status_code == expected
    if role == "coordinator":
        body = response.content.decode()
        assert body.count("Great team") == 2 and "p0@example.com" in body


def test_no_individual_responses_for_anonymous_surveys(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, anonymous=True)
    answer_n(survey, 2)
    client.force_login(cast.coordinator)
    url = reverse("surveys:responses", args=[survey.public_id])
    assert client.get(url).status_code == 403


def test_opening_a_closed_survey_says_so(client):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, email="sup@example.com")
    services.survey_close(actor=None, survey=survey)
    url = reverse("surveys:answer_link", args=[services.invitation_token(invitation)])
    response = client.get(url)
    assert response.status_code == 410
    body = response.content.decode()
    assert "no longer takes answers" in body and "Send my answers" not in body


def test_results_page_shows_a_response_rate_below_100_percent(client):
    # 12 invited, 3 answered: 25 %, not the 100 % every other test sees.
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitations = [
        services.invitation_create(actor=None, survey=survey, email=f"r{i}@example.com")
        for i in range(12)
    ]
    for inv in invitations[:3]:
        services.response_submit(actor=None, invitation=inv, data=VALID_ANSWERS, by_link=True)
    client.force_login(cast.coordinator)
    response = client.get(reverse("surveys:results", args=[survey.public_id]))
    results = response.context["results"]
    assert (results.invited, results.responded, results.response_rate) == (12, 3, 25.0)
    html = response.content.decode()
    assert '<dd data-testid="invited">12</dd>' in html
    assert '<dd data-testid="rate">25.0 %</dd>' in html
