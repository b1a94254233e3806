"""Record live platform metrics on bound KPIs. Run daily; safe to repeat the same day."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Record placements, completion rate, satisfaction, … on the KPIs bound to them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is YYYY-MM-DD")
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue for the worker instead of running now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.analytics.tasks import refresh_kpi_metrics

        today = options["today"].isoformat() if options["today"] else None
        if options["enqueue"]:
            result = refresh_kpi_metrics.enqueue(today)
            self.stdout.write(f"enqueued {result.id}")
            return
        report = refresh_kpi_metrics.call(today)
        self.stdout.write(
            f"{report['updated']} KPIs updated, {report['unchanged']} unchanged, "
            f"{report['no_value']} metrics without a value"
        )
