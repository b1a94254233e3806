"""The shape of the daily analytics commands: run a task now (or enqueue it), optionally for
another day, and print what it did."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class DailyTaskCommand(BaseCommand):
    """Subclasses name their task (:meth:`task`) and say what its result means
    (:meth:`summary`)."""

    def task(self) -> Any:
        raise NotImplementedError

    def summary(self, result: Any) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is YYYY-MM-DD")
        parser.add_argument(
            "--enqueue", action="store_true", help="Enqueue for the worker instead of running now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        task = self.task()
        today = options["today"].isoformat() if options["today"] else None
        if options["enqueue"]:
            result = task.enqueue(today)
            self.stdout.write(f"enqueued {result.id}")
            return
        self.stdout.write(self.summary(task.call(today)))
