"""Send due event reminders and follow-up surveys. Run every few minutes from cron or the
worker; safe to repeat (each reminder and each follow-up goes out once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Remind attendees of events starting within 24 hours; survey attendees afterwards."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue for the worker instead of running now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.events.tasks import run_event_jobs

        if options["enqueue"]:
            result = run_event_jobs.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        report = run_event_jobs.call()
        self.stdout.write(
            f"{report['reminders']} reminders, {report['followups']} survey invitations"
        )
