"""Background work for analytics: daily live KPI metrics and health, at-risk alerts."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django_tasks import task

from tandem.core.links import absolute_url

logger = logging.getLogger(__name__)


@task()
def refresh_kpi_metrics(today: str | None = None) -> dict[str, Any]:
    """Record today's value of every live metric on its bound KPIs (``today`` as ISO date)."""
    from .services import kpi_metrics_refresh

    report = kpi_metrics_refresh(today=date.fromisoformat(today) if today else None)
    return {"updated": report.updated, "unchanged": report.unchanged, "no_value": report.no_value}


@task()
def refresh_partnership_health(today: str | None = None) -> int:
    """Record today's health snapshot of every running partnership (alerts follow)."""
    from .services import health_refresh_all

    return health_refresh_all(today=date.fromisoformat(today) if today else None)


HEALTH_KIND = "analytics.health_alert"


def health_alert_email_context(notification: Any) -> dict[str, Any] | None:
    """The at-risk e-mail, its reasons in the recipient's language (nothing once the
    snapshot has gone)."""
    from django.urls import reverse

    from .models import HealthSnapshot
    from .presentation import reason_lines

    snapshot = (
        HealthSnapshot.objects.select_related("partnership")
        .filter(public_id=notification.subject_id)
        .first()
    )
    if snapshot is None:
        return None
    partnership = snapshot.partnership
    return {
        "partnership": partnership,
        "snapshot": snapshot,
        "reasons": reason_lines(snapshot.reasons),
        "url": absolute_url(
            reverse("analytics:partnership_health", kwargs={"public_id": partnership.public_id})
        ),
    }


def register_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    from tandem.notifications.data import Kind, register_kind

    register_kind(
        Kind(
            key=HEALTH_KIND,
            label=_("Partnerships at risk"),
            description=_(
                "A partnership of your institution turned at-risk in the daily health score "
                "(coordinators)."
            ),
            default="email",
            email_templates=(
                "analytics/email/health_alert_subject.txt",
                "analytics/email/health_alert_body.txt",
            ),
            email_context=health_alert_email_context,
        )
    )


def notify_health_alert(snapshot: Any) -> int:
    """Tell the institution coordinators of ``snapshot``'s partnership that it turned
    at-risk, through the notifications (in the caller's transaction; once per snapshot).
    Returns the number of notifications written. Logs carry public ids only."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from tandem.notifications.services import notify
    from tandem.organizations.models import Membership, Role

    partnership = snapshot.partnership
    coordinators = Membership.objects.filter(
        organization__in=partnership.institutions.all(),
        role=Role.COORDINATOR,
        is_active=True,
    ).values_list("user_id", flat=True)
    written = notify(
        recipients=sorted(set(coordinators)),
        kind=HEALTH_KIND,
        title=_("Partnership at risk: %(title)s"),
        body=_("The health score fell to %(score)s of 100."),
        params={"title": partnership.title, "score": snapshot.score},
        link=reverse("analytics:partnership_health", kwargs={"public_id": partnership.public_id}),
        subject=snapshot,
        dedupe_key=str(snapshot.public_id),
    )
    logger.info("health alert for partnership %s: %d notified", partnership.public_id, written)
    return written
