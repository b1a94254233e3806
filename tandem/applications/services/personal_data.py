"""A student's application data: export and erasure (registered for personal-data requests)."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction

from ..models import (
    Application,
    HireRecord,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User


logger = logging.getLogger(__name__)


# --- Personal data ---------------------------------------------------------------------------
def application_personal_data_export(user: User) -> list[dict[str, Any]]:
    """Everything the applications app holds about ``user`` as a student."""
    apps = (
        Application.objects.filter(student=user)
        .select_related("opportunity__host", "institution")
        .prefetch_related("stage_changes", "hire_records")
        .order_by("created_at")
    )
    return [
        {
            "id": str(a.public_id),
            "opportunity": a.opportunity.title,
            "host": a.opportunity.host.name,
            "institution": a.institution.name,
            "stage": a.stage,
            "statement": a.statement,
            "has_cv": bool(a.cv),
            "submitted_at": a.created_at.isoformat(),
            "history": [
                {
                    "from": c.from_stage,
                    "to": c.to_stage,
                    "at": c.created_at.isoformat(),
                    "note": c.note,
                }
                for c in a.stage_changes.all()
            ],
            "outcome_after_placement": [
                {
                    "outcome": r.outcome,
                    "start_date": r.start_date.isoformat() if r.start_date else None,
                    "job_title": r.job_title,
                    "note": r.note,
                    "recorded_by": r.recorded_by,
                    "at": r.created_at.isoformat(),
                }
                for r in a.hire_records.all()
            ],
        }
        for a in apps
    ]


@transaction.atomic
def application_personal_data_erase(user: User) -> None:
    """Erase a student's application content: delete CV files, blank statements and notes,
    blank job titles and notes of recorded outcomes.

    The applications themselves stay (stage, dates, hired or not) so that seat counts,
    partnership KPIs and the hiring funnel remain true.
    """
    for application in Application.objects.select_for_update().filter(student=user):
        if application.cv:
            name = application.cv.name
            storage = application.cv.storage
            transaction.on_commit(partial(storage.delete, name))
        application.cv = ""  # type: ignore[assignment]
        application.cv_content_type = ""
        application.statement = ""
        application.save(update_fields=["cv", "cv_content_type", "statement", "updated_at"])
        application.stage_changes.exclude(note="").update(note="")
    HireRecord.objects.filter(application__student=user).exclude(job_title="", note="").update(
        job_title="", note=""
    )
    logger.info("application personal data erased for one user")
