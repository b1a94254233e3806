"""Mentor programs: the one table of status transitions and the matching constraints'
validation (the services in :mod:`.mentoring` and :mod:`.intake` use both)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tandem.core.errors import ConflictError, DomainError

from ..models import MentorProgram, ProgramStatus
from .scoring import SLOTS, WEIGHTS

# --- Mentor programs: the lifecycle ---------------------------------------------------------
#: The one table of a program's transitions: action → (from statuses, to status).
#: ``computed`` is the background task's step; the others are the coordinator's.
PROGRAM_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({ProgramStatus.DRAFT}), ProgramStatus.OPEN),
    "run": (frozenset({ProgramStatus.OPEN, ProgramStatus.MATCHED}), ProgramStatus.RUNNING),
    "computed": (frozenset({ProgramStatus.RUNNING}), ProgramStatus.MATCHED),
    "publish": (frozenset({ProgramStatus.MATCHED}), ProgramStatus.PUBLISHED),
    "close": (frozenset({ProgramStatus.PUBLISHED}), ProgramStatus.CLOSED),
}


def _refusal(action: str) -> str:
    return {
        "open": _("Only a draft program can be opened for applications."),
        "run": _(
            "Pairs can be computed only while the program accepts applications or its pairs "
            "are under review."
        ),
        "computed": _("The program is not being matched."),
        "publish": _("Only computed pairs can be published."),
        "close": _("Only a published program can be closed."),
    }[action]


def check_transition(program: MentorProgram, action: str) -> str:
    """The status ``action`` leads to from the program's status, or a
    :class:`ConflictError` that says why not (409)."""
    sources, target = PROGRAM_TRANSITIONS[action]
    if program.status not in sources:
        raise ConflictError(_refusal(action), code="bad_status")
    return target


def allowed_actions(program: MentorProgram) -> list[str]:
    """The coordinator's actions possible in the program's status."""
    return [
        a
        for a, (sources, _t) in PROGRAM_TRANSITIONS.items()
        if a != "computed" and program.status in sources
    ]


def clean_constraints(data: dict[str, Any]) -> dict[str, Any]:
    """Validate matching constraints and weights (keys as on :class:`MentorProgram`);
    returns the fields to store. Field messages on bad input."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for flag in ("require_shared_language", "require_same_institution"):
        if flag in data:
            out[flag] = bool(data[flag])
    if "min_shared_slots" in data:
        try:
            n = int(data["min_shared_slots"])
        except (TypeError, ValueError):
            n = -1
        if not 0 <= n <= len(SLOTS):
            errors["min_shared_slots"] = [_("0 to 21 slots.")]
        else:
            out["min_shared_slots"] = n
    if "weights" in data and data["weights"] is not None:
        given = data["weights"]
        if not isinstance(given, dict) or set(given) - set(WEIGHTS):
            errors["weights"] = [
                _("Weights are given for: %(keys)s.") % {"keys": ", ".join(WEIGHTS)}
            ]
        else:
            weights: dict[str, float] = {}
            for k, v in given.items():
                try:
                    w = float(v)
                except (TypeError, ValueError):
                    w = -1.0
                if not 0 <= w <= 100:
                    errors[f"weight_{k}"] = [_("A weight is 0 to 100.")]
                weights[k] = w
            if not errors and sum(weights.get(k, WEIGHTS[k]) for k in WEIGHTS) <= 0:
                errors["weights"] = [_("At least one weight must be above 0.")]
            out["weights"] = weights
    if errors:
        raise DomainError(_("Please correct the errors below."), fields=errors)
    return out
