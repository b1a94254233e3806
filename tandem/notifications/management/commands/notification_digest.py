"""``tandem manage notification_digest``: send the daily notification digests (run daily from
cron, or ``--enqueue`` for the worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.notifications.tasks import send_daily_digests


class Command(BaseCommand):
    help = "E-mail each person the notifications waiting for their daily digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Enqueue for the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_daily_digests.enqueue(None)
            self.stdout.write(f"enqueued {result.id}")
            return
        self.stdout.write(f"{send_daily_digests.call(None)} digests sent")
