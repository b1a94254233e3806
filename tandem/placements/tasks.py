"""Background work for placements: reminders before a verified clearance expires (through
the notifications: the recipients' preferences decide the e-mail).

:func:`send_clearance_reminders` runs daily (``manage.py clearance_reminders``, from cron or
the worker). For each verified clearance of an accepted or started placement that expires
within ``PLACEMENTS_REMINDER_DAYS`` days, it e-mails the student and the coordinators of the
student's institution once: a :class:`~tandem.placements.models.ClearanceReminder` row is
written first (unique per clearance and expiry date), so a repeated run, or two workers at
once, send nothing twice. Logs carry counts only.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tandem.core.links import absolute_url
from tandem.notifications.data import Kind, register_kind
from tandem.notifications.models import Notification
from tandem.notifications.services import notify
from tandem.organizations.models import Membership, Role

from .models import (
    AgreementNotice,
    AgreementStatus,
    Clearance,
    ClearanceReminder,
    ClearanceStatus,
    LearningAgreement,
    SignerRole,
)
from .permissions import PLACEMENT_STAGES

logger = logging.getLogger(__name__)


def reminder_days() -> int:
    return int(getattr(settings, "PLACEMENTS_REMINDER_DAYS", 14))


CLEARANCE_KIND = "placements.clearance_expiring"


def clearance_email_context(notification: Notification) -> dict[str, Any] | None:
    clearance = (
        Clearance.objects.select_related("requirement", "application__student")
        .filter(public_id=notification.subject_id)
        .first()
    )
    if clearance is None:
        return None
    return {"clearance": clearance, "url": absolute_url(notification.link)}


AGREEMENT_KIND = "placements.agreement_turn"
INCIDENT_KIND = "placements.incident_reported"


def agreement_email_context(notification: Notification) -> dict[str, Any] | None:
    agreement = (
        LearningAgreement.objects.select_related("application__student", "application__opportunity")
        .filter(public_id=notification.subject_id)
        .first()
    )
    if agreement is None:
        return None
    return {
        "agreement": agreement,
        "student": agreement.application.student.full_name,
        "opportunity": agreement.application.opportunity.title,
        "role": SignerRole(notification.data.get("role", agreement.awaiting_role)).label,
        "reminder": bool(notification.data.get("round")),
    }


def incident_email_context(notification: Notification) -> dict[str, Any] | None:
    from .models import Incident

    incident = (
        Incident.objects.select_related("application__opportunity__host")
        .filter(public_id=notification.subject_id)
        .first()
    )
    return None if incident is None else {"incident": incident}


def register_kinds() -> None:
    register_kind(
        Kind(
            key=AGREEMENT_KIND,
            label=_("Learning agreements to sign"),
            description=_("A learning agreement waits for your signature, and reminders."),
            default="email",
            email_templates=(
                "placements/email/agreement_turn_subject.txt",
                "placements/email/agreement_turn_body.txt",
            ),
            email_context=agreement_email_context,
        )
    )
    register_kind(
        Kind(
            key=INCIDENT_KIND,
            label=_("Placement incidents"),
            description=_("A safety or conduct incident was reported on a placement you handle."),
            default="email",
            email_templates=(
                "placements/email/incident_subject.txt",
                "placements/email/incident_body.txt",
            ),
            email_context=incident_email_context,
            locked=True,
        )
    )
    register_kind(
        Kind(
            key=CLEARANCE_KIND,
            label=_("Expiring clearances"),
            description=_(
                "A verified clearance of a placement (yours, or your institution's students') "
                "expires soon."
            ),
            default="email",
            email_templates=(
                "placements/email/clearance_expiring_subject.txt",
                "placements/email/clearance_expiring_body.txt",
            ),
            email_context=clearance_email_context,
        )
    )


@task()
def send_clearance_reminders(today: str | None = None) -> int:
    """E-mail students and coordinators about clearances expiring soon; returns how many
    clearances were reminded about (each at most once per expiry date)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    until = day + dt.timedelta(days=reminder_days())
    due = (
        Clearance.objects.filter(
            status=ClearanceStatus.VERIFIED,
            expires_on__gte=day,
            expires_on__lte=until,
            application__stage__in=list(PLACEMENT_STAGES),
        )
        .select_related("requirement", "application__student", "application__opportunity")
        .order_by("expires_on", "id")
    )
    reminded = 0
    for clearance in due:
        try:
            with transaction.atomic():
                assert clearance.expires_on is not None
                ClearanceReminder.objects.create(
                    clearance=clearance, expires_on=clearance.expires_on
                )
        except IntegrityError:
            continue  # already reminded about this expiry
        application = clearance.application
        coordinators = Membership.objects.filter(
            organization_id=application.institution_id, role=Role.COORDINATOR, is_active=True
        ).values_list("user_id", flat=True)
        notify(
            recipients=[application.student_id, *coordinators],
            kind=CLEARANCE_KIND,
            title=_("“%(requirement)s” of %(student)s expires on %(date)s"),
            params={
                "requirement": clearance.requirement.name,
                "student": application.student.full_name,
                "date": clearance.expires_on.isoformat(),
            },
            link=reverse("placements:placement", kwargs={"public_id": application.public_id}),
            subject=clearance,
            dedupe_key=f"{clearance.public_id}:{clearance.expires_on.isoformat()}",
        )
        reminded += 1
    logger.info("clearance reminders: %d clearances", reminded)
    return reminded


# --- Learning agreements ----------------------------------------------------------------------
# Each signer is e-mailed when their turn comes (round 0, queued on commit by the services) and
# reminded every PLACEMENTS_AGREEMENT_REMINDER_DAYS days while the step waits (rounds 1, 2, …,
# by the periodic send_agreement_reminders). An AgreementNotice row, unique per agreement, step
# and round, is written before sending: a repeated run, a retried task or two workers send
# nothing twice.


def agreement_reminder_days() -> int:
    return max(1, int(getattr(settings, "PLACEMENTS_AGREEMENT_REMINDER_DAYS", 3)))


def agreement_signers(agreement: LearningAgreement) -> list[Any]:
    """The people who may sign the step the agreement waits for."""
    application = agreement.application
    role = agreement.awaiting_role
    if role == SignerRole.STUDENT:
        return [application.student]
    org_id = (
        application.opportunity.host_id
        if role == SignerRole.SUPERVISOR
        else application.institution_id
    )
    return [
        m.user
        for m in Membership.objects.filter(organization_id=org_id, role=role, is_active=True)
        .select_related("user")
        .order_by("id")
    ]


def _notify(agreement: LearningAgreement, step: int, round_: int) -> bool:
    """Send notice ``round_`` for ``step`` once; False if the step is no longer waiting or
    the notice was already sent."""
    try:
        with transaction.atomic():
            AgreementNotice.objects.create(agreement=agreement, step=step, round=round_)
    except IntegrityError:
        return False
    notify(
        recipients=[person.pk for person in agreement_signers(agreement)],
        kind=AGREEMENT_KIND,
        title=(
            _("Reminder: the learning agreement of %(student)s waits for your signature")
            if round_
            else _("The learning agreement of %(student)s waits for your signature")
        ),
        params={"student": agreement.application.student.full_name},
        link=reverse("placements:agreement", kwargs={"public_id": agreement.public_id}),
        subject=agreement,
        data={"role": agreement.awaiting_role, "round": round_},
        dedupe_key=f"{agreement.public_id}:{step}:{round_}",
    )
    return True


def _waiting(agreement_id: int, step: int) -> LearningAgreement | None:
    return (
        LearningAgreement.objects.select_related("application__student", "application__opportunity")
        .filter(pk=agreement_id, status=AgreementStatus.SIGNING, next_step=step)
        .first()
    )


@task()
def notify_agreement_signer(agreement_id: int, step: int) -> bool:
    """E-mail the signers of ``step`` that it is their turn (once)."""
    agreement = _waiting(agreement_id, step)
    if agreement is None:
        return False
    return _notify(agreement, step, 0)


@task()
def send_agreement_reminders(now: str | None = None) -> int:
    """Remind the signers of every step that has waited a whole interval or more (once per
    interval); returns how many reminders went out."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    interval = dt.timedelta(days=agreement_reminder_days())
    due = LearningAgreement.objects.filter(
        status=AgreementStatus.SIGNING, turn_started_at__lte=moment - interval
    ).select_related("application__student", "application__opportunity")
    sent = 0
    for agreement in due.order_by("turn_started_at", "id"):
        assert agreement.turn_started_at is not None
        round_ = int((moment - agreement.turn_started_at) / interval)
        if _notify(agreement, agreement.next_step, round_):
            sent += 1
    logger.info("agreement reminders: %d", sent)
    return sent


@task()
def send_incident_notification(incident_id: int) -> int:
    """E-mail an incident's handlers (not the reporter) that it was reported; returns how
    many were e-mailed. The e-mail names the placement and the kind and severity, never what
    happened: the details are read on the (audited) incident page."""
    from .models import Incident
    from .permissions import incident_handler_ids

    incident = (
        Incident.objects.select_related("application__opportunity__host", "application__student")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        return 0
    ids = incident_handler_ids(incident.application, about_supervisor=incident.about_supervisor)
    ids.discard(incident.reporter_id)  # type: ignore[arg-type]
    sent = notify(
        recipients=sorted(ids),
        kind=INCIDENT_KIND,
        title=_("An incident was reported on the placement “%(title)s”"),
        params={"title": incident.application.opportunity.title},
        link=reverse("placements:incident", kwargs={"public_id": incident.public_id}),
        subject=incident,
        dedupe_key=str(incident.public_id),
    )
    logger.info("incident notification: %d recipients", sent)
    return sent
