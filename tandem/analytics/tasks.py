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


@task()
def send_health_alert(snapshot_id: int) -> int:
    """E-mail the institution coordinators of a partnership that turned at-risk. Returns the
    number of messages sent. Logs carry public ids only."""
    from django.urls import reverse
    from django.utils import translation

    from tandem.core.email import recipient_language, send_text_email
    from tandem.organizations.models import Membership, Role

    from .models import HealthSnapshot
    from .presentation import reason_lines

    snapshot = HealthSnapshot.objects.select_related("partnership").filter(pk=snapshot_id).first()
    if snapshot is None:
        return 0
    partnership = snapshot.partnership
    recipients = (
        Membership.objects.filter(
            organization__in=partnership.institutions.all(),
            role=Role.COORDINATOR,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    seen: set[int] = set()
    sent = 0
    url = absolute_url(
        reverse("analytics:partnership_health", kwargs={"public_id": partnership.public_id})
    )
    for membership in recipients:
        user = membership.user
        if user.pk in seen:
            continue
        seen.add(user.pk)
        language = recipient_language(user)
        with translation.override(language):
            reasons = reason_lines(snapshot.reasons)  # translated in the recipient's language
        send_text_email(
            to=user.email,
            subject_template="analytics/email/health_alert_subject.txt",
            body_template="analytics/email/health_alert_body.txt",
            context={
                "partnership": partnership,
                "snapshot": snapshot,
                "reasons": reasons,
                "url": url,
            },
            language=language,
        )
        sent += 1
    logger.info("health alert for partnership %s sent to %s", partnership.public_id, sent)
    return sent
