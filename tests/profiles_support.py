"""A small world for the profile tests: an institution with a program whose courses teach
skills of the small ESCO slice, students, staff, partners and published opportunities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tandem.accounts.models import User
from tandem.curricula.models import Course, OutcomeSkill
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization, Role
from tandem.skills.models import OpportunityDemand, SkillConcept, SkillGroup
from tandem.skills.services import opportunity_skills_refresh
from tandem.skills.services.extraction import reset_extractor
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    PartnerFactory,
    ProgramFactory,
    UserFactory,
    member,
    published_opportunity,
    small_taxonomy,
)


@dataclass
class ProfileWorld:
    concepts: dict[str, SkillConcept]
    institution: Organization
    other_institution: Organization
    partner: Organization
    student: User
    classmate: User
    other_student: User
    educator: User
    coordinator: User
    other_coordinator: User
    recruiter: User
    outsider: User
    admin: User
    python_course: Course
    data_course: Course
    team_course: Course
    dev_job: Opportunity
    analyst_job: Opportunity
    negotiator_job: Opportunity

    def role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)

    @property
    def python(self) -> SkillConcept:
        return self.concepts["Python (computer programming)"]

    @property
    def sql(self) -> SkillConcept:
        return self.concepts["SQL"]

    @property
    def spreadsheets(self) -> SkillConcept:
        return self.concepts["use spreadsheets software"]

    @property
    def negotiate(self) -> SkillConcept:
        return self.concepts["negotiate contracts"]

    @property
    def teamwork(self) -> SkillConcept:
        return self.concepts["teamwork principles"]


def _teach(course: Course, *concepts: SkillConcept, status: str = "confirmed") -> None:
    outcome = LearningOutcomeFactory(course=course, text=f"Outcome of {course.title}")
    for c in concepts:
        OutcomeSkill.objects.create(outcome=outcome, concept=c, status=status)


def leaf_groups(concepts: dict[str, SkillConcept]) -> None:
    """File Python and SQL under one leaf group (siblings), the others under their own."""
    parent = SkillGroup.objects.get(code="S5")
    mid = SkillGroup.objects.create(code="S5.6", name="programming", level=2, parent=parent)
    leaf = SkillGroup.objects.create(code="S5.6.1", name="programming systems", level=3, parent=mid)
    concepts["Python (computer programming)"].groups.add(leaf)
    concepts["SQL"].groups.add(leaf)


def profile_world() -> ProfileWorld:
    reset_extractor()
    concepts = small_taxonomy()
    leaf_groups(concepts)
    inst, other = InstitutionFactory(), InstitutionFactory()
    partner = PartnerFactory()
    program = ProgramFactory(institution=inst, title="Computing")
    python_course = CourseFactory(program=program, title="Programming in Python", code="CS101")
    data_course = CourseFactory(program=program, title="Databases", code="CS102")
    team_course = CourseFactory(program=program, title="Team project", code="CS103")
    _teach(python_course, concepts["Python (computer programming)"])
    _teach(data_course, concepts["SQL"], concepts["use spreadsheets software"])
    _teach(team_course, concepts["teamwork principles"])
    _teach(team_course, concepts["negotiate contracts"], status="suggested")
    # The other institution teaches negotiation: never shown to our students.
    other_course = CourseFactory(program=ProgramFactory(institution=other), title="Negotiation")
    _teach(other_course, concepts["negotiate contracts"])
    dev_job = published_opportunity(
        partner,
        [inst, other],
        title="Developer internship",
        description="Build services.",
        skills_wanted="Python, SQL, teamwork principles",
    )
    analyst_job = published_opportunity(
        partner,
        [inst],
        title="Analyst internship",
        description="Reporting.",
        skills_wanted="SQL and spreadsheets: work with spreadsheets every day",
    )
    negotiator_job = published_opportunity(
        partner,
        [inst],
        title="Procurement internship",
        description="Purchasing.",
        skills_wanted="negotiate contracts",
    )
    # What the worker does after the opportunities' services commit (skills.tasks).
    opportunity_skills_refresh()
    return ProfileWorld(
        concepts=concepts,
        institution=inst,
        other_institution=other,
        partner=partner,
        student=member(inst, Role.STUDENT, user=UserFactory(full_name="Sam Student")),
        classmate=member(inst, Role.STUDENT),
        other_student=member(other, Role.STUDENT),
        educator=member(inst, Role.EDUCATOR),
        coordinator=member(inst, Role.COORDINATOR),
        other_coordinator=member(other, Role.COORDINATOR),
        recruiter=member(partner, Role.RECRUITER),
        outsider=UserFactory(),
        admin=UserFactory(is_staff=True, is_superuser=True),
        python_course=python_course,
        data_course=data_course,
        team_course=team_course,
        dev_job=dev_job,
        analyst_job=analyst_job,
        negotiator_job=negotiator_job,
    )


def demand_uris(opportunity: Opportunity) -> list[str]:
    row = OpportunityDemand.objects.filter(opportunity=opportunity).first()
    return list(row.skills) if row else []


YESTERDAY = dt.date.today() - dt.timedelta(days=1)
