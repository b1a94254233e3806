"""Hours services: a student logs and corrects time on a placement; workplace supervisors of
the host approve (locking) or return entries in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.types import signed_in
from tandem.applications.models import Application, Stage
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError

from ..models import HoursEntry, HoursStatus
from ..permissions import can_decide_hours, can_log_hours
from ..selectors import placement_dates

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

ACTIVITY_MAX_CHARS = 500
REASON_MAX_CHARS = 1000
DAY_HOURS = Decimal("24")


def _hours(value: Any) -> Decimal | None:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return hours if hours.is_finite() else None


def _validate(
    application: Application,
    *,
    date: dt.date | None,
    hours: Any,
    activity: str,
    exclude_pk: int | None = None,
) -> tuple[dt.date, Decimal, str]:
    errors: dict[str, list[str]] = {}
    activity = (activity or "").strip()
    amount = _hours(hours)
    today = timezone.localdate()
    start, end = placement_dates(application)
    if date is None:
        errors["date"] = [_("Enter the date you worked.")]
    elif date > today:
        errors["date"] = [_("Hours cannot be logged for a future date.")]
    elif (start and date < start) or (end and date > end):
        errors["date"] = [
            _("The date is outside the placement (%(start)s to %(end)s).")
            % {"start": start or "…", "end": end or "…"}
        ]
    if amount is None or amount <= 0:
        errors["hours"] = [_("Enter a positive number of hours.")]
    elif amount > DAY_HOURS:
        errors["hours"] = [_("A day has at most 24 hours.")]
    elif date is not None and "date" not in errors:
        others = HoursEntry.objects.filter(application=application, date=date).exclude(
            status=HoursStatus.RETURNED
        )
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        already = others.aggregate(t=Sum("hours"))["t"] or Decimal("0")
        if already + amount > DAY_HOURS:
            errors["hours"] = [
                _(
                    "This overlaps the %(already)s hours already logged on that day: "
                    "a day has at most 24 hours."
                )
                % {"already": already}
            ]
    if "hours" not in errors and "date" not in errors and date is not None and amount is not None:
        # The institution's minors' rules (a placement of a student under 18).
        from .minors import minor_hours_errors

        minors = minor_hours_errors(application, day=date, amount=amount, exclude_pk=exclude_pk)
        if minors:
            errors["hours"] = minors
    if not activity:
        errors["activity"] = [_("Say what you worked on.")]
    elif len(activity) > ACTIVITY_MAX_CHARS:
        errors["activity"] = [_("At most %(n)d characters.") % {"n": ACTIVITY_MAX_CHARS}]
    if errors:
        raise DomainError(_("The hours could not be saved."), fields=errors)
    assert date is not None and amount is not None
    return date, amount, activity


def _lock_placement(application: Application) -> Application:
    """Lock the application row: one student's entries are validated one at a time."""
    locked = (
        Application.objects.select_for_update().select_related("opportunity").get(pk=application.pk)
    )
    if locked.stage != Stage.PLACED:
        raise DomainError(
            _("Hours are logged once the placement has started and until it is completed."),
            code="not_placed",
        )
    return locked


@transaction.atomic
def hours_log(
    *,
    actor: Actor,
    application: Application,
    date: dt.date | None,
    hours: Any,
    activity: str,
) -> HoursEntry:
    """The student logs time worked on their started placement."""
    if not can_log_hours(actor, application):
        raise PermissionDeniedError()
    locked = _lock_placement(application)
    day, amount, text = _validate(locked, date=date, hours=hours, activity=activity)
    entry = HoursEntry.objects.create(application=locked, date=day, hours=amount, activity=text)
    audit_record(
        actor=actor,
        action="placements.hours_logged",
        target=entry,
        organizations=[locked.institution_id, locked.opportunity.host_id],
        changes={"date": day.isoformat(), "hours": str(amount)},
    )
    return entry


@transaction.atomic
def hours_edit(
    *,
    actor: Actor,
    entry: HoursEntry,
    date: dt.date | None,
    hours: Any,
    activity: str,
) -> HoursEntry:
    """The student corrects an entry that is waiting or was returned (it waits for approval
    again). Approved entries are locked."""
    application = entry.application
    if not can_log_hours(actor, application):
        raise PermissionDeniedError()
    locked = _lock_placement(application)
    current = HoursEntry.objects.select_for_update().get(pk=entry.pk)
    if current.status == HoursStatus.APPROVED:
        raise ConflictError(
            _("This entry was approved and can no longer be changed."),
            code="hours_locked",
        )
    day, amount, text = _validate(
        locked, date=date, hours=hours, activity=activity, exclude_pk=current.pk
    )
    current.date, current.hours, current.activity = day, amount, text
    current.status = HoursStatus.LOGGED
    current.return_reason = ""
    current.decided_by = None
    current.decided_at = None
    current.save()
    audit_record(
        actor=actor,
        action="placements.hours_edited",
        target=current,
        organizations=[locked.institution_id, locked.opportunity.host_id],
        changes={"date": day.isoformat(), "hours": str(amount)},
    )
    return current


def _decision_input(entry_ids: Iterable[Any], approve: bool, reason: str) -> tuple[list[Any], str]:
    ids = list(dict.fromkeys(entry_ids))
    if not ids:
        raise DomainError(
            _("Choose at least one entry."), fields={"entries": [_("Choose at least one entry.")]}
        )
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError(
            _("Say why the hours are returned."),
            fields={"reason": [_("Give a reason the student can act on.")]},
        )
    if len(reason) > REASON_MAX_CHARS:
        raise DomainError(
            _("The reason is too long."),
            fields={"reason": [_("At most %(n)d characters.") % {"n": REASON_MAX_CHARS}]},
        )
    return ids, reason


def decide_entries(
    *,
    actor: Actor | None,
    entries: list[HoursEntry],
    approve: bool,
    reason: str,
    by_email: str = "",
) -> int:
    """The one owner of the decision: lock the entries, update only those still waiting (so an
    entry decided twice at once counts once), audit each. Callers have checked who decides
    (the signed-in supervisor, or the holder of an approval link) inside their transaction."""
    waiting = list(
        HoursEntry.objects.select_for_update()
        .filter(pk__in=[e.pk for e in entries], status=HoursStatus.LOGGED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    status = HoursStatus.APPROVED if approve else HoursStatus.RETURNED
    decided = HoursEntry.objects.filter(pk__in=waiting, status=HoursStatus.LOGGED).update(
        status=status,
        decided_by=signed_in(actor),
        decided_at=now,
        return_reason="" if approve else reason,
        updated_at=now,
    )
    by_pk = {e.pk: e for e in entries}
    for pk in waiting:
        entry = by_pk[pk]
        changes = {"hours": str(entry.hours), "date": entry.date.isoformat()}
        if by_email:
            changes["by_link"] = by_email
        audit_record(
            actor=actor,
            action="placements.hours_approved" if approve else "placements.hours_returned",
            target=entry,
            organizations=[entry.application.institution_id, entry.application.opportunity.host_id],
            changes=changes,
        )
    return decided


@transaction.atomic
def hours_decide(
    *,
    actor: Actor,
    entry_ids: Iterable[Any],
    approve: bool,
    reason: str = "",
) -> int:
    """A workplace supervisor approves (locks) or returns (with a reason) waiting entries
    of their organization's placements, many at once. Returns how many entries this call
    decided: entries another supervisor decided meanwhile are skipped, so an entry approved
    by two supervisors at once counts once (the rows are locked, and updated only while
    still waiting)."""
    ids, reason = _decision_input(entry_ids, approve, reason)
    entries = list(
        HoursEntry.objects.select_related("application__opportunity").filter(public_id__in=ids)
    )
    if len(entries) != len(ids) or not all(can_decide_hours(actor, e) for e in entries):
        raise PermissionDeniedError(_("You may not decide some of these entries."))
    return decide_entries(actor=actor, entries=entries, approve=approve, reason=reason)
