"""Curriculum services: programs → courses → outcomes, extractor suggestions, decisions."""

from __future__ import annotations

import pytest

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.curricula import services
from tandem.curricula.models import MappingSource, MappingStatus, OutcomeSkill, Program
from tandem.organizations.models import Role
from tandem.skills.services.extraction import extract_lexical, reset_extractor
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    member,
    small_taxonomy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def concepts(db):
    reset_extractor()
    yield small_taxonomy()
    reset_extractor()


@pytest.fixture
def school(db):
    return InstitutionFactory()


@pytest.fixture
def educator(school):
    return member(school, Role.EDUCATOR)


def test_extractor_uses_the_stored_taxonomy(concepts):
    found = extract_lexical("Students write Python scripts and work in teams.")
    assert {m.uri for m in found} == {
        concepts["Python (computer programming)"].uri,
        concepts["teamwork principles"].uri,
    }


def test_extractor_follows_a_changed_taxonomy(concepts):
    assert extract_lexical("Students use Excel.") == []
    from tandem.skills.models import SkillLabel

    SkillLabel.objects.create(
        concept=concepts["use spreadsheets software"], label="Excel", search="excel"
    )
    assert [m.uri for m in extract_lexical("Students use Excel.")] == [
        concepts["use spreadsheets software"].uri
    ]


def test_program_course_outcome_flow_suggests_skills(concepts, school, educator):
    program = services.program_create(actor=educator, institution=school, title=" Data BSc ")
    assert program.title == "Data BSc"
    course = services.course_create(actor=educator, program=program, title="Databases", code="DB1")
    outcome = services.outcome_create(
        actor=educator, course=course, text="Query a database with SQL and work with spreadsheets."
    )
    links = {link.concept.preferred_label: link for link in outcome.skill_links.all()}
    assert set(links) == {"SQL", "use spreadsheets software"}
    assert all(
        link.status == MappingStatus.SUGGESTED and link.source == MappingSource.EXTRACTOR
        for link in links.values()
    )
    assert all(link.spans for link in links.values())
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "curricula.program.create",
        "curricula.course.create",
        "curricula.outcome.create",
    ]


def test_confirm_reject_and_add(concepts, school, educator):
    outcome = LearningOutcomeFactory(
        course=CourseFactory(program=Program.objects.create(institution=school, title="P")),
        text="Write Python.",
    )
    assert services.outcome_suggest_skills(actor=educator, outcome=outcome) == 1
    assert services.outcome_suggest_skills(actor=educator, outcome=outcome) == 0
    link = outcome.skill_links.get()
    services.mapping_decide(actor=educator, mapping=link, status=MappingStatus.CONFIRMED)
    link.refresh_from_db()
    assert (link.status, link.decided_by) == (MappingStatus.CONFIRMED, educator)
    services.mapping_decide(actor=educator, mapping=link, status=MappingStatus.REJECTED)
    link.refresh_from_db()
    assert link.status == MappingStatus.REJECTED
    added = services.mapping_add(
        actor=educator, outcome=outcome, concept=concepts["negotiate contracts"]
    )
    assert (added.status, added.source) == (MappingStatus.CONFIRMED, MappingSource.EDUCATOR)
    # Adding an already linked (rejected) skill confirms the existing link.
    again = services.mapping_add(
        actor=educator, outcome=outcome, concept=concepts["Python (computer programming)"]
    )
    assert again.pk == link.pk and again.status == MappingStatus.CONFIRMED
    assert outcome.skill_links.count() == 2
    with pytest.raises(DomainError):
        services.mapping_decide(actor=educator, mapping=link, status="maybe")


def test_rewording_refreshes_only_undecided_suggestions(concepts, school, educator):
    course = CourseFactory(program=Program.objects.create(institution=school, title="P"))
    outcome = services.outcome_create(actor=educator, course=course, text="Python and SQL.")
    python = outcome.skill_links.get(concept=concepts["Python (computer programming)"])
    services.mapping_decide(actor=educator, mapping=python, status=MappingStatus.CONFIRMED)
    services.outcome_update(actor=educator, outcome=outcome, text="Python, and work in teams.")
    labels = dict(outcome.skill_links.values_list("concept__preferred_label", "status"))
    assert labels == {
        "Python (computer programming)": "confirmed",
        "teamwork principles": "suggested",
    }


def test_bad_input_is_a_domain_error(concepts, school, educator):
    with pytest.raises(DomainError):
        services.program_create(actor=educator, institution=school, title="  ")
    program = services.program_create(actor=educator, institution=school, title="P")
    with pytest.raises(ConflictError):
        services.program_create(actor=educator, institution=school, title="P")
    course = services.course_create(actor=educator, program=program, title="C")
    with pytest.raises(ConflictError):
        services.course_create(actor=educator, program=program, title="C")
    with pytest.raises(DomainError):
        services.outcome_create(actor=educator, course=course, text="x" * 2001)
    retired = concepts["SQL"]
    retired.is_current = False
    retired.save()
    outcome = services.outcome_create(actor=educator, course=course, text="Anything.")
    with pytest.raises(DomainError):
        services.mapping_add(actor=educator, outcome=outcome, concept=retired)


@pytest.mark.parametrize("role", [Role.STUDENT, Role.RECRUITER, None, "other-educator"])
def test_only_staff_of_the_institution_write(concepts, school, role):
    course = CourseFactory(program=Program.objects.create(institution=school, title="P"))
    outcome = LearningOutcomeFactory(course=course, text="Python.")
    link = OutcomeSkill.objects.create(
        outcome=outcome, concept=concepts["Python (computer programming)"]
    )
    if role is None:
        from django.contrib.auth.models import AnonymousUser

        actor = AnonymousUser()
    elif role == "other-educator":
        actor = member(InstitutionFactory(), Role.EDUCATOR)
    else:
        actor = member(school, role)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.program_create(actor=actor, institution=school, title="New")
    with pytest.raises(PermissionDeniedError):
        services.course_create(actor=actor, program=course.program, title="New")
    with pytest.raises(PermissionDeniedError):
        services.outcome_create(actor=actor, course=course, text="New")
    with pytest.raises(PermissionDeniedError):
        services.mapping_decide(actor=actor, mapping=link, status=MappingStatus.CONFIRMED)
    with pytest.raises(PermissionDeniedError):
        services.mapping_add(actor=actor, outcome=outcome, concept=concepts["SQL"])
    with pytest.raises(PermissionDeniedError):
        services.program_delete(actor=actor, program=course.program)
    link.refresh_from_db()
    assert link.status == MappingStatus.SUGGESTED
    assert Program.objects.count() == 1 and outcome.skill_links.count() == 1
    assert AuditEvent.objects.count() == before


def test_coordinator_may_edit(concepts, school):
    coordinator = member(school, Role.COORDINATOR)
    program = services.program_create(actor=coordinator, institution=school, title="P")
    services.program_update(actor=coordinator, program=program, title="Q", code="Q1")
    program.refresh_from_db()
    assert (program.title, program.code) == ("Q", "Q1")
