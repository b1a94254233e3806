"""Background work for analytics: the daily refresh of live KPI metrics."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task


@task()
def refresh_kpi_metrics(today: str | None = None) -> dict[str, Any]:
    """Record today's value of every live metric on its bound KPIs (``today`` as ISO date)."""
    from .services import kpi_metrics_refresh

    report = kpi_metrics_refresh(today=date.fromisoformat(today) if today else None)
    return {"updated": report.updated, "unchanged": report.unchanged, "no_value": report.no_value}
