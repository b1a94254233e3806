"""Remind signers of learning agreements that have waited for them a whole interval
(``PLACEMENTS_AGREEMENT_REMINDER_DAYS``). Run daily from cron or the worker; safe to repeat
(each step is reminded about once per interval)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Remind the signers of learning agreements waiting for their signature."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue for the worker instead of running now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.placements.tasks import send_agreement_reminders

        if options["enqueue"]:
            result = send_agreement_reminders.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        self.stdout.write(f"{send_agreement_reminders.call()} agreement reminders sent")
