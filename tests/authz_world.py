"""The world of the authorization matrix (tests/test_authz_matrix.py): institution A and
partner P with one user of every role, an outsider set in institution B and partner Q, and
at least one object of every kind a URL parameter names, all owned by A/P.

Built once per test module inside a transaction that is rolled back at the end; every test
runs in a savepoint of it (pytest-django), so what an allowed role changes is undone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from tandem.organizations.models import Organization, Role
from tests.factories import (
    MINIMAL_PDF,
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    OutcomeSkillFactory,
    PartnerFactory,
    PartnershipFactory,
    ProgramFactory,
    UserFactory,
    member,
    published_opportunity,
    small_taxonomy,
)

#: Everyone in A/P, by role. ``admin`` is a platform admin with no membership.
ROLES = (
    "student",
    "coordinator",
    "educator",
    "recruiter",
    "supervisor",
    "mentor",
    "funder",
    "admin",
)
#: Members of institution B / partner Q only.
OUTSIDERS = ("other_coordinator", "other_recruiter", "other_student")

PROGRAM_NAME = "Computer Science"


@dataclass
class World:
    inst: Organization
    partner: Organization
    other_inst: Organization
    other_partner: Organization
    users: dict[str, Any]
    #: key (as used by the parameter tables) → the object.
    objects: dict[str, Any] = field(default_factory=dict)
    #: Strings that identify A/P's private objects (ids and distinctive names): an outsider's
    #: list must contain none of them.
    secrets: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def user(self, name: str) -> Any:
        return None if name == "anonymous" else self.users[name]

    def id(self, key: str) -> str:
        obj = self.objects[key]
        for attr in ("public_id", "esco_id"):
            if getattr(obj, attr, None) is not None:
                return str(getattr(obj, attr))
        raise AssertionError(f"{key}: no public id")


def build_world() -> World:
    from tandem.accounts.services import api_token_create
    from tandem.applications.models import Application
    from tandem.curricula.models import ExtractionJob, PostingImport, SkillProposal
    from tandem.matching import services as matching
    from tandem.matching.models import MenteeProfile, ProgramApplication
    from tandem.organizations import invitations
    from tandem.organizations.models import Membership, PartnerVetting, Site
    from tandem.partnerships.models import (
        KPI,
        ActionItem,
        Commitment,
        CommunicationEntry,
        Objective,
        PartnershipContact,
        PartnershipDocument,
    )
    from tandem.profiles.models import CourseCompletion
    from tandem.rosters.models import RosterImport
    from tandem.surveys import services as surveys
    from tests.factories import survey_with_questions

    inst = InstitutionFactory(name="Alpha College", slug="alpha-college")
    partner = PartnerFactory(name="Papaya Labs", slug="papaya-labs")
    other_inst = InstitutionFactory(name="Beta College", slug="beta-college")
    other_partner = PartnerFactory(name="Quince Works", slug="quince-works")
    users = {
        "student": member(
            inst,
            Role.STUDENT,
            user=UserFactory(full_name="Stella Student"),
            program=PROGRAM_NAME,
            year_of_study=2,
        ),
        "coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "recruiter": member(partner, Role.RECRUITER),
        "supervisor": member(partner, Role.SUPERVISOR),
        "mentor": member(partner, Role.MENTOR),
        "funder": member(partner, Role.FUNDER),
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "other_coordinator": member(other_inst, Role.COORDINATOR),
        "other_recruiter": member(other_partner, Role.RECRUITER),
        "other_student": member(other_inst, Role.STUDENT, program=PROGRAM_NAME, year_of_study=2),
    }
    coordinator = users["coordinator"]
    student = users["student"]
    w = World(inst, partner, other_inst, other_partner, users)
    o = w.objects
    o["institution"] = inst
    o["partner"] = partner
    o["student"] = student
    o["membership"] = Membership.objects.get(user=student, organization=inst)
    o["site"] = Site.objects.create(organization=inst, name="Alpha main campus", city="Leeds")
    PartnerVetting.objects.create(institution=inst, partner=partner, status="approved")
    o["token"], _raw = api_token_create(actor=student, name="alpha-student-script")

    # Partnerships
    today = timezone.localdate()
    ps = PartnershipFactory(
        title="Alpha Papaya partnership",
        institutions=[inst],
        partners=[partner],
        types=["internships", "curriculum"],
    )
    o["partnership"] = ps
    o["objective"] = Objective.objects.create(partnership=ps, title="Alpha placements objective")
    o["kpi"] = KPI.objects.create(
        objective=o["objective"],
        name="Alpha students placed",
        baseline=0,
        target=10,
        start_date=today - dt.timedelta(days=30),
        due_date=today + dt.timedelta(days=300),
        metric="placements",
    )
    o["commitment"] = Commitment.objects.create(
        partnership=ps,
        organization=partner,
        kind="funding",
        description="Alpha bursary",
        amount=Decimal("1000"),
        currency="GBP",
    )
    o["contact"] = PartnershipContact.objects.create(
        partnership=ps, organization=partner, name="Alpha contact", email="contact@papaya.test"
    )
    o["communication"] = CommunicationEntry.objects.create(
        partnership=ps, kind="meeting", date=today, title="Alpha kickoff", author=coordinator
    )
    o["action_item"] = ActionItem.objects.create(
        partnership=ps, description="Alpha follow-up", created_by=coordinator
    )
    doc = PartnershipDocument(
        partnership=ps,
        kind="agreement",
        title="Alpha agreement",
        original_name="agreement.pdf",
        content_type="application/pdf",
        size=len(MINIMAL_PDF),
        uploaded_by=coordinator,
    )
    doc.file.save("agreement.pdf", ContentFile(MINIMAL_PDF), save=False)
    doc.save()
    o["document"] = doc

    # Opportunities and applications
    opp = published_opportunity(
        partner, [inst], title="Alpha data internship", partnership=ps, seats=3
    )
    o["opportunity"] = opp
    app = Application.objects.create(
        opportunity=opp,
        student=student,
        institution=inst,
        statement="I would love to learn from your team.",
        stage="submitted",
    )
    app.cv.save("cv.pdf", ContentFile(MINIMAL_PDF), save=False)
    app.cv_content_type = "application/pdf"
    app.save()
    o["application"] = app

    # Placements: the student's accepted clinical placement, an immunisation requirement,
    # the student's verified clearance and an hours entry.
    from tandem.placements.models import Clearance, ClearanceRequirement, HoursEntry

    clinical = published_opportunity(
        partner, [inst], title="Alpha clinical placement", type="clinical", seats=2
    )
    o["placement"] = Application.objects.create(
        opportunity=clinical,
        student=student,
        institution=inst,
        statement="Clinical placement.",
        stage="accepted",
    )
    o["requirement"] = ClearanceRequirement.objects.create(
        institution=inst, kind="immunisation", name="Alpha immunisation", validity_days=365
    )
    clearance = Clearance(
        requirement=o["requirement"],
        application=o["placement"],
        status="submitted",
        evidence_content_type="application/pdf",
    )
    clearance.evidence.save("vaccine.pdf", ContentFile(MINIMAL_PDF), save=False)
    clearance.save()
    o["clearance"] = clearance
    o["hours_entry"] = HoursEntry.objects.create(
        application=o["placement"], date=today, hours=Decimal("3"), activity="Alpha ward round"
    )
    # Its learning agreement: version 1 signed (with its PDF) and superseded, version 2 out
    # for signature, waiting for the student (then supervisor, educator, coordinator).
    from tandem.placements.models import AgreementTemplate, LearningAgreement

    order = ["student", "supervisor", "educator", "coordinator"]
    o["agreement_template"] = AgreementTemplate.objects.create(
        institution=inst,
        name="Alpha agreement template",
        sections=["objectives", "hours"],
        signing_order=order,
    )
    content = {"student": student.full_name, "sections": ["objectives"], "objectives": []}
    signed = LearningAgreement(
        application=o["placement"],
        template=o["agreement_template"],
        version=1,
        status="superseded",
        content=content,
        signing_order=order,
        content_hash="a" * 64,
        next_step=4,
    )
    signed.pdf.save("agreement.pdf", ContentFile(MINIMAL_PDF), save=False)
    signed.save()
    o["signed_agreement"] = signed
    o["agreement"] = LearningAgreement.objects.create(
        application=o["placement"],
        template=o["agreement_template"],
        version=2,
        status="signing",
        content=content,
        signing_order=order,
        content_hash="b" * 64,
        awaiting_role="student",
        sent_at=timezone.now(),
        turn_started_at=timezone.now(),
    )
    # Issue 15: the educator's visit to the placement, the student's incident on it (with
    # evidence), A's insurance certificate for P.
    from tandem.placements.models import DiligenceItem, Incident, SiteVisit

    o["visit"] = SiteVisit.objects.create(
        application=o["placement"],
        mode="virtual",
        scheduled_at=timezone.now() + dt.timedelta(days=3),
        time_zone="UTC",
        link="https://meet.example/alpha",
        visitor=users["educator"],
    )
    incident = Incident(
        application=o["placement"],
        reporter=student,
        reporter_name=student.full_name,
        kind="safety",
        severity="medium",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        description="Alpha incident report",
        evidence_content_type="application/pdf",
    )
    incident.evidence.save("photo.pdf", ContentFile(MINIMAL_PDF), save=False)
    incident.save()
    o["incident"] = incident
    item = DiligenceItem(
        institution=inst,
        partner=partner,
        kind="insurance",
        evidence_content_type="application/pdf",
        verified_at=timezone.now(),
        verified_by=coordinator,
    )
    item.evidence.save("insurance.pdf", ContentFile(MINIMAL_PDF), save=False)
    item.save()
    o["diligence_item"] = item

    # Surveys
    survey = survey_with_questions(inst)
    survey.title = "Alpha placement feedback"
    survey.save()
    o["survey"] = survey
    o["invitation"] = surveys.invitation_create(actor=coordinator, survey=survey, user=student)
    # A's invitation of its student to a second role: only that student may answer it.
    o["member_invitation"] = invitations.invitation_create(
        actor=coordinator, organization=inst, email=student.email, role="educator"
    )
    w.extra["question_key"] = "likert"

    # Events: A's published guest lecture (P's mentor speaks; A's student registered), and
    # A's request to P's mentor to speak.
    from tandem.events import services as events
    from tests.factories import event_fields

    mentor_membership = Membership.objects.get(user=users["mentor"], organization=partner)
    event = events.event_create(
        actor=coordinator,
        institution=inst,
        partnership=o["partnership"],
        speakers=[mentor_membership],
        **event_fields(title="Alpha guest lecture", capacity=5),
    )
    o["event"] = events.event_publish(actor=coordinator, event=event)
    o["registration"] = events.registration_create(actor=student, event=o["event"])
    o["speaker_request"] = events.speaker_request_create(
        actor=coordinator, institution=inst, speaker=mentor_membership, topic="Alpha SQL talk"
    )

    # Match rounds and mentor programs
    now = timezone.now()
    rnd = matching.round_create(
        actor=coordinator,
        institution=inst,
        title="Alpha spring round",
        opportunities=[opp],
        student_deadline=now + dt.timedelta(days=7),
        partner_deadline=now + dt.timedelta(days=14),
    )
    matching.round_open(actor=coordinator, match_round=rnd)
    matching.student_ranking_set(actor=student, match_round=rnd, opportunities=[opp])
    o["round"] = rnd
    mp = matching.program_create(actor=coordinator, institution=inst, title="Alpha mentoring")
    MenteeProfile.objects.create(program=mp, student=student)
    o["mentor_program"] = mp
    # P's mentor applied (pending); P's supervisor is nominated (the mentor program takes
    # partner staff as mentors: mentor, recruiter and supervisor of P may apply).
    o["program_application"] = ProgramApplication.objects.create(
        program=mp,
        user=users["mentor"],
        membership=mentor_membership,
        kind="mentor",
        capacity=2,
        languages=["English"],
        availability=["tue-evening"],
    )
    o["program_nomination"] = ProgramApplication.objects.create(
        program=mp,
        user=users["supervisor"],
        membership=Membership.objects.get(user=users["supervisor"], organization=partner),
        kind="mentor",
        status="nominated",
        capacity=2,
        nominated_by=coordinator,
    )
    # A published program pairing P's mentor with A's student, and the pair's workspace: a
    # goal, a logged session and a scheduled one (mentoring app).
    from tandem.matching.models import MentorPair, MentorProfile, MentorProgram
    from tandem.mentoring import services as mentoring

    published = MentorProgram.objects.create(
        institution=inst, title="Alpha published mentoring", status="published", published_at=now
    )
    pair = MentorPair.objects.create(
        program=published,
        mentor=MentorProfile.objects.create(program=published, membership=mentor_membership),
        mentee=MenteeProfile.objects.create(program=published, student=student),
        score=0.5,
    )
    o["mentoring_program"] = published
    o["mentor_pair"] = pair
    o["pair_goal"] = mentoring.goal_create(actor=student, pair=pair, title="Alpha goal")
    mentoring.session_log(
        actor=student,
        pair=pair,
        starts_at=now - dt.timedelta(days=2),
        minutes=45,
        notes="Alpha private notes",
    )
    o["pair_session"] = mentoring.session_schedule(
        actor=student,
        pair=pair,
        starts_at=now + dt.timedelta(days=5),
        minutes=45,
        place="Alpha room 1",
    )

    # Curriculum
    concepts = small_taxonomy()
    concept = concepts["SQL"]
    o["concept"] = concept
    program = ProgramFactory(institution=inst, title="Alpha BSc Computing")
    course = CourseFactory(program=program, title="Alpha databases", code="ALP101")
    outcome = LearningOutcomeFactory(course=course, text="Alpha: design relational schemas")
    o["program"] = program
    o["course"] = course
    o["outcome"] = outcome
    o["mapping"] = OutcomeSkillFactory(outcome=outcome, concept=concept, status="confirmed")
    o["proposal"] = SkillProposal.objects.create(
        outcome=outcome,
        concept=concepts["Python (computer programming)"],
        organization=partner,
        proposed_by=users["recruiter"],
    )
    o["import"] = PostingImport.objects.create(
        institution=inst, created_by=coordinator, filename="alpha-postings.csv", format="csv"
    )
    o["roster_import"] = RosterImport.objects.create(
        institution=inst,
        created_by=coordinator,
        filename="alpha-roster.zip",
        content=b"PK",
        status="previewed",
    )
    o["job"] = ExtractionJob.objects.create(
        institution=inst,
        scope="outcomes",
        program=program,
        scope_key=f"outcomes:{program.pk}",
        requested_by=coordinator,
    )
    o["completion"] = CourseCompletion.objects.create(
        student=student,
        course=course,
        institution=inst,
        completed_on=today,
        recorded_by=coordinator,
    )
    from tandem.sso.models import SsoConnection

    o["sso_connection"] = SsoConnection.objects.create(
        organization=inst,
        slug="alpha-sso",
        name="Alpha College SSO",
        protocol="oidc",
        issuer_url="https://idp.alpha.example.edu",
        client_id="tandem",
        client_secret="alpha-secret",
        role_rules=[{"attribute": "groups", "value": "students", "role": "student"}],
    )

    # Notifications and messaging: a notification of the student's; a conversation about the
    # partnership started by the coordinator with everyone who belongs to it, its first
    # message carrying an attachment.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.messaging.services import conversation_start
    from tandem.notifications.models import Notification

    o["notification"] = Notification.objects.create(
        recipient=student,
        kind="applications.stage_changed",
        title="Alpha notification",
        dedupe_key="matrix:alpha",
    )
    o["conversation"] = conversation_start(
        actor=coordinator,
        subject_type="partnership",
        subject_id=str(ps.public_id),
        title="Alpha conversation",
        body="Alpha first message",
        attachment=SimpleUploadedFile("a.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    o["message"] = o["conversation"].messages.get()

    # A queued "try the extractor" request of the student's (only they may read it).
    import uuid

    from tandem.skills.models import SkillExtraction

    o["skill_extraction"] = SkillExtraction.objects.create(
        public_id=uuid.uuid4(), requested_by=student, text="Alpha text", mode="combined"
    )

    # A/P's private things an outsider must never find in a list (the organizations
    # themselves are a public directory for signed-in users).
    for key in (
        "token",
        "site",
        "membership",
        "partnership",
        "objective",
        "kpi",
        "commitment",
        "contact",
        "action_item",
        "document",
        "opportunity",
        "application",
        "survey",
        "invitation",
        "member_invitation",
        "round",
        "mentor_program",
        "program_application",
        "mentoring_program",
        "mentor_pair",
        "pair_goal",
        "pair_session",
        "program",
        "course",
        "outcome",
        "mapping",
        "proposal",
        "import",
        "roster_import",
        "job",
        "completion",
        "placement",
        "requirement",
        "clearance",
        "hours_entry",
        "agreement_template",
        "agreement",
        "signed_agreement",
        "visit",
        "incident",
        "diligence_item",
        "notification",
        "conversation",
        "message",
        "event",
        "speaker_request",
    ):
        w.secrets[key] = w.id(key)
    w.secrets["student_id"] = str(student.public_id)
    for key in ("partnership", "opportunity", "survey", "round", "program", "course", "event"):
        obj = o[key]
        w.secrets[f"{key}.title"] = obj.title
    w.secrets["student.name"] = student.full_name
    return w
