"""Program completion dates of students: set one by one or from a CSV file by the
institution's coordinators. Each change is audited; the graduate first-destination survey
goes out 182 days after the date (``tandem.surveys.triggers``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.csv_import import CsvUpload, ImportResult, nothing_recorded, past_date
from tandem.core.errors import DomainError, PermissionDeniedError

from .models import Membership, Organization, Role
from .permissions import can_record_program_completion

MAX_IMPORT_ROWS = 5000
IMPORT_COLUMNS = ("email", "completed_on")


def _check_date(completed_on: date | None) -> str | None:
    if completed_on is not None and completed_on > timezone.localdate():
        return _("The completion date is in the future.")
    return None


@transaction.atomic
def membership_completion_set(
    *, actor: Any, membership: Membership, completed_on: date | None
) -> Membership:
    """Record (or, with ``None``, clear) the day a student completed their program at the
    membership's institution."""
    institution = membership.organization
    if not can_record_program_completion(actor, institution) and actor is not None:
        raise PermissionDeniedError(
            _("Only the institution's coordinators record program completions.")
        )
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role != Role.STUDENT or not membership.is_active:
        raise DomainError(
            _("Only current students complete a program."),
            fields={"completed_on": [_("Only for current students.")]},
        )
    problem = _check_date(completed_on)
    if problem:
        raise DomainError(problem, fields={"completed_on": [problem]})
    before = membership.completed_on
    if before == completed_on:
        return membership
    membership.completed_on = completed_on
    membership.save(update_fields=["completed_on", "updated_at"])
    audit_record(
        actor=actor,
        action="membership.completion.set",
        target=membership,
        organizations=[institution],
        changes={
            "completed_on": [
                before.isoformat() if before else None,
                completed_on.isoformat() if completed_on else None,
            ]
        },
    )
    return membership


@dataclass
class CompletionImport(ImportResult):
    """What a CSV upload did: dates recorded or changed, rows already so, bad rows by line."""

    updated: int = 0


@transaction.atomic
def membership_completions_import(
    *, actor: Any, institution: Organization, content: bytes
) -> CompletionImport:
    """Set program completion dates from a CSV file with columns ``email`` and
    ``completed_on`` (YYYY-MM-DD). Good rows are recorded, rows that change nothing are
    skipped (uploading a file twice is harmless), and each bad row is reported with its line
    number (the header is line 1). A file with no good row records nothing and raises the
    line errors as a DomainError."""
    if not can_record_program_completion(actor, institution):
        raise PermissionDeniedError(
            _("Only the institution's coordinators record program completions.")
        )
    result = CompletionImport()
    upload = CsvUpload(
        content, columns=IMPORT_COLUMNS, max_rows=MAX_IMPORT_ROWS, errors=result.errors
    )
    students = {
        m.user.email.casefold(): m
        for m in Membership.objects.select_for_update()
        .filter(organization=institution, role=Role.STUDENT, is_active=True, user__is_active=True)
        .select_related("user")
    }
    changed: dict[int, tuple[Membership, date]] = {}
    for line, row in upload:
        membership = students.get(row.get("email", "").casefold())
        if membership is None:
            result.errors.append((line, _("No student of this institution has that e-mail.")))
            continue
        completed_on, problem = past_date(row.get("completed_on", ""))
        if completed_on is None:
            result.errors.append((line, problem))
            continue
        current = changed.get(membership.pk, (membership, membership.completed_on))[1]
        if current == completed_on:
            result.skipped += 1
            continue
        changed[membership.pk] = (membership, completed_on)
    if not changed and not result.skipped and result.errors:
        raise nothing_recorded(result.errors)
    rows = []
    now = timezone.now()
    for membership, completed_on in changed.values():
        before = membership.completed_on
        membership.completed_on, membership.updated_at = completed_on, now
        rows.append(membership)
        audit_record(
            actor=actor,
            action="membership.completion.set",
            target=membership,
            organizations=[institution],
            changes={
                "completed_on": [before.isoformat() if before else None, completed_on.isoformat()],
                "source": "import",
            },
        )
    Membership.objects.bulk_update(rows, ["completed_on", "updated_at"], batch_size=1000)
    result.updated = len(rows)
    audit_record(
        actor=actor,
        action="membership.completion.import",
        target=institution,
        organizations=[institution],
        changes={"updated": result.updated, "skipped": result.skipped},
    )
    return result
