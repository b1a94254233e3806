"""Record today's health of every running partnership. Run daily; safe to repeat."""

from __future__ import annotations

from typing import Any

from ._daily import DailyTaskCommand


class Command(DailyTaskCommand):
    help = "Score every running partnership's health, keep the daily trend, alert on at-risk."

    def task(self) -> Any:
        from tandem.analytics.tasks import refresh_partnership_health

        return refresh_partnership_health

    def summary(self, result: Any) -> str:
        return f"{result} partnerships scored"
