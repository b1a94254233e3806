"""E-mail about clearances that expire soon. Run daily from cron or the worker; safe to
repeat (each clearance is reminded about once per expiry date)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "E-mail students and coordinators before placement clearances expire."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is YYYY-MM-DD")
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue for the worker instead of running now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.placements.tasks import send_clearance_reminders

        today = options["today"].isoformat() if options["today"] else None
        if options["enqueue"]:
            result = send_clearance_reminders.enqueue(today)
            self.stdout.write(f"enqueued {result.id}")
            return
        self.stdout.write(f"{send_clearance_reminders.call(today)} clearances reminded about")
