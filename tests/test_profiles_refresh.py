"""Profiles refresh by themselves: a placement moved to Completed gives the student the
opportunity's skills, and an educator's decision on a course's outcome skill reaches every
student who completed the course (in the background) — without anyone pressing Refresh."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.applications.models import Application
from tandem.applications.services import application_move
from tandem.audit.models import AuditEvent
from tandem.core.errors import PermissionDeniedError
from tandem.curricula.models import MappingStatus, OutcomeSkill
from tandem.curricula.services import mapping_add, mapping_decide, outcome_delete
from tandem.organizations.models import Role
from tandem.profiles import services
from tandem.profiles.models import ProfileSkill, RemovedSkill
from tandem.profiles.selectors import held_concept_ids
from tandem.skills.services.extraction import reset_extractor
from tests.factories import ApplicationFactory, UserFactory, member
from tests.profiles_support import YESTERDAY, demand_uris, profile_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    world = profile_world()
    yield world
    reset_extractor()


def labels(student, source=None):
    qs = ProfileSkill.objects.filter(student=student)
    if source:
        qs = qs.filter(source=source)
    return sorted(qs.values_list("concept__preferred_label", flat=True))


def complete(w, student, course):
    services.course_completion_record(
        actor=w.educator, student=student, course=course, completed_on=YESTERDAY
    )


def mapping(course, concept):
    return OutcomeSkill.objects.get(outcome__course=course, concept=concept)


# --- Placements -------------------------------------------------------------------------------
def _tasks(callbacks) -> list:
    """The on-commit callbacks other than a listing cache's version bump
    (tandem.core.listing_cache.bump_version): the tasks a change queues."""
    return [c for c in callbacks if "bump_version" not in getattr(c, "__qualname__", "")]


def test_completing_a_placement_adds_its_skills_after_commit(w, django_capture_on_commit_callbacks):
    application = ApplicationFactory(
        opportunity=w.dev_job, student=w.student, institution=w.institution, stage="placed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=w.coordinator, application=application, to_stage="completed")
        assert labels(w.student) == []  # not before the move commits
    assert labels(w.student, "placement") == [
        "Python (computer programming)",
        "SQL",
        "teamwork principles",
    ]
    assert set(
        ProfileSkill.objects.filter(student=w.student).values_list("application", flat=True)
    ) == {application.pk}
    assert held_concept_ids(w.student) == {w.python.pk, w.sql.pk, w.teamwork.pk}
    event = AuditEvent.objects.get(action="profiles.refresh.placement")
    assert event.actor is None and event.changes == {"added": 3, "removed": 0}
    # Nobody else's profile changed.
    assert not ProfileSkill.objects.exclude(student=w.student).exists()


def test_other_moves_and_refused_moves_change_no_profile(w, django_capture_on_commit_callbacks):
    application = ApplicationFactory(
        opportunity=w.dev_job, student=w.student, institution=w.institution, stage="accepted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=w.coordinator, application=application, to_stage="placed")
    # A classmate may not complete it.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDeniedError),
    ):
        application_move(actor=w.classmate, application=application, to_stage="completed")
    assert callbacks == []
    assert Application.objects.get(pk=application.pk).stage == "placed"
    assert not ProfileSkill.objects.exists()


def test_a_removed_skill_stays_hidden_when_a_placement_completes(
    w, django_capture_on_commit_callbacks
):
    services.profile_skill_remove(actor=w.student, student=w.student, concept=w.sql)
    application = ApplicationFactory(
        opportunity=w.dev_job, student=w.student, institution=w.institution, stage="placed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=w.coordinator, application=application, to_stage="completed")
    assert held_concept_ids(w.student) == {w.python.pk, w.teamwork.pk}
    assert RemovedSkill.objects.filter(student=w.student, concept=w.sql).exists()


def test_placement_refresh_is_idempotent(w, django_capture_on_commit_callbacks):
    application = ApplicationFactory(
        opportunity=w.analyst_job, student=w.student, institution=w.institution, stage="placed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=w.coordinator, application=application, to_stage="completed")
    assert len(labels(w.student)) == len(demand_uris(w.analyst_job)) > 0
    again = services.profile_placement_refresh(application_id=application.pk)
    assert again == services.RebuildResult(added=0, removed=0)
    assert services.profile_rebuild(actor=w.student, student=w.student) == again


# --- Course skills decided by an educator -----------------------------------------------------
def test_confirming_an_outcome_skill_reaches_every_student_who_completed_the_course(
    w, django_capture_on_commit_callbacks
):
    complete(w, w.student, w.team_course)
    complete(w, w.classmate, w.team_course)
    complete(w, w.classmate, w.python_course)
    assert labels(w.student) == ["teamwork principles"]
    suggested = mapping(w.team_course, w.negotiate)
    assert suggested.status == MappingStatus.SUGGESTED
    with django_capture_on_commit_callbacks(execute=True):
        mapping_decide(actor=w.educator, mapping=suggested, status=MappingStatus.CONFIRMED)
        assert labels(w.student) == ["teamwork principles"]  # the task runs after commit
    assert labels(w.student) == ["negotiate contracts", "teamwork principles"]
    assert labels(w.classmate) == [
        "Python (computer programming)",
        "negotiate contracts",
        "teamwork principles",
    ]
    entry = ProfileSkill.objects.get(student=w.student, concept=w.negotiate)
    assert (entry.source, entry.course_id) == ("course", w.team_course.pk)
    assert not ProfileSkill.objects.filter(student=w.other_student).exists()
    event = AuditEvent.objects.get(action="profiles.refresh.course")
    assert event.actor is None and event.changes == {"added": 2, "removed": 0}
    assert event.target_id == str(w.team_course.public_id)


def test_rejecting_an_outcome_skill_removes_it_from_the_students(
    w, django_capture_on_commit_callbacks
):
    complete(w, w.student, w.data_course)
    complete(w, w.student, w.team_course)
    assert labels(w.student) == ["SQL", "teamwork principles", "use spreadsheets software"]
    with django_capture_on_commit_callbacks(execute=True):
        mapping_decide(
            actor=w.educator, mapping=mapping(w.data_course, w.sql), status=MappingStatus.REJECTED
        )
    assert labels(w.student) == ["teamwork principles", "use spreadsheets software"]
    # Back to suggested is still not confirmed; confirming again gives it back.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mapping_decide(
            actor=w.educator, mapping=mapping(w.data_course, w.sql), status=MappingStatus.SUGGESTED
        )
    # rejected -> suggested changes no confirmed skill: no task queued (the For-you page's
    # cached explanations are told the mapping moved, which is not a task)
    assert _tasks(callbacks) == []
    with django_capture_on_commit_callbacks(execute=True):
        mapping_decide(
            actor=w.educator, mapping=mapping(w.data_course, w.sql), status=MappingStatus.CONFIRMED
        )
    assert labels(w.student) == ["SQL", "teamwork principles", "use spreadsheets software"]


def test_skill_the_course_still_teaches_elsewhere_and_other_evidence_stay(
    w, django_capture_on_commit_callbacks
):
    """Rejecting a course skill removes only that course's entry: the same skill from a CV,
    from the student's own addition or from another course stays."""
    complete(w, w.student, w.python_course)
    services.profile_cv_extract(actor=w.student, student=w.student, text="Python every day")
    with django_capture_on_commit_callbacks(execute=True):
        mapping_decide(
            actor=w.educator,
            mapping=mapping(w.python_course, w.python),
            status=MappingStatus.REJECTED,
        )
    assert labels(w.student) == ["Python (computer programming)"]
    assert labels(w.student, "course") == []
    assert w.python.pk in held_concept_ids(w.student)


def test_adding_a_confirmed_skill_and_deleting_an_outcome_refresh_too(
    w, django_capture_on_commit_callbacks
):
    complete(w, w.student, w.python_course)
    outcome = w.python_course.outcomes.get()
    with django_capture_on_commit_callbacks(execute=True):
        mapping_add(actor=w.educator, outcome=outcome, concept=w.sql)
    assert labels(w.student) == ["Python (computer programming)", "SQL"]
    with django_capture_on_commit_callbacks(execute=True):
        outcome_delete(actor=w.educator, outcome=outcome)
    assert labels(w.student) == []


def test_no_task_when_nobody_completed_the_course(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mapping_decide(
            actor=w.educator,
            mapping=mapping(w.team_course, w.negotiate),
            status=MappingStatus.CONFIRMED,
        )
    assert _tasks(callbacks) == []
    assert not ProfileSkill.objects.exists()


def test_course_refresh_runs_a_bounded_number_of_queries(w):
    """One course refresh costs the same queries for 3 students as for 40."""

    def cost(n: int) -> int:
        """Queries of a refresh for ``n`` students who completed the course (none on file)."""
        while w.data_course.completions.count() < n:
            complete(w, member(w.institution, Role.STUDENT, user=UserFactory()), w.data_course)
        ProfileSkill.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            result = services.profile_course_refresh(course_id=w.data_course.pk)
        assert result.added == 2 * n
        assert ProfileSkill.objects.filter(source="course").count() == 2 * n
        return len(ctx.captured_queries)

    small = cost(3)
    assert cost(40) == small


def test_course_refresh_of_a_deleted_course_does_nothing(w):
    assert services.profile_course_refresh(course_id=10**9) == services.RebuildResult(0, 0)


# --- For real: after a real commit ------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_both_refreshes_after_a_real_commit():
    world = profile_world()
    try:
        complete(world, world.student, world.team_course)
        mapping_decide(
            actor=world.educator,
            mapping=mapping(world.team_course, world.negotiate),
            status=MappingStatus.CONFIRMED,
        )
        assert labels(world.student) == ["negotiate contracts", "teamwork principles"]
        application = ApplicationFactory(
            opportunity=world.negotiator_job,
            student=world.student,
            institution=world.institution,
            stage="placed",
        )
        application_move(actor=world.coordinator, application=application, to_stage="completed")
        assert labels(world.student, "placement") == ["negotiate contracts"]
    finally:
        reset_extractor()
