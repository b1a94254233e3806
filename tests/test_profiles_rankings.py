""" "For you" ranked in the background (issue 12): the refresh task stores a student's ranking,
a profile change or a posting change refreshes it, the page reads the stored ranking with a
bounded number of queries, and never shows a posting the student may no longer see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.opportunities.models import Opportunity
from tandem.opportunities.selectors import student_visible_opportunities
from tandem.profiles import services
from tandem.profiles.models import StudentRanking
from tandem.profiles.selectors import (
    RankingBatch,
    compute_ranking,
    held_concepts,
    ranking_key,
)
from tandem.skills.services import opportunity_skills_refresh
from tandem.skills.services.extraction import reset_extractor
from tests.factories import published_opportunity
from tests.profiles_support import YESTERDAY, profile_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    world = profile_world()
    yield world
    reset_extractor()


def stored_pks(student) -> list[int]:
    return [e[0] for e in StudentRanking.objects.get(student=student).entries]


def page_titles(client, student) -> list[str]:
    client.force_login(student)
    response = client.get(reverse("profiles:opportunities"))
    assert response.status_code == 200
    return [r.opportunity.title for r in response.context["page_obj"]]


def give_skills(w, django_capture_on_commit_callbacks):
    """Python (a completed course) and teamwork (declared); the tasks queued on commit run
    (the test settings' task backend runs them at once)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.course_completion_record(
            actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_skill_add(actor=w.student, student=w.student, concept=w.teamwork)


def test_a_skill_change_stores_the_ranking(w, django_capture_on_commit_callbacks):
    assert not StudentRanking.objects.exists()
    give_skills(w, django_capture_on_commit_callbacks)
    row = StudentRanking.objects.get(student=w.student)
    # Developer (2.5 / 3: Python and teamwork held, SQL a sibling), then Analyst (0.25).
    assert row.entries[:2] == [[w.dev_job.pk, 833, 2], [w.analyst_job.pk, 250, 0]]
    assert row.skills_key == ranking_key(w.student, held_concepts(w.student))
    # The same as the request's evaluator ranks.
    visible = student_visible_opportunities(w.student)
    assert [e[0] for e in row.entries] == [
        e.pk for e in compute_ranking(w.student, visible, held_concepts(w.student))
    ]


def test_removing_a_skill_refreshes_the_stored_ranking(w, django_capture_on_commit_callbacks):
    give_skills(w, django_capture_on_commit_callbacks)
    before = StudentRanking.objects.get(student=w.student)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_skill_remove(actor=w.student, student=w.student, concept=w.python)
    after = StudentRanking.objects.get(student=w.student)
    assert after.skills_key != before.skills_key
    assert after.skills_key == ranking_key(w.student, held_concepts(w.student))
    # Teamwork alone: 1 of the developer's 3 skills.
    assert after.entries[0] == [w.dev_job.pk, 333, 1]


def test_a_new_posting_is_merged_into_stored_rankings(w, django_capture_on_commit_callbacks):
    give_skills(w, django_capture_on_commit_callbacks)
    assert stored_pks(w.student)[:2] == [w.dev_job.pk, w.analyst_job.pk]
    new = published_opportunity(
        w.partner,
        [w.institution],
        title="Python and teamwork internship",
        skills_wanted="Python, teamwork principles",
    )
    hidden = published_opportunity(
        w.partner,
        [w.other_institution],
        title="Python elsewhere",
        skills_wanted="Python, teamwork principles",
    )
    # The worker extracts the new postings' skills; storing them queues the merge.
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_skills_refresh()
    # Both skills held: a fit of 1, first; the other institution's posting nowhere.
    pks = stored_pks(w.student)
    assert pks[:3] == [new.pk, w.dev_job.pk, w.analyst_job.pk]
    assert hidden.pk not in pks
    # The merge gives the same list as a full recompute would.
    services.recommendations_refresh(student_ids=[w.student.pk])
    assert stored_pks(w.student)[:3] == pks[:3]


def test_an_edited_posting_moves_in_stored_rankings(w, django_capture_on_commit_callbacks):
    give_skills(w, django_capture_on_commit_callbacks)
    Opportunity.objects.filter(pk=w.dev_job.pk).update(skills_wanted="negotiate contracts")
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_skills_refresh(opportunity_ids=[w.dev_job.pk])
    pks = stored_pks(w.student)
    assert pks[0] == w.analyst_job.pk
    assert w.dev_job.pk not in pks[:1]


def test_the_page_reads_the_stored_ranking(client, w, django_capture_on_commit_callbacks):
    give_skills(w, django_capture_on_commit_callbacks)
    assert page_titles(client, w.student)[:2] == ["Developer internship", "Analyst internship"]
    # Proof that the page reads the stored list: reverse it by hand.
    row = StudentRanking.objects.get(student=w.student)
    row.entries = [row.entries[1], row.entries[0], *row.entries[2:]]
    row.save()
    assert page_titles(client, w.student)[:2] == ["Analyst internship", "Developer internship"]


def test_the_stored_page_costs_a_bounded_number_of_queries(
    client, w, django_capture_on_commit_callbacks
):
    give_skills(w, django_capture_on_commit_callbacks)
    client.force_login(w.student)
    url = reverse("profiles:opportunities")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(12):
        published_opportunity(
            w.partner, [w.institution], title=f"More {i}", skills_wanted="Python, SQL"
        )
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_skills_refresh()
    assert len(stored_pks(w.student)) == 14  # the procurement posting shares no skill
    client.get(url)  # the postings changed: the capped count is cached again
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page_obj"].object_list) == 15
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    # Never the inverted index's grouped count (the ranking is not computed in the request).
    assert not [q for q in many.captured_queries if "GROUP BY" in q["sql"]]
    assert len(many) <= 20


def test_a_posting_no_longer_visible_is_never_shown(client, w, django_capture_on_commit_callbacks):
    give_skills(w, django_capture_on_commit_callbacks)
    assert w.dev_job.pk in stored_pks(w.student)
    # Closed behind the merge's back (no announcement): the stored list still names it.
    Opportunity.objects.filter(pk=w.dev_job.pk).update(status="closed")
    assert w.dev_job.pk in stored_pks(w.student)
    titles = page_titles(client, w.student)
    assert "Developer internship" not in titles
    assert titles[0] == "Analyst internship"


def test_without_a_stored_ranking_the_page_ranks_in_the_request(client, w):
    # Skills given without running the queued tasks: nothing stored.
    services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    assert not StudentRanking.objects.exists()
    assert page_titles(client, w.student)[:2] == ["Developer internship", "Analyst internship"]
    assert not StudentRanking.objects.exists()  # a GET writes nothing


def test_a_ranking_for_other_skills_is_not_used(client, w, django_capture_on_commit_callbacks):
    give_skills(w, django_capture_on_commit_callbacks)
    # Teamwork and Python removed, the refresh not run yet: the stored ranking is for other
    # skills, so the page ranks in the request (nothing held: every posting scores 0).
    services.profile_skill_remove(actor=w.student, student=w.student, concept=w.teamwork)
    services.profile_skill_remove(actor=w.student, student=w.student, concept=w.python)
    client.force_login(w.student)
    recs = list(client.get(reverse("profiles:opportunities")).context["page_obj"])
    assert all(r.score == 0 for r in recs)


def test_the_batch_agrees_with_the_request_evaluator(w, django_capture_on_commit_callbacks):
    give_skills(w, django_capture_on_commit_callbacks)
    services.profile_skill_add(actor=w.classmate, student=w.classmate, concept=w.sql)
    batch = RankingBatch()
    for student in (w.student, w.classmate, w.other_student):
        held = held_concepts(student)
        want = compute_ranking(student, student_visible_opportunities(student), held)
        assert batch.rank(student) == (ranking_key(student, held), want)


def test_the_batch_shares_the_index_work_of_siblings_but_not_their_ranking(w):
    """Python and SQL are siblings (one leaf group): two students holding one each reach the
    same concepts and see the same postings, so the batch finds their candidates once; each
    is still ranked by their own skills, as the request would rank them."""
    services.profile_skill_add(actor=w.student, student=w.student, concept=w.python)
    services.profile_skill_add(actor=w.classmate, student=w.classmate, concept=w.sql)
    batch = RankingBatch()
    batch.prepare([w.student, w.classmate])
    ranked = {}
    for student in (w.student, w.classmate):
        held = held_concepts(student)
        want = compute_ranking(student, student_visible_opportunities(student), held)
        ranked[student.pk] = batch.rank(student)
        assert ranked[student.pk] == (ranking_key(student, held), want)
    assert ranked[w.student.pk][1] != ranked[w.classmate.pk][1]


def test_refresh_all_and_erasure(w, django_capture_on_commit_callbacks):
    give_skills(w, django_capture_on_commit_callbacks)
    StudentRanking.objects.all().delete()
    stored = services.recommendations_refresh()
    assert stored == 3  # student, classmate, other student
    assert set(StudentRanking.objects.values_list("student_id", flat=True)) == {
        w.student.pk,
        w.classmate.pk,
        w.other_student.pk,
    }
    exported = services.profile_personal_data_export(w.student)["recommendations"]
    assert exported[0]["opportunities"] == len(stored_pks(w.student))
    services.profile_personal_data_erase(w.student)
    assert not StudentRanking.objects.filter(student=w.student).exists()
