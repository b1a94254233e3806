"""Analytics writes: recording live metrics on bound KPIs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.partnerships.models import KPI, MeasurementSource, Partnership
from tandem.partnerships.services import kpi_record_metric

from . import metrics

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
    *, actor: Any = None, partnership: Partnership, today: date | None = None
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


def kpi_metrics_refresh(*, actor: Any = None, today: date | None = None) -> RefreshReport:
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
