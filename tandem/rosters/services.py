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

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Organization

from .apply import Counts, apply_roster
from .models import RosterClass, RosterCourse, RosterOrg, RosterUser
from .parse import parse_roster
from .permissions import can_import_roster
from .reader import MAX_PROBLEMS, Problem, problem_lines

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
            warnings.append(_("and %(n)d more") % {"n": len(self.warnings) - MAX_WARNINGS})
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
