"""``tandem manage mentoring_nudges``: nudge mentoring pairs that have gone quiet (daily,
from cron; ``--enqueue`` for the worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.mentoring.tasks import send_quiet_nudges


class Command(BaseCommand):
    help = "Nudge mentoring pairs with no session for their program's N days (once per spell)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="Pretend it is this ISO date and time (with offset)")
        parser.add_argument("--enqueue", action="store_true", help="Enqueue for the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_quiet_nudges.enqueue(options["now"])
            self.stdout.write(f"enqueued {result.id}")
            return
        self.stdout.write(f"{send_quiet_nudges.call(options['now'])} nudges written")
