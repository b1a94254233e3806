"""Background work for placements: e-mails before a verified clearance expires.

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
from django.utils import timezone, translation
from django_tasks import task

from tandem.core.email import recipient_language, send_text_email
from tandem.core.links import absolute_url
from tandem.organizations.models import Membership, Role

from .models import Clearance, ClearanceReminder, ClearanceStatus
from .permissions import PLACEMENT_STAGES

logger = logging.getLogger(__name__)


def reminder_days() -> int:
    return int(getattr(settings, "PLACEMENTS_REMINDER_DAYS", 14))


def _send(to: Any, clearance: Clearance, url: str) -> None:
    language = recipient_language(to)
    with translation.override(language):
        context = {"recipient": to, "clearance": clearance, "url": url}
    send_text_email(
        to=to.email,
        subject_template="placements/email/clearance_expiring_subject.txt",
        body_template="placements/email/clearance_expiring_body.txt",
        context=context,
        language=language,
    )


def _reachable(user: Any) -> bool:
    return bool(user.is_active and user.email and getattr(user, "erased_at", None) is None)


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
        url = absolute_url(
            reverse("placements:placement", kwargs={"public_id": application.public_id})
        )
        recipients = [application.student] + [
            m.user
            for m in Membership.objects.filter(
                organization_id=application.institution_id,
                role=Role.COORDINATOR,
                is_active=True,
            ).select_related("user")
        ]
        for person in recipients:
            if _reachable(person):
                _send(person, clearance, url)
        reminded += 1
    logger.info("clearance reminders: %d clearances", reminded)
    return reminded


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
    from tandem.accounts.models import User

    ids = incident_handler_ids(incident.application, about_supervisor=incident.about_supervisor)
    ids.discard(incident.reporter_id)  # type: ignore[arg-type]
    url = absolute_url(reverse("placements:incident", kwargs={"public_id": incident.public_id}))
    sent = 0
    for person in User.objects.filter(pk__in=ids).order_by("pk"):
        if not _reachable(person):
            continue
        send_text_email(
            to=person.email,
            subject_template="placements/email/incident_subject.txt",
            body_template="placements/email/incident_body.txt",
            context={"recipient": person, "incident": incident, "url": url},
            language=recipient_language(person),
        )
        sent += 1
    logger.info("incident notification: %d recipients", sent)
    return sent
