"""``tandem manage mentoring_nudges``: nudge mentoring pairs that have gone quiet and send
the check-in surveys that are due (daily, from cron; ``--enqueue`` for the worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.mentoring.tasks import send_checkin_surveys, send_quiet_nudges


class Command(BaseCommand):
    help = (
        "Nudge mentoring pairs with no session for their program's N days (once per spell) "
        "and send the check-in surveys that are due (once per period)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="Pretend it is this ISO date and time (with offset)")
        parser.add_argument("--enqueue", action="store_true", help="Enqueue for the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["now"][:10] if options["now"] else None
        if options["enqueue"]:
            result = send_quiet_nudges.enqueue(options["now"])
            checkins = send_checkin_surveys.enqueue(today)
            self.stdout.write(f"enqueued {result.id} {checkins.id}")
            return
        self.stdout.write(f"{send_quiet_nudges.call(options['now'])} nudges written")
        self.stdout.write(f"{send_checkin_surveys.call(today)} check-in invitations sent")
