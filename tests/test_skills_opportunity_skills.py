"""The stored skills of opportunities (skills.services.opportunities): filled in the
background when an opportunity changes, in bulk for a whole world, read without writing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.opportunities.services import opportunity_update
from tandem.profiles import services as profile_services
from tandem.skills.models import OpportunityDemand, OpportunitySkill
from tandem.skills.selectors import opportunity_skills
from tandem.skills.services import opportunity_skills_refresh
from tests.factories import published_opportunity
from tests.profiles_support import YESTERDAY, profile_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return profile_world()


def _index(opportunity) -> list[str]:
    return list(
        OpportunitySkill.objects.filter(opportunity=opportunity)
        .order_by("rank")
        .values_list("concept__uri", flat=True)
    )


def test_refresh_fills_both_tables_and_skips_unchanged_texts(w):
    assert OpportunityDemand.objects.count() == 3
    for job in (w.dev_job, w.analyst_job, w.negotiator_job):
        assert _index(job) == opportunity_skills([job])[job.pk] != []
    assert opportunity_skills_refresh() == 0  # nothing changed
    assert opportunity_skills_refresh(force=True) == 0  # same skills: rows left alone


def test_a_changed_opportunity_is_refreshed_after_commit(w, django_capture_on_commit_callbacks):
    before = opportunity_skills([w.negotiator_job])[w.negotiator_job.pk]
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_update(
            actor=w.recruiter, opportunity=w.negotiator_job, skills_wanted="SQL every day"
        )
    after = opportunity_skills([w.negotiator_job])[w.negotiator_job.pk]
    assert after != before and w.concepts["SQL"].uri in after
    assert _index(w.negotiator_job) == after


def test_nothing_is_refreshed_when_the_change_rolls_back(w, django_capture_on_commit_callbacks):
    before = opportunity_skills([w.negotiator_job])[w.negotiator_job.pk]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        opportunity_update(
            actor=w.recruiter, opportunity=w.negotiator_job, skills_wanted="SQL every day"
        )
    assert callbacks  # queued for after the commit, not run inside the transaction
    assert opportunity_skills([w.negotiator_job])[w.negotiator_job.pk] == before


def _first_visit_queries(client, w) -> tuple[int, int]:
    from django.core.cache import cache

    cache.clear()  # a first visit: nothing cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("profiles:opportunities"))
    assert response.status_code == 200
    return len(ctx), len(response.context["page_obj"].object_list)


def test_for_you_first_visit_queries_do_not_grow_with_opportunities(client, w):
    profile_services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    client.force_login(w.student)
    few, shown = _first_visit_queries(client, w)
    assert shown == 3
    for i in range(60):
        published_opportunity(
            w.partner, [w.institution], title=f"More {i:02}", skills_wanted="SQL and Python"
        )
    opportunity_skills_refresh()
    many, shown = _first_visit_queries(client, w)
    assert shown == 25  # a full page
    assert many <= few  # page 1 of the small world also reads the unranked rest
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("profiles:opportunities"), {"page": 3})
    assert len(ctx) <= few + 1  # a page past the ranked ones reads the rest by title


def test_for_you_writes_nothing(client, w):
    client.force_login(w.student)
    OpportunityDemand.objects.all().delete()  # skills not extracted yet
    before = OpportunityDemand.objects.count()
    response = client.get(reverse("profiles:opportunities"))
    assert response.status_code == 200
    assert OpportunityDemand.objects.count() == before == 0
