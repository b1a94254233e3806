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

from .models import Clearance, ClearanceReminder, ClearanceStatus
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


def register_kinds() -> None:
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
