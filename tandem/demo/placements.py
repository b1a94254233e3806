"""Placement compliance in the demo, built through the services: a clinical placement blocked
by an immunisation that expires before it starts, an apprentice whose logged hours wait
for the workplace supervisor's approval, and an internship whose learning agreement is
half-signed (the student and the host supervisor signed; the educator signs next). A handful
of rows: the demo build stays fast."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tandem.applications.models import Application, Stage
from tandem.applications.services import application_move, application_place
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Membership, Role
from tandem.placements import services

from .extras import minimal_pdf

if TYPE_CHECKING:
    from tandem.accounts.models import User


def _member(organization_id: int, role: str, prefer: str = "") -> User | None:
    members = Membership.objects.filter(
        organization_id=organization_id, role=role, is_active=True
    ).select_related("user")
    chosen = members.filter(user__email__startswith=prefer).first() if prefer else None
    chosen = chosen or members.order_by("pk").first()
    return chosen.user if chosen else None


def build_placements() -> None:
    today = timezone.localdate()
    _blocked_clinical_placement(today)
    _apprentice_hours(today)
    _half_signed_agreement()


def _blocked_clinical_placement(today: date) -> None:
    clinical = (
        Application.objects.filter(opportunity__type="clinical", stage=Stage.ACCEPTED)
        .select_related("opportunity", "institution", "student")
        .order_by("pk")
        .first()
    )
    if clinical is None:
        candidate = (
            Application.objects.filter(opportunity__type="clinical", stage=Stage.SUBMITTED)
            .select_related("opportunity", "institution", "student")
            .order_by("pk")
            .first()
        )
        if candidate is None:
            return
        coordinator = _member(candidate.institution_id, Role.COORDINATOR)
        if coordinator is None:
            return
        try:
            clinical = application_place(
                actor=coordinator,
                opportunity=candidate.opportunity,
                student=candidate.student,
                institution=candidate.institution,
                notify=False,
            )
        except Exception:  # all seats taken: the demo goes without this story
            return
    coordinator = _member(clinical.institution_id, Role.COORDINATOR, prefer="coordinator@")
    if coordinator is None:
        return
    requirement = services.clearance_requirement_create(
        actor=coordinator,
        institution=clinical.institution,
        kind="immunisation",
        name="Hepatitis B immunisation",
        opportunity_type="clinical",
        validity_days=365,
    )
    services.placement_terms_set(
        actor=coordinator,
        application=clinical,
        start_date=today + timedelta(days=21),
        end_date=today + timedelta(days=21 + 70),
        required_hours=Decimal("300"),
    )
    services.clearance_evidence_upload(
        actor=clinical.student,
        application=clinical,
        requirement=requirement,
        file=SimpleUploadedFile(
            "immunisation.pdf", minimal_pdf("Immunisation record"), "application/pdf"
        ),
    )
    # Verified, but it expires a week before the placement starts: the start is blocked.
    services.clearance_decide(
        actor=coordinator,
        application=clinical,
        requirement=requirement,
        verified=True,
        expires_on=today + timedelta(days=14),
    )


def _apprentice_hours(today: date) -> None:
    """An apprentice's hours wait for the demo supervisor: a started apprenticeship at their
    host (one of its accepted apprentices is started when none is), else any apprentice's."""
    demo_hosts = set(
        Membership.objects.filter(
            role=Role.SUPERVISOR, is_active=True, user__email__startswith="supervisor@"
        ).values_list("organization_id", flat=True)
    )
    demo_institutions = set(
        Membership.objects.filter(
            role=Role.COORDINATOR, is_active=True, user__email__startswith="coordinator@"
        ).values_list("organization_id", flat=True)
    )
    apprenticeships = Application.objects.filter(opportunity__type="apprenticeship").select_related(
        "opportunity", "institution", "student"
    )
    placed = list(apprenticeships.filter(stage=Stage.PLACED).order_by("pk"))
    to_start = sorted(
        apprenticeships.filter(stage=Stage.ACCEPTED, opportunity__host_id__in=demo_hosts),
        key=lambda a: (a.institution_id not in demo_institutions, a.pk),
    )
    candidates = [a for a in placed if a.opportunity.host_id in demo_hosts]
    candidates += to_start
    candidates += [a for a in placed if a.opportunity.host_id not in demo_hosts]
    for apprentice in candidates:
        coordinator = _member(apprentice.institution_id, Role.COORDINATOR)
        if coordinator is None or not apprentice.student.is_active:
            continue
        try:
            with transaction.atomic():
                _log_apprentice_hours(apprentice, coordinator, today)
        except (DomainError, PermissionDeniedError):
            continue  # this apprentice's placement does not fit the story: try the next
        return


def _log_apprentice_hours(apprentice: Application, coordinator: User, today: date) -> None:
    services.placement_terms_set(
        actor=coordinator,
        application=apprentice,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=300),
        required_hours=Decimal("1200"),
    )
    if apprentice.stage == Stage.ACCEPTED:
        # Started by the host's recruiter, as the pipeline starts placements.
        recruiter = _member(apprentice.opportunity.host_id, Role.RECRUITER)
        if recruiter is None:
            raise DomainError("no recruiter to start the placement")
        apprentice = application_move(
            actor=recruiter, application=apprentice, to_stage=Stage.PLACED, notify=False
        )
    for days_ago, hours, activity in (
        (3, "7.5", "Shadowed the site team on network maintenance"),
        (2, "7.5", "Configured switches for the new training room"),
        (1, "6", "Documented the backup procedure"),
    ):
        services.hours_log(
            actor=apprentice.student,
            application=apprentice,
            date=today - timedelta(days=days_ago),
            hours=hours,
            activity=activity,
        )


def _half_signed_agreement() -> None:
    """An internship learning agreement signed by the student and the host supervisor, waiting
    for the educator (then the coordinator): the demo educator and supervisor's placement
    first, when there is one."""
    candidates = list(
        Application.objects.filter(
            opportunity__type="internship", stage__in=[Stage.ACCEPTED, Stage.PLACED]
        )
        .select_related("opportunity", "institution", "student")
        .order_by("pk")
    )

    def demo_people_first(a: Application) -> tuple[bool, bool]:
        educator = _member(a.institution_id, Role.EDUCATOR, "educator@")
        supervisor = _member(a.opportunity.host_id, Role.SUPERVISOR, "supervisor@")
        return (
            educator is None or not educator.email.startswith("educator@"),
            supervisor is None or not supervisor.email.startswith("supervisor@"),
        )

    candidates.sort(key=demo_people_first)
    for internship in candidates:
        coordinator = _member(internship.institution_id, Role.COORDINATOR)
        educator = _member(internship.institution_id, Role.EDUCATOR, "educator@")
        supervisor = _member(internship.opportunity.host_id, Role.SUPERVISOR, "supervisor@")
        if None in (coordinator, educator, supervisor) or not internship.student.is_active:
            continue
        assert coordinator is not None and supervisor is not None
        try:
            with transaction.atomic():
                _sign_half(internship, coordinator, supervisor)
        except DomainError:
            continue
        return


def _sign_half(internship: Application, coordinator: User, supervisor: User) -> None:
    institution = internship.institution
    template = services.agreement_template_create(
        actor=coordinator,
        institution=institution,
        name="Internship learning agreement",
        opportunity_type="internship",
        sections=[
            "objectives",
            "hours",
            "dates",
            "site",
            "supervisor",
            "insurance",
            "stipend",
            "clauses",
        ],
        signing_order=["student", "supervisor", "educator", "coordinator"],
        insurance_text=(
            "The host's employer's liability and public liability insurance cover the intern "
            "while on placement; the college's insurance covers the intern's studies."
        ),
        clauses=(
            "The intern follows the host's health, safety and confidentiality rules. Either "
            "party may end the internship with one week's notice, after telling the college."
        ),
    )
    agreement = services.agreement_create(actor=coordinator, application=internship)
    assert agreement.template_id == template.pk
    agreement = services.agreement_edit(
        actor=coordinator,
        agreement=agreement,
        changes={"required_hours": "240"},
        objectives=[
            services.ObjectiveInput(text="Ship a small feature to production with code review"),
            services.ObjectiveInput(text="Write automated tests for an existing service"),
            services.ObjectiveInput(text="Present the internship's work to the team"),
        ],
    )
    agreement = services.agreement_send(actor=coordinator, agreement=agreement)
    agreement = services.agreement_sign(actor=internship.student, agreement=agreement)
    services.agreement_sign(actor=supervisor, agreement=agreement)
