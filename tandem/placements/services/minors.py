"""Minors: the institution records a student's date of birth; a placement of a student under
18 on its start day needs a guardian-consent clearance (the clearance rule in
:mod:`..compliance` applies guardian-consent requirements to minors only; the start guard
below refuses a minor's placement when the institution asks no guardian consent at all) and
follows the institution's minors' rules, checked when hours are logged
(:func:`minor_hours_errors`, called by the hours service)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.applications.models import Application, Stage
from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Membership, Organization, Role

from ..compliance import GUARDIAN_CONSENT
from ..models import HoursEntry, HoursStatus, MinorsRules, StudentBirthDate
from ..permissions import can_manage_minors
from ..selectors import clearance_lines, is_minor_placement, minors_rules_of

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.accounts.types import Actor

OLDEST_YEARS = 100


@transaction.atomic
def birth_date_record(
    *, actor: Actor, institution: Organization, student: User, date_of_birth: dt.date | None
) -> StudentBirthDate:
    """A coordinator records the date of birth of one of the institution's students."""
    if not can_manage_minors(actor, institution.pk):
        raise PermissionDeniedError()
    if not Membership.objects.filter(
        organization=institution, user=student, role=Role.STUDENT
    ).exists():
        raise DomainError(
            _("This person is not a student of the institution."),
            fields={"student": [_("Choose one of the institution's students.")]},
        )
    today = timezone.localdate()
    if date_of_birth is None:
        raise DomainError(
            _("Enter the date of birth."), fields={"date_of_birth": [_("Enter a date.")]}
        )
    if date_of_birth >= today or date_of_birth.year < today.year - OLDEST_YEARS:
        raise DomainError(
            _("The date of birth is not plausible."),
            fields={"date_of_birth": [_("Enter a date in the past century.")]},
        )
    record, _created = StudentBirthDate.objects.update_or_create(
        institution=institution,
        student=student,
        defaults={"date_of_birth": date_of_birth, "recorded_by": actor},
    )
    # The date itself stays out of the audit trail (personal data): who recorded one, when.
    audit_record(
        actor=actor,
        action="placements.birth_date_recorded",
        target=record,
        organizations=[institution.pk],
    )
    return record


def _limit(value: Any, field: str, most: Decimal, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        amount = Decimal("-1")
    if not amount.is_finite() or not (Decimal("0") < amount <= most):
        errors[field] = [_("A number of hours above 0 and at most %(n)s.") % {"n": most}]
        return None
    return amount


@transaction.atomic
def minors_rules_set(
    *,
    actor: Actor,
    institution: Organization,
    max_hours_per_day: Any = None,
    max_hours_per_week: Any = None,
) -> MinorsRules:
    """A coordinator sets the institution's hour limits for placements of minors."""
    if not can_manage_minors(actor, institution.pk):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    day = _limit(max_hours_per_day, "max_hours_per_day", Decimal("24"), errors)
    week = _limit(max_hours_per_week, "max_hours_per_week", Decimal("168"), errors)
    if day is not None and week is not None and week < day:
        errors["max_hours_per_week"] = [_("A week's limit cannot be below a day's.")]
    if errors:
        raise DomainError(_("The minors' rules could not be saved."), fields=errors)
    rules, _created = MinorsRules.objects.update_or_create(
        institution=institution,
        defaults={"max_hours_per_day": day, "max_hours_per_week": week},
    )
    audit_record(
        actor=actor,
        action="placements.minors_rules_set",
        target=rules,
        organizations=[institution.pk],
        changes={
            "max_hours_per_day": str(day) if day is not None else None,
            "max_hours_per_week": str(week) if week is not None else None,
        },
    )
    return rules


def minor_hours_errors(
    application: Application, *, day: dt.date, amount: Decimal, exclude_pk: int | None = None
) -> list[str]:
    """The minors' rules an hours entry would break (empty: none, or not a minor's
    placement). Returned entries and the entry being corrected do not count."""
    rules = minors_rules_of(application.institution_id)
    if rules is None or not is_minor_placement(application):
        return []
    others = HoursEntry.objects.filter(application=application).exclude(status=HoursStatus.RETURNED)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    problems = []
    if rules.max_hours_per_day is not None:
        logged = others.filter(date=day).aggregate(t=Sum("hours"))["t"] or Decimal("0")
        if logged + amount > rules.max_hours_per_day:
            problems.append(
                _("Students under 18 work at most %(n)s hours a day (%(logged)s already logged).")
                % {"n": rules.max_hours_per_day, "logged": logged}
            )
    if rules.max_hours_per_week is not None:
        monday = day - dt.timedelta(days=day.weekday())
        logged = others.filter(date__gte=monday, date__lte=monday + dt.timedelta(days=6)).aggregate(
            t=Sum("hours")
        )["t"] or Decimal("0")
        if logged + amount > rules.max_hours_per_week:
            problems.append(
                _("Students under 18 work at most %(n)s hours a week (%(logged)s already logged).")
                % {"n": rules.max_hours_per_week, "logged": logged}
            )
    return problems


def minor_start_guard(*, actor: Actor, application: Application, **context: object) -> None:
    """The start gate (with the clearance guard): a minor's placement cannot start when the
    institution asks no guardian consent that applies to it."""
    if application.stage != Stage.ACCEPTED or not is_minor_placement(application):
        return
    if any(line.requirement.kind == GUARDIAN_CONSENT for line in clearance_lines(application)):
        return  # the clearance guard checks that it is verified
    message = _(
        "The student is under 18: the placement needs a guardian's consent, and the "
        "institution has no guardian-consent clearance for it. A coordinator adds one."
    )
    raise DomainError(message, fields={"to_stage": [message]}, code="guardian_consent_missing")
