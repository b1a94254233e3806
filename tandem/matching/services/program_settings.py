"""Mentor programs: the coordinator's settings (goals, eligibility, application window,
default capacity, matching constraints) and the lifecycle steps that have no service of
their own (opening a draft, closing a published program)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError

from ..models import MentorProgram, MentorSource, ProgramStatus
from ..permissions import can_manage_program
from .program_rules import check_transition, clean_constraints

if TYPE_CHECKING:
    from tandem.accounts.models import User

GOALS_MAX = 5000
#: Statuses in which people can still join the program and settings still change.
JOINABLE = (ProgramStatus.DRAFT, ProgramStatus.OPEN, ProgramStatus.MATCHED)


def _require_manager(actor: User | AnonymousUser, program: MentorProgram) -> None:
    if not can_manage_program(actor, program):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))


def _int_or_none(value: Any, field: str, errors: dict[str, list[str]], lo: int, hi: int) -> Any:
    if value in (None, ""):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = lo - 1
    if not lo <= n <= hi:
        errors[field] = [_("A whole number from %(lo)d to %(hi)d.") % {"lo": lo, "hi": hi}]
        return None
    return n


def clean_settings(data: dict[str, Any], *, institution_id: int) -> dict[str, Any]:
    """Validate a program's settings (any subset of: ``goals``, ``mentee_programmes``,
    ``mentee_min_year``, ``mentee_max_year``, ``mentor_source``, ``opens_at``,
    ``closes_at``, ``default_capacity`` and the constraints of
    :func:`~.program_rules.clean_constraints`). Field messages on bad input."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if "goals" in data:
        goals = str(data["goals"] or "").strip()
        if len(goals) > GOALS_MAX:
            errors["goals"] = [_("At most 5,000 characters.")]
        out["goals"] = goals
    if "mentee_programmes" in data:
        names = [str(p).strip() for p in data["mentee_programmes"] or [] if str(p).strip()]
        if len(names) > 50 or any(len(n) > 200 for n in names):
            errors["mentee_programmes"] = [_("At most 50 programmes of 200 characters.")]
        out["mentee_programmes"] = list(dict.fromkeys(names))
    for field in ("mentee_min_year", "mentee_max_year"):
        if field in data:
            out[field] = _int_or_none(data[field], field, errors, 1, 12)
    lo, hi = out.get("mentee_min_year"), out.get("mentee_max_year")
    if lo is not None and hi is not None and lo > hi:
        errors["mentee_max_year"] = [_("The last year comes after the first.")]
    if "mentor_source" in data:
        if data["mentor_source"] not in MentorSource.values:
            errors["mentor_source"] = [_("Choose who may mentor.")]
        else:
            out["mentor_source"] = data["mentor_source"]
    for field in ("opens_at", "closes_at"):
        if field in data:
            value = data[field]
            if value is not None and not isinstance(value, datetime):
                errors[field] = [_("Enter a date and time.")]
            else:
                out[field] = value
    if out.get("opens_at") and out.get("closes_at") and out["closes_at"] <= out["opens_at"]:
        errors["closes_at"] = [_("Applications close after they open.")]
    if "default_capacity" in data:
        cap = _int_or_none(data["default_capacity"], "default_capacity", errors, 1, 20)
        if cap is None and "default_capacity" not in errors:
            errors["default_capacity"] = [_("1 to 20.")]
        elif cap is not None:
            out["default_capacity"] = cap
    try:
        out.update(clean_constraints(data))
    except DomainError as exc:
        errors.update({k: list(v) for k, v in exc.fields.items()})
    if errors:
        raise DomainError(_("Please correct the errors below."), fields=errors)
    return out


@transaction.atomic
def program_settings_update(
    *, actor: User | AnonymousUser, program: MentorProgram, data: dict[str, Any]
) -> MentorProgram:
    """A coordinator changes a program's goals, eligibility, application window, default
    capacity or matching constraints (not once it is published)."""
    _require_manager(actor, program)
    locked = MentorProgram.objects.select_for_update().get(pk=program.pk)
    if locked.status not in JOINABLE:
        raise ConflictError(_("The program no longer takes changes."), code="bad_status")
    fields = clean_settings(data, institution_id=locked.institution_id)
    merged = {"opens_at": locked.opens_at, "closes_at": locked.closes_at, **fields}
    if merged["opens_at"] and merged["closes_at"] and merged["closes_at"] <= merged["opens_at"]:
        raise DomainError(
            _("Please correct the errors below."),
            fields={"closes_at": [_("Applications close after they open.")]},
        )
    lo = fields.get("mentee_min_year", locked.mentee_min_year)
    hi = fields.get("mentee_max_year", locked.mentee_max_year)
    if lo is not None and hi is not None and lo > hi:
        raise DomainError(
            _("Please correct the errors below."),
            fields={"mentee_max_year": [_("The last year comes after the first.")]},
        )
    for k, v in fields.items():
        setattr(locked, k, v)
        setattr(program, k, v)
    locked.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        action="mentor_program.settings_changed",
        target=locked,
        organizations=[locked.institution_id],
        changes={k: str(v) for k, v in fields.items()},
    )
    return locked


@transaction.atomic
def program_transition(
    *, actor: User | AnonymousUser, program: MentorProgram, action: str
) -> MentorProgram:
    """Open a draft for applications (``open``) or close a published program (``close``);
    running and publishing have their own services (``program_run``, ``program_publish``),
    which use the same table (:data:`~.program_rules.PROGRAM_TRANSITIONS`)."""
    _require_manager(actor, program)
    if action not in ("open", "close"):
        raise DomainError(_("Unknown step."), fields={"action": [_("Unknown step.")]})
    locked = MentorProgram.objects.select_for_update().get(pk=program.pk)
    locked.status = check_transition(locked, action)
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=f"mentor_program.{action}",
        target=locked,
        organizations=[locked.institution_id],
        changes={"status": locked.status},
    )
    program.status = locked.status
    return locked


__all__ = ["JOINABLE", "clean_settings", "program_settings_update", "program_transition"]
