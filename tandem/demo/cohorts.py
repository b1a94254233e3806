"""Demo world: one cohort that has completed its program.

Riverside's final-year Welding technology students completed their program six to seven
months ago; the careers coordinator recorded the dates through
:func:`tandem.organizations.completions.membership_completion_set` (so the audit trail holds
them), and the graduate first-destination survey goes out to them on the next run of
``tandem manage survey_triggers``.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from tandem.organizations.models import Membership, Role
from tandem.organizations.services import membership_completion_set

INSTITUTION_SLUG = "riverside-cc"
PROGRAM = "Welding technology"


def build_completed_cohort(seed: int) -> int:
    """Record completion dates 185–210 days ago for the cohort; returns how many."""
    rng = random.Random(seed)
    today = timezone.localdate()
    completed_on = today - timedelta(days=rng.randint(185, 210))
    coordinator = (
        Membership.objects.filter(
            organization__slug=INSTITUTION_SLUG, role=Role.COORDINATOR, is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    cohort = Membership.objects.filter(
        organization__slug=INSTITUTION_SLUG,
        role=Role.STUDENT,
        program=PROGRAM,
        year_of_study=2,
        is_active=True,
    ).order_by("pk")
    count = 0
    for membership in cohort:
        membership_completion_set(
            actor=coordinator.user if coordinator else None,
            membership=membership,
            completed_on=completed_on,
        )
        count += 1
    return count
