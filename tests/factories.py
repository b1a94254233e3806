"""factory_boy factories for the domain. Passwords are all ``correct-horse-battery``."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tandem.accounts.models import User
from tandem.organizations.models import Membership, Organization, Role, Sector

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Institution {n}")
    slug = factory.Sequence(lambda n: f"institution-{n}")
    kind = "institution"
    type = "college"
    sector = Sector.EDUCATION


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = "partner"
    type = "company"
    sector = Sector.TECHNOLOGY


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(InstitutionFactory)
    role = Role.STUDENT


def member(organization: Organization, role: str, **kwargs: object) -> User:
    """A new user holding ``role`` in ``organization``."""
    m = MembershipFactory(organization=organization, role=role, **kwargs)
    return m.user


# --- Domain objects (partnerships, opportunities, applications) --------------------------------
from tandem.applications.models import Application  # noqa: E402
from tandem.opportunities.models import Opportunity, OpportunityApproval  # noqa: E402
from tandem.partnerships.models import Partnership  # noqa: E402


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Partnership {n}")
    types = factory.LazyFunction(lambda: ["internships"])
    status = "active"

    @factory.post_generation
    def institutions(self, create, extracted, **kwargs):
        if create and extracted:
            self.institutions.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity

    host = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Software internship {n}")
    type = "internship"
    description = "Work with our engineering team on real projects."
    seats = 2
    status = "draft"


def published_opportunity(host, institutions, **kwargs) -> Opportunity:
    """A published posting approved by each of ``institutions``."""
    opp = OpportunityFactory(host=host, status="published", **kwargs)
    for inst in institutions:
        OpportunityApproval.objects.create(opportunity=opp, institution=inst, status="approved")
    return opp


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    opportunity = factory.SubFactory(OpportunityFactory)
    student = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    statement = "I would love to learn from your team."
    stage = "submitted"


# --- Applications: uploads and a ready-made cast ------------------------------------------------
from dataclasses import dataclass  # noqa: E402

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def pdf_upload(name: str = "cv.pdf", content: bytes = MINIMAL_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name: str = "cv.pdf") -> SimpleUploadedFile:
    """A PNG image renamed .pdf and sent with a PDF content type: must be refused."""
    return SimpleUploadedFile(name, PNG_BYTES, content_type="application/pdf")


@dataclass
class ApplicationCast:
    """Everyone around one published opportunity, for authorization matrices."""

    institution: Organization
    other_institution: Organization
    host: Organization
    other_partner: Organization
    opportunity: Opportunity
    student: User
    classmate: User
    coordinator: User
    educator: User
    recruiter: User
    supervisor: User
    mentor: User
    other_recruiter: User
    other_coordinator: User
    other_student: User
    outsider: User
    admin: User

    def role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def application_cast(**opportunity_kwargs: object) -> ApplicationCast:
    inst, other_inst = InstitutionFactory(), InstitutionFactory()
    host, other_partner = PartnerFactory(), PartnerFactory()
    opp = published_opportunity(host, [inst], **opportunity_kwargs)
    return ApplicationCast(
        institution=inst,
        other_institution=other_inst,
        host=host,
        other_partner=other_partner,
        opportunity=opp,
        student=member(inst, Role.STUDENT),
        classmate=member(inst, Role.STUDENT),
        coordinator=member(inst, Role.COORDINATOR),
        educator=member(inst, Role.EDUCATOR),
        recruiter=member(host, Role.RECRUITER),
        supervisor=member(host, Role.SUPERVISOR),
        mentor=member(host, Role.MENTOR),
        other_recruiter=member(other_partner, Role.RECRUITER),
        other_coordinator=member(other_inst, Role.COORDINATOR),
        other_student=member(other_inst, Role.STUDENT),
        outsider=UserFactory(),
        admin=UserFactory(is_staff=True, is_superuser=True),
    )


def application_at(
    cast: ApplicationCast,
    stage: str = "submitted",
    *,
    student: User | None = None,
    opportunity: Opportunity | None = None,
    with_cv: bool = True,
) -> Application:
    """An application by ``student`` (default: the cast's student) already at ``stage``."""
    app = ApplicationFactory(
        opportunity=opportunity or cast.opportunity,
        student=student or cast.student,
        institution=cast.institution,
        stage=stage,
    )
    if with_cv:
        app.cv.save("cv.pdf", ContentFile(MINIMAL_PDF), save=False)
        app.cv_content_type = "application/pdf"
        app.save()
    return app


# --- Organizations and opportunities (sites, a cast for the opportunity tests) -----------------
from decimal import Decimal  # noqa: E402

from tandem.organizations.models import Site  # noqa: E402


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    city = "Leeds"


@dataclass
class OpportunityCast:
    """A partner posting to an institution, and everyone around them (opportunity tests)."""

    host: Organization
    other_partner: Organization
    inst: Organization
    other_inst: Organization
    recruiter: User
    supervisor: User
    mentor: User
    other_recruiter: User
    coordinator: User
    educator: User
    other_coordinator: User
    student: User
    other_student: User
    outsider: User
    admin: User


def opportunity_cast() -> OpportunityCast:
    host, other_partner = PartnerFactory(), PartnerFactory()
    inst, other_inst = InstitutionFactory(), InstitutionFactory()
    return OpportunityCast(
        host=host,
        other_partner=other_partner,
        inst=inst,
        other_inst=other_inst,
        recruiter=member(host, Role.RECRUITER),
        supervisor=member(host, Role.SUPERVISOR),
        mentor=member(host, Role.MENTOR),
        other_recruiter=member(other_partner, Role.RECRUITER),
        coordinator=member(inst, Role.COORDINATOR),
        educator=member(inst, Role.EDUCATOR),
        other_coordinator=member(other_inst, Role.COORDINATOR),
        student=member(inst, Role.STUDENT, program="Computer Science", year_of_study=2),
        other_student=member(other_inst, Role.STUDENT, program="Computer Science", year_of_study=2),
        outsider=UserFactory(),
        admin=UserFactory(is_staff=True, is_superuser=True),
    )


def opportunity_fields(**overrides: object) -> dict[str, object]:
    """Valid keyword arguments for ``opportunity_create``."""
    import datetime as _dt

    from django.utils import timezone as _tz

    today = _tz.localdate()
    fields: dict[str, object] = {
        "title": "Data engineering internship",
        "type": "internship",
        "description": "Build pipelines with our data team.",
        "work_mode": "hybrid",
        "start_date": today + _dt.timedelta(days=60),
        "end_date": today + _dt.timedelta(days=150),
        "seats": 2,
        "pay_amount": Decimal("1450.00"),
        "pay_currency": "GBP",
        "pay_period": "month",
        "application_deadline": _tz.now() + _dt.timedelta(days=30),
    }
    fields.update(overrides)
    return fields


# --- Match rounds (tandem.matching) -------------------------------------------------------------
@dataclass
class MatchRoundCast:
    """A small hand-built market: institution with a coordinator and five students; host H1
    (recruiter, supervisor) with opportunities A (1 seat) and B (3 seats) under a partnership
    with a placements KPI; host H2 (recruiter) with C (1 seat); plus outsiders."""

    institution: Organization
    coordinator: User
    students: list[User]
    h1: Organization
    h2: Organization
    recruiter1: User
    supervisor1: User
    recruiter2: User
    a: Opportunity
    b: Opportunity
    c: Opportunity
    partnership: Partnership
    kpi: object
    other_institution: Organization
    other_coordinator: User
    other_student: User
    stranger_recruiter: User
    nobody: User


def match_round_cast() -> MatchRoundCast:
    import datetime as _dt

    from django.utils import timezone as _tz

    from tandem.partnerships.models import KPI, Objective

    inst = InstitutionFactory(name="Northfield College")
    other = InstitutionFactory(name="Southbank College")
    h1 = PartnerFactory(name="Harbour Health")
    h2 = PartnerFactory(name="Kestrel Labs")
    stranger_host = PartnerFactory(name="Elsewhere Ltd")
    partnership = PartnershipFactory(institutions=[inst], partners=[h1])
    objective = Objective.objects.create(partnership=partnership, title="Placements")
    today = _tz.localdate()
    kpi = KPI.objects.create(
        objective=objective,
        name="Students placed",
        baseline=0,
        target=10,
        start_date=today - _dt.timedelta(days=30),
        due_date=today + _dt.timedelta(days=300),
        metric="placements",
    )
    a = published_opportunity(
        h1, [inst, other], title="A ward rotation", seats=1, partnership=partnership
    )
    b = published_opportunity(
        h1, [inst], title="B clinic rotation", seats=3, partnership=partnership
    )
    c = published_opportunity(h2, [inst], title="C lab internship", seats=1)
    students = [
        member(inst, Role.STUDENT, user=UserFactory(full_name=f"Student {i}")) for i in range(1, 6)
    ]
    return MatchRoundCast(
        institution=inst,
        coordinator=member(inst, Role.COORDINATOR),
        students=students,
        h1=h1,
        h2=h2,
        recruiter1=member(h1, Role.RECRUITER),
        supervisor1=member(h1, Role.SUPERVISOR),
        recruiter2=member(h2, Role.RECRUITER),
        a=a,
        b=b,
        c=c,
        partnership=partnership,
        kpi=kpi,
        other_institution=other,
        other_coordinator=member(other, Role.COORDINATOR),
        other_student=member(other, Role.STUDENT),
        stranger_recruiter=member(stranger_host, Role.RECRUITER),
        nobody=UserFactory(),
    )


# --- Surveys ------------------------------------------------------------------------------------
@dataclass
class SurveyCast:
    """Everyone around one institution's survey, for authorization matrices."""

    institution: Organization
    other_institution: Organization
    partner: Organization
    coordinator: User
    educator: User
    student: User
    other_coordinator: User
    recruiter: User
    outsider: User
    admin: User

    def role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def survey_cast() -> SurveyCast:
    inst, other = InstitutionFactory(), InstitutionFactory()
    partner = PartnerFactory()
    return SurveyCast(
        institution=inst,
        other_institution=other,
        partner=partner,
        coordinator=member(inst, Role.COORDINATOR),
        educator=member(inst, Role.EDUCATOR),
        student=member(inst, Role.STUDENT),
        other_coordinator=member(other, Role.COORDINATOR),
        recruiter=member(partner, Role.RECRUITER),
        outsider=UserFactory(),
        admin=UserFactory(is_staff=True, is_superuser=True),
    )


def survey_with_questions(
    institution: Organization, *, anonymous: bool = False, min_responses: int = 1, publish=True
):
    """A survey with one question of each kind (keys: likert, nps, single, multiple, number,
    text, skills, why — shown only if ``single`` is "no")."""
    from tandem.surveys import services

    survey = services.survey_create(
        actor=None,
        institution=institution,
        title="Placement feedback",
        audience="students",
        is_anonymous=anonymous,
        min_responses=min_responses,
    )
    add = services.question_add
    add(actor=None, survey=survey, key="likert", text="It was good", type="likert", required=True)
    add(actor=None, survey=survey, key="nps", text="Recommend?", type="nps")
    add(
        actor=None,
        survey=survey,
        key="single",
        text="Would you return?",
        type="single",
        required=True,
        options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    )
    add(
        actor=None,
        survey=survey,
        key="multiple",
        text="What helped?",
        type="multiple",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    )
    add(
        actor=None,
        survey=survey,
        key="number",
        text="Hours",
        type="number",
        min_value=0,
        max_value=80,
    )
    add(actor=None, survey=survey, key="text", text="Comments", type="text")
    add(
        actor=None,
        survey=survey,
        key="skills",
        text="Skills",
        type="skills",
        skills=["teamwork", "sql"],
    )
    add(
        actor=None,
        survey=survey,
        key="why",
        text="Why not?",
        type="text",
        required=True,
        condition={"question": "single", "op": "in", "values": ["no"]},
    )
    if publish:
        services.survey_publish(actor=None, survey=survey)
    return survey


VALID_ANSWERS = {
    "likert": "4",
    "nps": "9",
    "single": "yes",
    "multiple": ["a"],
    "number": "12",
    "text": "Great team",
    "skills": {"teamwork": "5", "sql": ""},
}


# --- Curriculum (programs, courses, outcomes, ESCO skills) -------------------------------------
import uuid as _uuid  # noqa: E402

from tandem.curricula.models import Course, LearningOutcome, OutcomeSkill, Program  # noqa: E402
from tandem.skills.models import SkillConcept, SkillGroup, SkillLabel  # noqa: E402


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"Program {n}")


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    code = factory.Sequence(lambda n: f"C{n:03d}")


class LearningOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = LearningOutcome

    course = factory.SubFactory(CourseFactory)
    text = factory.Sequence(lambda n: f"Outcome {n}")


class OutcomeSkillFactory(DjangoModelFactory):
    class Meta:
        model = OutcomeSkill

    outcome = factory.SubFactory(LearningOutcomeFactory)
    status = "suggested"


# (label, alternative labels, hierarchy group code) of the small test taxonomy.
SMALL_TAXONOMY = (
    ("Python (computer programming)", ("Python",), "S5"),
    ("use spreadsheets software", ("work with spreadsheets",), "S5"),
    ("SQL", ("structured query language",), "S5"),
    ("negotiate contracts", ("contract bargaining",), "S1"),
    ("teamwork principles", ("work in teams",), "S1"),
)


def small_taxonomy() -> dict[str, SkillConcept]:
    """A handful of ESCO-like concepts under two hierarchy groups, with stable URIs (the
    same labels always get the same URI, so a cached extractor never goes stale)."""
    root, _ = SkillGroup.objects.get_or_create(code="S", defaults={"name": "skills", "level": 0})
    groups = {
        "S1": SkillGroup.objects.get_or_create(
            code="S1", defaults={"name": "communication", "level": 1, "parent": root}
        )[0],
        "S5": SkillGroup.objects.get_or_create(
            code="S5", defaults={"name": "working with computers", "level": 1, "parent": root}
        )[0],
    }
    concepts: dict[str, SkillConcept] = {}
    for label, alts, code in SMALL_TAXONOMY:
        cid = _uuid.uuid5(_uuid.NAMESPACE_URL, label)
        c = SkillConcept.objects.create(
            uri=f"http://data.europa.eu/esco/skill/{cid}",
            esco_id=cid,
            preferred_label=label,
            kind="skill",
        )
        c.groups.add(groups[code])
        SkillLabel.objects.create(concept=c, label=label, search=label.lower(), is_preferred=True)
        for a in alts:
            SkillLabel.objects.create(concept=c, label=a, search=a.lower())
        concepts[label] = c
    return concepts
