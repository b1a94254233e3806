"""Analytics writes: live metrics on bound KPIs, daily partnership health snapshots."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from tandem.partnerships.models import KPI, MeasurementSource, Partnership
from tandem.partnerships.services import kpi_record_metric

from . import health, metrics, selectors
from .models import HealthSnapshot
from .tasks import notify_health_alert

if TYPE_CHECKING:
    from tandem.accounts.models import User


logger = logging.getLogger(__name__)


@dataclass
class RefreshReport:
    """What one refresh did: KPIs updated, and (partnership, metric) pairs skipped."""

    updated: int = 0
    unchanged: int = 0
    no_value: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)


def _day_bounds(today: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(today, time.min))
    end = timezone.make_aware(datetime.combine(today, time.max))
    return start, end


def _already_recorded(partnership: Partnership, metric: str, value: Any) -> bool:
    """True when every KPI bound to ``metric`` already has an automatic reading of ``value``
    taken today (readings are stamped with the current time, so "today" is the real day even
    when the metric is computed for another date)."""
    start, end = _day_bounds(timezone.localdate())
    kpis = KPI.objects.filter(objective__partnership=partnership, metric=metric)
    missing = kpis.exclude(
        measurements__source=MeasurementSource.AUTOMATIC,
        measurements__measured_at__range=(start, end),
        measurements__value=value,
    )
    return not missing.exists()


@transaction.atomic
def partnership_metrics_refresh(
    *, actor: User | None = None, partnership: Partnership, today: date | None = None
) -> RefreshReport:
    """Compute every live metric bound to a KPI of ``partnership`` and record it through
    :func:`tandem.partnerships.services.kpi_record_metric`. Idempotent per day: a metric whose
    KPIs already hold today's automatic reading of the same value is skipped. Manual KPIs and
    metrics without a value (see :mod:`tandem.analytics.metrics`) are left alone."""
    today = today or timezone.localdate()
    report = RefreshReport()
    bound = sorted(
        set(
            KPI.objects.filter(objective__partnership=partnership, metric__in=metrics.REGISTRY)
            .values_list("metric", flat=True)
            .distinct()
        )
    )
    for metric in bound:
        value = metrics.compute(metric, partnership, today)
        if value is None:
            report.no_value += 1
            continue
        if _already_recorded(partnership, metric, value):
            report.unchanged += 1
            continue
        count = kpi_record_metric(partnership=partnership, metric=metric, value=value, actor=actor)
        report.updated += count
        report.details.append({"partnership": str(partnership.public_id), "metric": metric})
    return report


def kpi_metrics_refresh(*, actor: User | None = None, today: date | None = None) -> RefreshReport:
    """Refresh live metrics for every partnership with at least one bound KPI."""
    total = RefreshReport()
    partnerships = Partnership.objects.filter(
        objectives__kpis__metric__in=list(metrics.REGISTRY)
    ).distinct()
    for partnership in partnerships.order_by("pk"):
        one = partnership_metrics_refresh(actor=actor, partnership=partnership, today=today)
        total.updated += one.updated
        total.unchanged += one.unchanged
        total.no_value += one.no_value
        total.details.extend(one.details)
    logger.info(
        "kpi metrics refreshed: %s updated, %s unchanged, %s without value",
        total.updated,
        total.unchanged,
        total.no_value,
    )
    return total


# --- partnership health --------------------------------------------------------------------
HEALTH_STATUSES = ("active", "under_review", "renewed")


def _reason_rows(result: health.Health) -> list[dict[str, Any]]:
    return [
        {
            "component": r.component,
            "code": r.code,
            "params": r.params,
            "score": None if r.score is None else round(r.score, 4),
            "weight": r.weight,
            "points": r.points,
        }
        for r in result.reasons
    ]


@transaction.atomic
def partnership_health_record(
    *, actor: User | None = None, partnership: Partnership, today: date | None = None
) -> HealthSnapshot:
    """Score ``partnership`` today and keep the day's :class:`HealthSnapshot` (a second run on
    the same day updates it). When the partnership turns at-risk — its previous day's band
    was not at-risk — and this day has not alerted yet, its institutions' coordinators are
    notified (``analytics.health_alert``: e-mailed after commit unless they chose otherwise),
    once per crossing."""
    today = today or timezone.localdate()
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    result = health.score(selectors.health_inputs(partnership, today))
    previous = (
        HealthSnapshot.objects.filter(partnership=partnership, date__lt=today)
        .order_by("-date")
        .first()
    )
    snapshot, _ = HealthSnapshot.objects.update_or_create(
        partnership=partnership,
        date=today,
        defaults={"score": result.score, "band": result.band, "reasons": _reason_rows(result)},
    )
    previous_band = previous.band if previous else None
    if snapshot.alerted_at is None and health.turned_at_risk(previous_band, result.band):
        snapshot.alerted_at = timezone.now()
        snapshot.save(update_fields=["alerted_at", "updated_at"])
        notify_health_alert(snapshot)
    return snapshot


def health_refresh_all(*, actor: User | None = None, today: date | None = None) -> int:
    """Record today's health of every running partnership; returns how many were scored."""
    count = 0
    for partnership in Partnership.objects.filter(status__in=HEALTH_STATUSES).order_by("pk"):
        partnership_health_record(actor=actor, partnership=partnership, today=today)
        count += 1
    return count
