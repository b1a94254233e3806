"""Record live platform metrics on bound KPIs. Run daily; safe to repeat the same day."""

from __future__ import annotations

from typing import Any

from ._daily import DailyTaskCommand


class Command(DailyTaskCommand):
    help = "Record placements, completion rate, satisfaction, … on the KPIs bound to them."

    def task(self) -> Any:
        from tandem.analytics.tasks import refresh_kpi_metrics

        return refresh_kpi_metrics

    def summary(self, result: Any) -> str:
        return (
            f"{result['updated']} KPIs updated, {result['unchanged']} unchanged, "
            f"{result['no_value']} metrics without a value"
        )
