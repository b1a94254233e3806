"""Survey services: versioning, templates, answers, signed links and every bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.surveys import services
from tandem.surveys.library import TEMPLATES
from tandem.surveys.models import (
    Answer,
    InvitationUse,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
)
from tests.factories import VALID_ANSWERS, survey_cast, survey_with_questions

pytestmark = pytest.mark.django_db


def invite(survey, **kwargs):
    kwargs.setdefault("email", "ext@example.com")
    return services.invitation_create(actor=None, survey=survey, **kwargs)


def test_editing_a_published_survey_creates_a_new_version_and_answers_keep_their_wording():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = invite(survey)
    services.question_add(actor=cast.coordinator, survey=survey, text="New question", type="text")
    versions = list(survey.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].is_published and not versions[1].is_published
    assert versions[0].questions.count() == 8 and versions[1].questions.count() == 9
    services.survey_publish(actor=cast.coordinator, survey=survey)
    response = services.response_submit(
        actor=None, invitation=invitation, data=VALID_ANSWERS, by_link=True
    )
    assert response.version == versions[0]
    assert {a.question.version_id for a in response.answers.all()} == {versions[0].pk}


def test_only_the_owner_coordinator_builds():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, publish=False)
    for user in (cast.educator, cast.other_coordinator, cast.student, cast.outsider):
        with pytest.raises(PermissionDeniedError):
            services.question_add(actor=user, survey=survey, text="x", type="text")
        with pytest.raises(PermissionDeniedError):
            services.survey_publish(actor=user, survey=survey)
    assert survey.versions.get().questions.count() == 8
    with pytest.raises(PermissionDeniedError):
        services.survey_create(
            actor=cast.educator, institution=cast.institution, title="t", audience="students"
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"type": "single", "options": [{"value": "a"}]}, "options"),
        ({"type": "multiple", "options": [{"value": "a"}, {"value": "a"}]}, "options"),
        ({"type": "number", "min_value": 5, "max_value": 1}, "max_value"),
        ({"type": "skills", "skills": []}, "skills"),
        ({"type": "text", "condition": {"question": "nope", "values": ["x"]}}, "condition"),
        ({"type": "text", "key": "likert"}, "key"),
        ({"type": "bogus"}, "type"),
        ({"type": "number", "max_value": 10**15}, "max_value"),
        ({"type": "number", "min_value": "-Infinity"}, "min_value"),
    ],
)
def test_bad_question_definitions_are_refused(kwargs, field):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, publish=False)
    with pytest.raises(DomainError) as exc:
        services.question_add(actor=cast.coordinator, survey=survey, text="Q?", **kwargs)
    assert field in exc.value.fields


def test_every_template_loads_and_a_second_use_returns_the_same_copy():
    cast = survey_cast()
    surveys = services.templates_load(institution=cast.institution)
    assert len(surveys) == len(TEMPLATES) == 10
    assert all(s.status == SurveyStatus.OPEN for s in surveys)
    again = services.survey_from_template(
        actor=cast.coordinator,
        institution=cast.institution,
        template_key="graduate_first_destination",
    )
    assert again.pk in {s.pk for s in surveys}
    assert Survey.objects.filter(institution=cast.institution).count() == 10
    # Another institution gets its own copy.
    other = services.survey_from_template(
        actor=None, institution=cast.other_institution, template_key="graduate_first_destination"
    )
    assert other.pk != again.pk
    with pytest.raises(DomainError):
        services.survey_from_template(actor=None, institution=cast.institution, template_key="x")


def test_first_destination_template_follows_nace_outcome_groups():
    cast = survey_cast()
    survey = services.survey_from_template(
        actor=None, institution=cast.institution, template_key="graduate_first_destination"
    )
    status = survey.versions.get().questions.get(key="status")
    values = set(status.option_values)
    assert {"employed_full_time", "continuing_education", "seeking_employment"} <= values


def test_valid_answers_are_stored_once_with_condition_evaluated_on_the_server():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = invite(survey)
    data = {**VALID_ANSWERS, "why": "sneaked in although the condition is not met"}
    response = services.response_submit(actor=None, invitation=invitation, data=data, by_link=True)
    stored = {a.question.key: a.value for a in response.answers.select_related("question")}
    assert stored == {
        "likert": 4,
        "nps": 9,
        "single": "yes",
        "multiple": ["a"],
        "number": "12.00",
        "text": "Great team",
        "skills": {"teamwork": 5},
    }
    invitation.refresh_from_db()
    assert invitation.responded_at is not None
    assert response.invitation == invitation


def test_conditional_required_question_is_required_when_shown():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = invite(survey)
    with pytest.raises(DomainError) as exc:
        services.response_submit(
            actor=None, invitation=invitation, data={**VALID_ANSWERS, "single": "no"}, by_link=True
        )
    assert list(exc.value.fields) == ["why"]
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("likert", "6"),
        ("likert", "0"),
        ("likert", "3.5"),
        ("nps", "11"),
        ("nps", "-1"),
        ("single", "maybe"),
        ("multiple", ["a", "zzz"]),
        ("number", "81"),
        ("number", "NaN"),
        ("number", "abc"),
        ("text", "x" * 5001),
        ("skills", {"teamwork": "9"}),
        ("skills", {"hacking": "3"}),
        ("likert", ""),
    ],
)
def test_out_of_range_or_missing_answers_are_refused_and_nothing_is_stored(key, value):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = invite(survey)
    with pytest.raises(DomainError) as exc:
        services.response_submit(
            actor=None, invitation=invitation, data={**VALID_ANSWERS, key: value}, by_link=True
        )
    assert key in exc.value.fields
    invitation.refresh_from_db()
    assert invitation.responded_at is None
    assert not SurveyResponse.objects.exists() and not InvitationUse.objects.exists()


def test_second_submission_is_refused_and_nothing_is_double_counted():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = invite(survey)
    services.response_submit(actor=None, invitation=invitation, data=VALID_ANSWERS, by_link=True)
    with pytest.raises(ConflictError) as exc:
        services.response_submit(
            actor=None, invitation=invitation, data=VALID_ANSWERS, by_link=True
        )
    assert exc.value.code == "already_answered"
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.count() == 7


def test_the_database_refuses_a_second_use_of_an_invitation():
    cast = survey_cast()
    invitation = invite(survey_with_questions(cast.institution))
    InvitationUse.objects.create(invitation=invitation)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationUse.objects.create(invitation=invitation)


def test_anonymous_response_keeps_no_link_to_the_person():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, anonymous=True)
    invitation = services.invitation_create(actor=None, survey=survey, user=cast.student)
    response = services.response_submit(
        actor=cast.student, invitation=invitation, data=VALID_ANSWERS
    )
    response.refresh_from_db()
    assert response.invitation is None and response.respondent is None
    invitation.refresh_from_db()
    assert invitation.responded_at is not None
    assert InvitationUse.objects.filter(invitation=invitation).exists()


def test_signed_in_invitation_only_for_its_person():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, user=cast.student)
    with pytest.raises(PermissionDeniedError):
        services.response_submit(actor=cast.educator, invitation=invitation, data=VALID_ANSWERS)
    assert not SurveyResponse.objects.exists()


def test_survey_closed_while_answering_accepts_within_grace_then_refuses():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    first, second, late = (
        invite(survey),
        invite(survey, email="b@example.com"),
        invite(survey, email="c@example.com"),
    )
    started = timezone.now()
    services.survey_close(actor=cast.coordinator, survey=survey)
    # Started before closing: accepted (grace period).
    services.response_submit(
        actor=None, invitation=first, data=VALID_ANSWERS, by_link=True, started_at=started
    )
    # Opened after closing: refused with a clear message, nothing stored.
    with pytest.raises(ConflictError) as exc:
        services.response_submit(
            actor=None,
            invitation=second,
            data=VALID_ANSWERS,
            by_link=True,
            started_at=timezone.now() + timedelta(seconds=1),
        )
    assert exc.value.code == "closed"
    # Started in time but sent after the grace period: refused too.
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now() - timedelta(days=2))
    with pytest.raises(ConflictError):
        services.response_submit(
            actor=None,
            invitation=late,
            data=VALID_ANSWERS,
            by_link=True,
            started_at=timezone.now() - timedelta(days=3),
        )
    assert SurveyResponse.objects.count() == 1


def test_tokens_are_bound_to_one_invitation_salt_and_age():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = invite(survey)
    token = services.invitation_token(invitation)
    assert services.invitation_from_token(token) == invitation
    with pytest.raises(DomainError) as exc:
        services.invitation_from_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert exc.value.code == "invalid"
    other_salt = signing.dumps({"i": str(invitation.public_id)}, salt="something-else")
    with pytest.raises(DomainError):
        services.invitation_from_token(other_salt)
    garbage = signing.dumps({"i": "not-a-uuid"}, salt=services.TOKEN_SALT)
    with pytest.raises(DomainError):
        services.invitation_from_token(garbage)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(DomainError) as exc:
        services.invitation_from_token(token)
    assert exc.value.code == "expired"


def test_old_signatures_expire(settings):
    cast = survey_cast()
    invitation = invite(survey_with_questions(cast.institution))
    token = services.invitation_token(invitation)
    later = timezone.now() + timedelta(days=31)
    from unittest import mock

    with mock.patch("time.time", return_value=later.timestamp()), pytest.raises(DomainError) as exc:
        services.invitation_from_token(token)
    assert exc.value.code == "expired"


def test_invitations_need_an_open_published_survey_and_are_sent(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tandem.example.org"
    cast = survey_cast()
    draft = survey_with_questions(cast.institution, publish=False)
    with pytest.raises(ConflictError):
        invite(draft)
    survey = survey_with_questions(cast.institution)
    with django_capture_on_commit_callbacks(execute=True):
        invite(survey, email="Someone@Example.com")
    # Absolute links: the invitee reads the e-mail outside the site.
    assert len(mailoutbox) == 1 and "https://tandem.example.org/surveys/r/" in mailoutbox[0].body
    with pytest.raises(ConflictError):
        invite(survey, email="someone@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=None, survey=survey, user=cast.student)
    assert "https://tandem.example.org/surveys/answer/" in mailoutbox[1].body


def test_anonymity_cannot_change_after_responses():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    services.response_submit(
        actor=None, invitation=invite(survey), data=VALID_ANSWERS, by_link=True
    )
    with pytest.raises(ConflictError):
        services.survey_update(actor=cast.coordinator, survey=survey, is_anonymous=True)


def test_personal_data_export_and_erasure():
    from tandem.accounts.personal_data import erasers, export_personal_data

    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, user=cast.student)
    services.response_submit(actor=cast.student, invitation=invitation, data=VALID_ANSWERS)
    exported = export_personal_data(cast.student)["surveys"]
    assert exported["responses"][0]["answers"]["Comments"] == "Great team"
    erasers()["surveys"](cast.student)
    response = SurveyResponse.objects.get()
    assert response.respondent is None
    assert response.answers.get(question__key="text").value == ""
    assert response.answers.get(question__key="likert").value == 4
    assert not SurveyInvitation.objects.filter(user=cast.student).exists()


def test_first_destination_results_group_outcomes_the_nace_way():
    from tandem.surveys.selectors import survey_results

    cast = survey_cast()
    survey = services.survey_from_template(
        actor=None,
        institution=cast.institution,
        template_key="graduate_first_destination",
        publish=True,
    )
    statuses = ["employed_full_time"] * 9 + ["freelance"] * 3 + ["continuing_education"] * 10
    statuses += ["seeking_employment"] * 12 + ["not_seeking"] * 2
    for i, status in enumerate(statuses):
        invitation = invite(survey, email=f"g{i}@example.com")
        services.response_submit(
            actor=None, invitation=invitation, data={"status": status}, by_link=True
        )
    results = survey_results(cast.coordinator, survey)
    outcome = next(q for q in results.questions if q.key == "status-outcome")
    # employed 12, continuing 10, seeking 12, other 2 (<10) → "other" and one more hidden.
    assert outcome.counts == [12, None, 12, None]
    assert outcome.total == 36
    assert outcome.mean == round(100 * 22 / 36, 1)


def test_results_skip_answers_to_a_key_reused_for_another_type():
    from tandem.surveys.selectors import survey_results

    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    services.response_submit(
        actor=None, invitation=invite(survey), data=VALID_ANSWERS, by_link=True
    )
    services.question_delete(actor=cast.coordinator, survey=survey, key="likert")
    services.question_add(
        actor=cast.coordinator, survey=survey, key="likert", text="Why?", type="text"
    )
    services.survey_publish(actor=cast.coordinator, survey=survey)
    results = survey_results(cast.coordinator, survey)
    reused = next(q for q in results.questions if q.key == "likert")
    assert reused.type == "text" and reused.answered == 0
