"""Site visits, incidents, minors and employer due diligence in the demo, built through the
services: an educator's visit scheduled to the apprentice's placement, an open safety incident
the host's supervisor reported on it (the coordinator sees it), a minor whose accepted
placement waits for guardian consent, and a partner whose insurance certificate expires soon.
A handful of rows: the demo build stays fast."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tandem.applications.models import Application, Stage
from tandem.core.errors import DomainError
from tandem.organizations.models import Membership, Role
from tandem.placements import services

from .extras import minimal_pdf

if TYPE_CHECKING:
    from tandem.accounts.models import User


def _member(organization_id: int, role: str, prefer: str = "") -> User | None:
    members = Membership.objects.filter(
        organization_id=organization_id, role=role, is_active=True, user__is_active=True
    ).select_related("user")
    chosen = members.filter(user__email__startswith=prefer).first() if prefer else None
    chosen = chosen or members.order_by("pk").first()
    return chosen.user if chosen else None


def build_visits() -> None:
    today = timezone.localdate()
    # A started placement at the demo coordinator's institution (they see the incident),
    # one with dates set (the apprentice's) first.
    demo_institutions = Membership.objects.filter(
        role=Role.COORDINATOR, user__email__startswith="coordinator@"
    ).values("organization_id")
    placed = Application.objects.filter(stage=Stage.PLACED).select_related(
        "opportunity__host", "institution", "student"
    )
    placement = (
        placed.filter(institution_id__in=demo_institutions, placement_terms__isnull=False).first()
        or placed.filter(institution_id__in=demo_institutions).order_by("pk").first()
        or placed.order_by("pk").first()
    )
    stories = [_minor_waiting_for_consent]
    if placement is not None:
        stories[:0] = [
            partial(_visit_and_incident, placement),
            partial(_expiring_insurance, placement),
        ]
    for story in stories:
        try:
            with transaction.atomic():
                story(today)
        except DomainError:
            continue  # the world does not fit this story (dates, seats): the demo goes on


def _visit_and_incident(placement: Application, today: date) -> None:
    educator = _member(placement.institution_id, Role.EDUCATOR, prefer="educator@")
    if educator is not None:
        services.visit_schedule(
            actor=educator,
            application=placement,
            mode="in_person",
            scheduled_at=datetime.combine(today + timedelta(days=6), time(10, 0)),
            time_zone=timezone.get_current_timezone_name(),
            location=f"{placement.opportunity.host.name}, reception",
        )
    supervisor = _member(placement.opportunity.host_id, Role.SUPERVISOR, prefer="supervisor@")
    if supervisor is not None:
        services.incident_report(
            actor=supervisor,
            application=placement,
            kind="safety",
            severity="medium",
            occurred_at=timezone.now() - timedelta(hours=3),
            description=(
                "A cable tray came loose above the training-room bench while the apprentice "
                "was working there. Nobody was hurt; the area is closed until it is refitted."
            ),
        )


def _expiring_insurance(placement: Application, today: date) -> None:
    coordinator = _member(placement.institution_id, Role.COORDINATOR, prefer="coordinator@")
    if coordinator is None:
        return
    partner = placement.opportunity.host
    for kind, name, expires in (
        ("insurance", "Employer liability insurance", today + timedelta(days=20)),
        ("safeguarding", "Safeguarding policy", None),
    ):
        services.diligence_item_record(
            actor=coordinator,
            institution=placement.institution,
            partner=partner,
            kind=kind,
            file=SimpleUploadedFile(f"{kind}.pdf", minimal_pdf(name), "application/pdf"),
            expires_on=expires,
        )


def _minor_waiting_for_consent(today: date) -> None:
    accepted = (
        Application.objects.filter(stage=Stage.ACCEPTED)
        .exclude(opportunity__type="clinical")
        .select_related("opportunity", "institution", "student")
        .order_by("pk")
        .first()
    ) or (
        Application.objects.filter(stage=Stage.ACCEPTED)
        .select_related("opportunity", "institution", "student")
        .order_by("pk")
        .first()
    )
    if accepted is None:
        return
    coordinator = _member(accepted.institution_id, Role.COORDINATOR, prefer="coordinator@")
    if coordinator is None:
        return
    services.clearance_requirement_create(
        actor=coordinator,
        institution=accepted.institution,
        kind="guardian_consent",
        name="Parent or guardian consent",
    )
    services.minors_rules_set(
        actor=coordinator,
        institution=accepted.institution,
        max_hours_per_day="8",
        max_hours_per_week="35",
    )
    sixteen = (
        today.replace(year=today.year - 16)
        if (today.month, today.day) != (2, 29)
        else (today - timedelta(days=1)).replace(year=today.year - 16)
    )
    services.birth_date_record(
        actor=coordinator,
        institution=accepted.institution,
        student=accepted.student,
        date_of_birth=sixteen,
    )
