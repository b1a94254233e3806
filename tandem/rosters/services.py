"""Every write of rosters: importing a OneRoster export into an institution.

:func:`roster_import` checks the whole export first; any problem (a missing required column,
an unknown sourcedId, a bad date or role, bytes that are not UTF-8) refuses the import and
writes nothing. A good export is applied in one transaction (a dry run rolls it back) and
audited once, with counts only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.types import signed_in
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations.models import Organization

from .apply import Counts, apply_roster
from .models import ImportStatus, RosterClass, RosterCourse, RosterImport, RosterOrg, RosterUser
from .parse import parse_roster
from .permissions import can_import_roster
from .reader import MAX_PROBLEMS, Problem, RosterInputError, files_from_zip, problem_lines
from .tasks import run_roster_import

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

Progress = Callable[[int, int], None]
MAX_WARNINGS = 50


@dataclass
class RosterResult:
    """The outcome of an import (or dry run): counts per kind, warnings."""

    dry_run: bool
    counts: dict[str, Counts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: c.as_dict() for k, c in self.counts.items()}
        warnings = self.warnings[:MAX_WARNINGS]
        if len(self.warnings) > MAX_WARNINGS:
            extra = len(self.warnings) - MAX_WARNINGS
            warnings.append(ngettext("and %(n)d more", "and %(n)d more", extra) % {"n": extra})
        data["dry_run"] = self.dry_run
        data["warnings"] = warnings
        return data


class RosterRefused(DomainError):
    """The export has problems; ``problems`` lists each as ``FILE:LINE: message``."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = problem_lines(problems, MAX_PROBLEMS)
        super().__init__(
            _("The roster was not imported: %(n)d problems.") % {"n": len(problems)},
            fields={"file": lines},
            code="roster_refused",
        )


class _DryRun(Exception):
    pass


def _known(institution: Organization) -> dict[str, set[str]]:
    def ids(model: Any) -> set[str]:
        return set(
            model.objects.filter(institution=institution).values_list("sourced_id", flat=True)
        )

    return {
        "orgs": ids(RosterOrg),
        "courses": ids(RosterCourse),
        "classes": ids(RosterClass),
        "users": ids(RosterUser),
    }


def roster_import(
    *,
    actor: Actor | None,
    institution: Organization,
    files: dict[str, bytes],
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RosterResult:
    """Import a OneRoster export (``files`` by canonical name, see
    :func:`tandem.rosters.reader.files_from_path`) into ``institution``. ``actor=None`` is
    the system (the CLI); otherwise a coordinator of the institution or a platform admin.
    Raises :class:`RosterRefused` (nothing written) when the export has problems."""
    if not institution.is_institution:
        raise DomainError(
            _("Only an education institution imports a roster."),
            fields={"institution": [_("Choose an education institution.")]},
        )
    if actor is not None and not can_import_roster(actor, institution):
        raise PermissionDeniedError(_("Only the institution's coordinators import rosters."))
    result = RosterResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            roster = parse_roster(files, known=_known(institution))
            if roster.problems:
                raise RosterRefused(roster.problems)
            result.warnings.extend(roster.warnings)
            result.counts = apply_roster(
                actor=actor,
                institution=institution,
                roster=roster,
                warnings=result.warnings,
                progress=progress,
            )
            if dry_run:
                raise _DryRun
            audit_record(
                actor=actor,
                action="roster.import",
                target=institution,
                organizations=[institution],
                changes={
                    "version": roster.version,
                    **{k: c.as_dict() for k, c in result.counts.items()},
                    "warnings": len(result.warnings),
                },
            )
    except _DryRun:
        pass
    return result


# --- Uploads from the page and the API: checked in the background, then confirmed ----------
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@transaction.atomic
def roster_upload_create(
    *, actor: Actor, institution: Organization, filename: str, content: bytes
) -> RosterImport:
    """Keep an uploaded .zip export and check it in the background (a dry run); the result
    waits for a coordinator's confirmation (:func:`roster_upload_confirm`)."""
    if not can_import_roster(actor, institution):
        raise PermissionDeniedError(_("Only the institution's coordinators import rosters."))
    if len(content) > MAX_UPLOAD_BYTES:
        message = _("The file is larger than 50 MB.")
        raise DomainError(message, fields={"file": [message]})
    try:
        files = files_from_zip(content)
    except RosterInputError as exc:
        raise DomainError(str(exc), fields={"file": [str(exc)]}) from exc
    if "users.csv" not in files and "orgs.csv" not in files:
        message = _("The archive holds no OneRoster files (orgs.csv, users.csv, …).")
        raise DomainError(message, fields={"file": [message]})
    upload = RosterImport.objects.create(
        institution=institution,
        created_by=signed_in(actor),
        filename=(filename or "roster.zip")[:200],
        content=content,
    )
    transaction.on_commit(lambda: run_roster_import.enqueue(upload.pk, False))
    return upload


@transaction.atomic
def roster_upload_confirm(*, actor: Actor, upload: RosterImport) -> RosterImport:
    """Import a checked upload for real (in the background)."""
    upload = RosterImport.objects.select_for_update().get(pk=upload.pk)
    if not can_import_roster(actor, upload.institution):
        raise PermissionDeniedError(_("Only the institution's coordinators import rosters."))
    if upload.status != ImportStatus.PREVIEWED:
        raise ConflictError(_("Only a checked roster that is waiting can be imported."))
    upload.status, upload.confirmed_by = ImportStatus.APPLYING, signed_in(actor)
    upload.save(update_fields=["status", "confirmed_by", "updated_at"])
    transaction.on_commit(lambda: run_roster_import.enqueue(upload.pk, True))
    return upload


def roster_upload_run(*, import_id: int, apply: bool) -> RosterImport | None:
    """The background step: the dry run (``apply=False``) or the import. The person who
    uploaded (or confirmed) must still coordinate the institution."""
    upload = RosterImport.objects.select_related("institution").filter(pk=import_id).first()
    expected = ImportStatus.APPLYING if apply else ImportStatus.QUEUED
    if upload is None or upload.status != expected:
        return upload
    if not apply:
        RosterImport.objects.filter(pk=upload.pk).update(status=ImportStatus.RUNNING)
    actor = (upload.confirmed_by if apply else upload.created_by) or AnonymousUser()
    fields = ["status", "result", "problems", "finished_at", "updated_at"]
    try:
        result = roster_import(
            actor=actor,
            institution=upload.institution,
            files=files_from_zip(bytes(upload.content)),
            dry_run=not apply,
        )
    except RosterRefused as exc:
        upload.status, upload.problems = ImportStatus.FAILED, problem_lines(exc.problems)
    except (DomainError, RosterInputError) as exc:
        upload.status, upload.problems = ImportStatus.FAILED, [str(exc)]
    except Exception:
        # Not left "running" for ever: the page says it failed; the worker logs the error.
        RosterImport.objects.filter(pk=upload.pk).update(
            status=ImportStatus.FAILED,
            problems=[_("The import failed unexpectedly; nothing was written.")],
            content=b"",
            finished_at=timezone.now(),
        )
        raise
    else:
        upload.status = ImportStatus.DONE if apply else ImportStatus.PREVIEWED
        if apply:
            upload.applied_result = result.as_dict()
            fields.append("applied_result")
        else:
            upload.result = result.as_dict()
    if upload.status in (ImportStatus.DONE, ImportStatus.FAILED):
        upload.content = b""  # the export holds personal data: not kept once used
        fields.append("content")
    upload.finished_at = timezone.now()
    upload.save(update_fields=fields)
    return upload
