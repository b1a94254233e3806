"""``tandem manage partnership_reminders``: remind KPI and action-item owners of due dates
(daily, from cron; ``--enqueue`` for the worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.partnerships.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Remind owners of KPIs and action items due soon (once per due date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Pretend today is YYYY-MM-DD")
        parser.add_argument("--enqueue", action="store_true", help="Enqueue for the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_due_reminders.enqueue(options["today"])
            self.stdout.write(f"enqueued {result.id}")
            return
        self.stdout.write(f"{send_due_reminders.call(options['today'])} reminders written")
