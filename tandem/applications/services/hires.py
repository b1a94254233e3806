"""What became of a completed placement: :func:`application_record_hire` (hired or not)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError

from ..models import (
    Application,
    HireOutcome,
    HireRecord,
    RecordedBy,
    Stage,
)
from ..permissions import (
    HIRE_RECORDERS,
    Party,
    can_view_application,
    parties_of,
)
from ..selectors import current_hire_record
from .pipeline import NOTE_MAX_CHARS

if TYPE_CHECKING:
    from tandem.accounts.models import User


logger = logging.getLogger(__name__)

JOB_TITLE_MAX_CHARS = 200
# A job that starts later than this after the placement ended is not its outcome.
HIRE_START_MAX_DAYS = 2 * 366


# --- Outcome after the placement ---------------------------------------------------------------
def completion_date(application: Application) -> date:
    """The day the placement was completed (the latest move to "completed")."""
    moved = (
        application.stage_changes.filter(to_stage=Stage.COMPLETED)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(moved or application.stage_changed_at)


def _hire_errors(
    outcome: str, start_date: date | None, job_title: str, note: str, completed_on: date
) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if outcome not in HireOutcome.values:
        fields["outcome"] = [_("Choose hired or not hired.")]
    elif outcome == HireOutcome.HIRED:
        if start_date is None:
            fields["start_date"] = [_("Give the date the job starts.")]
        elif start_date < completed_on:
            fields["start_date"] = [
                _("The job cannot start before the placement was completed (%(date)s).")
                % {"date": date_format(completed_on, "DATE_FORMAT")}
            ]
        elif start_date > completed_on + timedelta(days=HIRE_START_MAX_DAYS):
            fields["start_date"] = [
                _("The job must start within two years of the end of the placement.")
            ]
    else:
        if start_date is not None:
            fields["start_date"] = [_("Leave the start date empty when there was no hire.")]
        if job_title:
            fields["job_title"] = [_("Leave the job title empty when there was no hire.")]
    if len(job_title) > JOB_TITLE_MAX_CHARS:
        fields["job_title"] = [_("At most %(n)d characters.") % {"n": JOB_TITLE_MAX_CHARS}]
    if len(note) > NOTE_MAX_CHARS:
        fields["note"] = [_("At most %(n)d characters.") % {"n": NOTE_MAX_CHARS}]
    return fields


@transaction.atomic
def application_record_hire(
    *,
    actor: User | AnonymousUser,
    application: Application,
    outcome: str,
    start_date: date | None = None,
    job_title: str = "",
    note: str = "",
) -> HireRecord:
    """Record (or correct) what became of a completed placement: ``hired`` (a job offer
    accepted, with the start date and optionally the job title) or ``not_hired``.

    Made by the host's recruiters or workplace supervisors, or by a coordinator of the
    student's institution. Only for completed placements; a job cannot start before the
    placement was completed. Every recording is kept (:class:`HireRecord`, the latest is
    current) and audited; recording the same outcome again changes nothing.
    """
    if not can_view_application(actor, application):
        raise PermissionDeniedError()
    locked = (
        Application.objects.select_for_update().select_related("opportunity").get(pk=application.pk)
    )
    parties = parties_of(actor, locked)
    if not parties & HIRE_RECORDERS:
        raise PermissionDeniedError(_("You may not record the outcome of this placement."))
    if locked.stage != Stage.COMPLETED:
        raise ConflictError(
            _("An outcome can only be recorded once the placement is completed."),
            code="not_completed",
        )
    job_title = (job_title or "").strip()
    note = (note or "").strip()
    outcome = str(outcome or "")
    fields = _hire_errors(outcome, start_date, job_title, note, completion_date(locked))
    if fields:
        raise DomainError(_("Please correct the errors below."), fields=fields)

    current = current_hire_record(locked)
    if current is not None and (current.outcome, current.start_date, current.job_title) == (
        outcome,
        start_date,
        job_title,
    ):
        return current
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
    record = HireRecord.objects.create(
        application=locked,
        outcome=outcome,
        start_date=start_date,
        job_title=job_title,
        note=note,
        recorded_by=RecordedBy.HOST if Party.HOST_STAFF in parties else RecordedBy.INSTITUTION,
        actor=actor,
    )
    previous = locked.hire_outcome
    locked.hire_outcome = outcome
    locked.save(update_fields=["hire_outcome", "updated_at"])
    audit_record(
        actor=actor,
        action="application.hire_recorded" if current is None else "application.hire_corrected",
        target=locked,
        organizations=[locked.opportunity.host_id, locked.institution_id],
        changes={
            "hire_outcome": [previous, outcome],
            "start_date": [
                current.start_date.isoformat() if current and current.start_date else None,
                start_date.isoformat() if start_date else None,
            ],
            "job_title_changed": (current.job_title if current else "") != job_title,
        },
    )
    logger.info("application %s outcome recorded: %s", locked.public_id, outcome)
    application.hire_outcome = outcome
    return record
