"""A student's placement data: export and erasure (registered for personal-data requests)."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction

from ..models import Clearance, HoursEntry

if TYPE_CHECKING:
    from tandem.accounts.models import User

logger = logging.getLogger(__name__)


def placement_personal_data_export(user: User) -> dict[str, Any]:
    """The student's clearances and hours."""
    clearances = Clearance.objects.filter(application__student=user).select_related(
        "requirement", "application__opportunity"
    )
    hours = HoursEntry.objects.filter(application__student=user).select_related(
        "application__opportunity"
    )
    return {
        "clearances": [
            {
                "placement": c.application.opportunity.title,
                "requirement": c.requirement.name,
                "status": c.status,
                "evidence_file": c.evidence_name,
                "submitted_at": c.submitted_at.isoformat() if c.submitted_at else None,
                "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                "rejection_reason": c.rejection_reason,
                "expires_on": c.expires_on.isoformat() if c.expires_on else None,
            }
            for c in clearances
        ],
        "hours": [
            {
                "placement": h.application.opportunity.title,
                "date": h.date.isoformat(),
                "hours": str(h.hours),
                "activity": h.activity,
                "status": h.status,
                "return_reason": h.return_reason,
            }
            for h in hours
        ],
    }


@transaction.atomic
def placement_personal_data_erase(user: User) -> None:
    """Delete the student's evidence files and blank their names, reasons and hours
    activities. Statuses, dates and hours stay, so that compliance and hours totals remain
    true."""
    for clearance in Clearance.objects.select_for_update().filter(application__student=user):
        if clearance.evidence:
            transaction.on_commit(
                partial(clearance.evidence.storage.delete, clearance.evidence.name)
            )
        clearance.evidence = ""  # type: ignore[assignment]
        clearance.evidence_name = ""
        clearance.save(update_fields=["evidence", "evidence_name", "updated_at"])
    HoursEntry.objects.filter(application__student=user).update(activity="", return_reason="")
    logger.info("placement personal data erased for one user")
