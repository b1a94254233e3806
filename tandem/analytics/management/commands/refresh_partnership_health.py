"""Record today's health of every running partnership. Run daily; safe to repeat."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Score every running partnership's health, keep the daily trend, alert on at-risk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is YYYY-MM-DD")
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue for the worker instead of running now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.analytics.tasks import refresh_partnership_health

        today = options["today"].isoformat() if options["today"] else None
        if options["enqueue"]:
            result = refresh_partnership_health.enqueue(today)
            self.stdout.write(f"enqueued {result.id}")
            return
        count = refresh_partnership_health.call(today)
        self.stdout.write(f"{count} partnerships scored")
