"""Background work for partnerships: reminding the owners of KPIs and action items as their
due dates approach (through the notifications, once per item and due date).

:func:`send_due_reminders` runs daily (``tandem manage partnership_reminders``, from cron or
``--enqueue`` for the worker). A KPI or open action item with an owner, due within
``PARTNERSHIPS_REMINDER_DAYS`` days (or overdue, not yet reminded), is reminded about once:
the notification's dedupe key carries the item and its due date, so a repeated run, or two
workers at once, remind nobody twice; a new due date is reminded about again. Logs carry
counts only.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tandem.notifications.data import Kind, register_kind
from tandem.notifications.services import notify

from .models import KPI, ActionItem

logger = logging.getLogger(__name__)

KPI_KIND = "partnerships.kpi_due"
ACTION_KIND = "partnerships.action_item_due"


def reminder_days() -> int:
    return int(getattr(settings, "PARTNERSHIPS_REMINDER_DAYS", 7))


def register_kinds() -> None:
    register_kind(
        Kind(
            key=KPI_KIND,
            label=_("KPI due dates"),
            description=_("A KPI you own is due soon."),
            default="email",
        )
    )
    register_kind(
        Kind(
            key=ACTION_KIND,
            label=_("Action item due dates"),
            description=_("An action item you own is due soon or overdue."),
            default="email",
        )
    )


@task()
def send_due_reminders(today: str | None = None) -> int:
    """Remind the owners of KPIs and open action items due soon; returns how many
    notifications were written (each item at most once per due date)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    until = day + dt.timedelta(days=reminder_days())
    written = 0
    kpis = (
        KPI.objects.filter(owner__isnull=False, due_date__gte=day, due_date__lte=until)
        .select_related("objective__partnership")
        .order_by("due_date", "id")
    )
    for kpi in kpis:
        partnership = kpi.objective.partnership
        written += notify(
            recipients=[kpi.owner_id],
            kind=KPI_KIND,
            title=_("KPI “%(kpi)s” of %(partnership)s is due on %(date)s"),
            params={"kpi": kpi.name, "partnership": partnership.title, "date": kpi.due_date},
            link=reverse("partnerships:detail", kwargs={"public_id": partnership.public_id}),
            subject=kpi,
            dedupe_key=f"{kpi.public_id}:{kpi.due_date.isoformat()}",
        )
    items = (
        ActionItem.objects.filter(owner__isnull=False, done_at__isnull=True, due_date__lte=until)
        .select_related("partnership")
        .order_by("due_date", "id")
    )
    for item in items:
        assert item.due_date is not None
        overdue = item.due_date < day
        written += notify(
            recipients=[item.owner_id],
            kind=ACTION_KIND,
            title=_("Overdue since %(date)s: “%(item)s” (%(partnership)s)")
            if overdue
            else _("Due on %(date)s: “%(item)s” (%(partnership)s)"),
            params={
                "item": item.description,
                "partnership": item.partnership.title,
                "date": item.due_date,
            },
            link=reverse("partnerships:detail", kwargs={"public_id": item.partnership.public_id}),
            subject=item,
            dedupe_key=f"{item.public_id}:{item.due_date.isoformat()}",
        )
    logger.info("partnership due reminders: %d notifications", written)
    return written
