"""Dates in the past, for the demo world. Demo only: the services stamp what they write
"now", as they must, and none of them may rewrite a history; the demo world lays its
postings and applications out over past weeks and months, so once the services have made
them, these helpers move their dates back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from tandem.applications.models import Application, StageChange
from tandem.opportunities.models import Opportunity, OpportunityApproval


def demo_rewind_history(history: Sequence[tuple[Application, datetime, list[datetime]]]) -> None:
    """Date each application and its stage changes back to when the demo lays them out.
    Demo only: a real application's history is stamped when it happens, and no service may
    rewrite it."""
    changes: list[StageChange] = []
    by_application = {
        application.pk: (submitted, times) for application, submitted, times in history
    }
    rows = StageChange.objects.filter(application_id__in=by_application).order_by(
        "application_id", "pk"
    )
    position: dict[int, int] = {}
    for change in rows:
        submitted, times = by_application[change.application_id]
        n = position.get(change.application_id, 0)
        position[change.application_id] = n + 1
        change.created_at = submitted if n == 0 else times[n - 1]
        changes.append(change)
    StageChange.objects.bulk_update(changes, ["created_at"], batch_size=500)
    applications = []
    for application, submitted, times in history:
        application.created_at = submitted
        application.stage_changed_at = times[-1] if times else submitted
        applications.append(application)
    Application.objects.bulk_update(
        applications, ["created_at", "stage_changed_at"], batch_size=500
    )


def demo_rewind_posting(
    opportunity: Opportunity,
    *,
    created_at: datetime,
    decided_at: datetime,
    application_deadline: datetime,
) -> None:
    """Date a posting of a past cohort back: when it was drafted, when its institutions
    approved it, and its application deadline (which the services rightly refuse in the
    past; a real posting reaches it by waiting)."""
    Opportunity.objects.filter(pk=opportunity.pk).update(
        created_at=created_at, application_deadline=application_deadline
    )
    OpportunityApproval.objects.filter(opportunity=opportunity).update(decided_at=decided_at)
    opportunity.created_at, opportunity.application_deadline = created_at, application_deadline


def demo_rewind_deadlines(postings: Sequence[tuple[Opportunity, datetime]]) -> None:
    """Give the postings whose deadline the demo lays out in the past that deadline, once
    their applications are in: the services rightly refuse a deadline in the past, and a
    real posting reaches one by waiting."""
    now = timezone.now()
    past = [(opp, deadline) for opp, deadline in postings if deadline <= now]
    for opp, deadline in past:
        opp.application_deadline = deadline
    Opportunity.objects.bulk_update([opp for opp, _ in past], ["application_deadline"])
