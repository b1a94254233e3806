"""Two submissions of one invitation at the same moment: exactly one is counted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tandem.core.errors import ConflictError
from tandem.surveys import services
from tandem.surveys.models import Answer, SurveyResponse
from tests.conftest import requires_postgres
from tests.factories import VALID_ANSWERS, survey_cast, survey_with_questions


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_count_once():
    cast = survey_cast()
    survey = survey_with_questions(cast.institution, anonymous=True)
    invitation = services.invitation_create(actor=None, survey=survey, email="x@example.com")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait()
            services.response_submit(
                actor=None, invitation=invitation, data=VALID_ANSWERS, by_link=True
            )
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.count() == 7
