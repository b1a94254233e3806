"""One validation layer in surveys: the model's field rules are checked once and reported per
field; a key or a template copy used twice is decided by the database (409, not 500); the
admin only reads."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tandem.core.errors import ConflictError, DomainError
from tandem.surveys import services
from tandem.surveys.models import Question, Survey, SurveyInvitation
from tests.conftest import requires_postgres
from tests.factories import UserFactory, survey_cast, survey_with_questions


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"audience": "aliens"}, "audience"),
        ({"min_responses": 0}, "min_responses"),
    ],
)
def test_survey_fields_follow_the_model(fields, field):
    cast = survey_cast()
    kwargs = {"title": "Exit survey", "audience": "students", **fields}
    with pytest.raises(DomainError) as exc:
        services.survey_create(actor=cast.coordinator, institution=cast.institution, **kwargs)
    assert field in exc.value.fields
    survey = survey_with_questions(cast.institution, publish=False)
    with pytest.raises(DomainError) as exc:
        services.survey_update(actor=cast.coordinator, survey=survey, **fields)
    assert field in exc.value.fields
    survey.refresh_from_db()
    assert (survey.title, survey.audience, survey.min_responses) != (
        fields.get("title"),
        fields.get("audience"),
        fields.get("min_responses"),
    )


@pytest.mark.django_db
def test_a_question_key_used_twice_is_a_conflict_and_a_long_text_a_field_error():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, publish=False)
    count = Question.objects.count()
    with pytest.raises(ConflictError) as exc:
        services.question_add(
            actor=cast.coordinator, survey=survey, text="Again?", type="text", key="likert"
        )
    assert exc.value.status == 409 and list(exc.value.fields) == ["key"]
    with pytest.raises(DomainError) as exc:
        services.question_add(actor=cast.coordinator, survey=survey, text="x" * 501, type="text")
    assert list(exc.value.fields) == ["text"]
    assert Question.objects.count() == count


@pytest.mark.django_db
def test_an_invitation_address_must_be_an_e_mail_address():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    with pytest.raises(DomainError) as exc:
        services.invitation_create(actor=None, survey=survey, email="not-an-address")
    assert list(exc.value.fields) == ["email"]
    assert not SurveyInvitation.objects.exists()


@pytest.mark.django_db
def test_a_second_copy_of_a_template_is_refused_by_the_database():
    cast = survey_cast()
    first = services.survey_from_template(
        actor=None, institution=cast.institution, template_key="employer_satisfaction"
    )
    with pytest.raises(ConflictError):
        services.survey_create(
            actor=None,
            institution=cast.institution,
            title="Copy",
            audience="employers",
            template_key="employer_satisfaction",
        )
    assert Survey.objects.filter(template_key="employer_satisfaction").get() == first


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_uses_of_a_template_make_one_copy():
    cast = survey_cast()
    barrier = threading.Barrier(3)
    copies: list[int] = []
    errors: list[str] = []

    def use() -> None:
        try:
            barrier.wait()
            survey = services.survey_from_template(
                actor=None, institution=cast.institution, template_key="mentor_checkin"
            )
            copies.append(survey.pk)
        except Exception as exc:
            errors.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(set(copies)) == 1 and len(copies) == 3
    assert Survey.objects.filter(template_key="mentor_checkin").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["survey", "surveyinvitation"])
def test_the_survey_admin_lists_but_does_not_write(client, model):
    cast = survey_cast()
    survey = survey_with_questions(cast.institution)
    invitation = services.invitation_create(actor=None, survey=survey, email="x@example.com")
    obj = {"survey": survey, "surveyinvitation": invitation}[model]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    base = f"/admin/surveys/{model}/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{obj.pk}/change/").status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{obj.pk}/change/", {}).status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Survey.objects.filter(pk=survey.pk).exists()
    assert SurveyInvitation.objects.filter(pk=invitation.pk).exists()
