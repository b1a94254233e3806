"""Partnership details for the demo world: objectives, KPI histories, commitments,
contacts, communication records. Filled in once the partnerships domain has them."""

from __future__ import annotations

import random
from datetime import date
from typing import Any


def build_partnership_details(
    rng: random.Random,
    partnerships: list[Any],
    orgs: dict[str, Any],
    partner_staff: dict[str, list[Any]],
    named: dict[str, Any],
    reference_day: date,
) -> None:
    return None


def delete_partnership_details() -> None:
    return None
