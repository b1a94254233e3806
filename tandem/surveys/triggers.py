"""When surveys go out by themselves, and reminders. Called by the ``survey_triggers``
management command (cron or worker) through the ``run_survey_triggers`` task.

Every send carries a ``trigger_key`` naming the event and the person, and the database holds
one invitation per survey and key: running the triggers twice sends nothing twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from tandem.applications.models import Application, Stage
from tandem.organizations.models import Membership, Organization, Role
from tandem.partnerships.models import Partnership, PartnershipContact
from tandem.placements.selectors import placement_midpoint

from . import services
from .context import placement_end_key
from .models import Survey, SurveyInvitation

if TYPE_CHECKING:
    from tandem.accounts.models import User

logger = logging.getLogger(__name__)

END_WINDOW_DAYS = 30  # placements that ended up to this long ago still get their survey
REVIEW_LEAD_DAYS = 30  # partnership review surveys go out this long before the review date
FIRST_DESTINATION_AFTER_DAYS = 182  # six months after a program is completed (NACE)
FIRST_DESTINATION_WINDOW_DAYS = 60  # a run up to this many days late still sends it
REMIND_AFTER_DAYS = 7
MAX_REMINDERS = 2


@dataclass
class TriggerReport:
    created: dict[str, int] = field(default_factory=dict)
    reminders: int = 0

    def add(self, name: str, invitation: SurveyInvitation, before: int) -> None:
        if invitation.pk > before:
            self.created[name] = self.created.get(name, 0) + 1


def _survey(institution: Organization, template_key: str) -> Survey | None:
    """The institution's open copy of a template (created and published on first use)."""
    survey = Survey.objects.filter(institution=institution, template_key=template_key).first()
    if survey is None:
        survey = services.survey_from_template(
            actor=None, institution=institution, template_key=template_key, publish=True
        )
    return survey if survey.is_accepting() else None


def _invite(
    report: TriggerReport,
    name: str,
    survey: Survey | None,
    key: str,
    *,
    user: User | None = None,
    email: str = "",
    person_name: str = "",
    label: str = "",
    skills: list[str] | None = None,
) -> None:
    if survey is None:
        return
    last = SurveyInvitation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    invitation = services.invitation_create(
        actor=None,
        survey=survey,
        user=user,
        email=email,
        name=person_name,
        trigger_key=key,
        subject_label=label,
        skills=skills or [],
    )
    report.add(name, invitation, last)


def placement_skills(text: str) -> list[str]:
    """The skills a posting asked for (one per line or comma-separated)."""
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()][:15]


def _placements(today: date) -> list[Application]:
    return list(
        Application.objects.filter(stage__in=[Stage.PLACED, Stage.COMPLETED])
        .select_related("student", "institution", "opportunity__host")
        .filter(opportunity__start_date__isnull=False, opportunity__end_date__isnull=False)
        .filter(opportunity__end_date__gte=today - timedelta(days=END_WINDOW_DAYS))
    )


def _supervisors(host_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(
            organization_id=host_id, role=Role.SUPERVISOR, is_active=True, user__is_active=True
        ).select_related("user")
    )


def placement_triggers(today: date, report: TriggerReport) -> None:
    for app in _placements(today):
        opp = app.opportunity
        start, end = opp.start_date, opp.end_date
        assert start is not None and end is not None
        label = f"{opp.title} — {opp.host.name}"
        if end <= today:
            student_survey = _survey(app.institution, "placement_student_end")
            _invite(
                report,
                "placement_end_student",
                student_survey,
                placement_end_key(app.public_id),
                user=app.student,
                label=label,
            )
            supervisor_survey = _survey(app.institution, "placement_supervisor_evaluation")
            for m in _supervisors(opp.host_id):
                _invite(
                    report,
                    "placement_end_supervisor",
                    supervisor_survey,
                    placement_end_key(app.public_id, supervisor_id=m.user.public_id),
                    user=m.user,
                    label=f"{app.student.full_name} — {opp.title}",
                    skills=placement_skills(opp.skills_wanted),
                )
        elif app.stage == Stage.PLACED and (placement_midpoint(app) or end) <= today:
            # The midpoint of the placement's own dates (its terms, else the posting's): the
            # placements app owns the timeline (it shows this survey on it), this app sends.
            _invite(
                report,
                "placement_midpoint",
                _survey(app.institution, "placement_midpoint"),
                f"placement-mid:{app.public_id}",
                user=app.student,
                label=label,
            )


def review_triggers(today: date, report: TriggerReport) -> None:
    partnerships = Partnership.objects.filter(
        status="active",
        next_review_date__gte=today,
        next_review_date__lte=today + timedelta(days=REVIEW_LEAD_DAYS),
    ).prefetch_related("institutions", "partners")
    for partnership in partnerships:
        institutions = list(partnership.institutions.all())
        partner_ids = {p.pk for p in partnership.partners.all()}
        contacts = list(
            PartnershipContact.objects.filter(partnership=partnership).select_related("user")
        )
        for institution in institutions:
            for contact in contacts:
                if contact.organization_id == institution.pk:
                    template = "partnership_review_institution"
                elif contact.organization_id in partner_ids:
                    template = "partnership_review_partner"
                else:
                    continue
                _invite(
                    report,
                    template,
                    _survey(institution, template),
                    f"review:{partnership.public_id}:{partnership.next_review_date}:"
                    f"{contact.public_id}",
                    user=contact.user if contact.user_id else None,
                    email="" if contact.user_id else contact.email,
                    person_name=contact.name,
                    label=partnership.title,
                )


def first_destination_triggers(today: date, report: TriggerReport) -> None:
    """Students whose program at an institution was completed 182 days ago.

    A student whose ``Membership.completed_on`` is ``d`` is invited on the first run with
    ``d + 182 days <= today``, as long as that run comes within 60 more days (so a missed day
    of the job is caught up, and recording an old date does not survey long-gone cohorts).
    One invitation per person and institution (the key names the person): running twice, or
    changing the date afterwards, sends nothing twice. Placement completions no longer count.
    """
    latest = today - timedelta(days=FIRST_DESTINATION_AFTER_DAYS)
    earliest = latest - timedelta(days=FIRST_DESTINATION_WINDOW_DAYS)
    graduates = Membership.objects.filter(
        role=Role.STUDENT,
        is_active=True,
        user__is_active=True,
        completed_on__gte=earliest,
        completed_on__lte=latest,
    ).select_related("user", "organization")
    surveys: dict[int, Survey | None] = {}
    for membership in graduates.order_by("pk"):
        institution = membership.organization
        if institution.pk not in surveys:
            surveys[institution.pk] = _survey(institution, "graduate_first_destination")
        _invite(
            report,
            "graduate_first_destination",
            surveys[institution.pk],
            f"first-destination:{membership.user.public_id}",
            user=membership.user,
            label=membership.program,
        )


def reminders(report: TriggerReport) -> None:
    now = timezone.now()
    due = SurveyInvitation.objects.filter(
        responded_at__isnull=True,
        reminders_sent__lt=MAX_REMINDERS,
        sent_at__lte=now - timedelta(days=REMIND_AFTER_DAYS),
        expires_at__gt=now,
        survey__status="open",
    ).filter(
        Q(last_reminded_at__isnull=True)
        | Q(last_reminded_at__lte=now - timedelta(days=REMIND_AFTER_DAYS))
    )
    for invitation in due.select_related("survey"):
        if services.invitation_remind(invitation=invitation):
            report.reminders += 1


def run(today: date | None = None) -> TriggerReport:
    """Run every trigger, then reminders. Safe to run as often as you like."""
    today = today or timezone.localdate()
    report = TriggerReport()
    placement_triggers(today, report)
    review_triggers(today, report)
    first_destination_triggers(today, report)
    reminders(report)
    logger.info("survey triggers: %s new, %d reminders", report.created, report.reminders)
    return report
