"""Send due surveys and reminders. Run daily from cron or the worker; safe to repeat."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Send surveys whose moment has come (placements, reviews, graduates) and reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is YYYY-MM-DD")
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue for the worker instead of running now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.surveys.tasks import run_survey_triggers

        today = options["today"].isoformat() if options["today"] else None
        if options["enqueue"]:
            result = run_survey_triggers.enqueue(today)
            self.stdout.write(f"enqueued {result.id}")
            return
        report = run_survey_triggers.call(today)
        created = sum(report["created"].values())
        self.stdout.write(f"{created} invitations sent, {report['reminders']} reminders")
