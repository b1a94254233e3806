"""What a posting must satisfy (field coercion and validation) and the helpers every posting
write shares: the row lock, the audit event, the caller's instance kept in step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.changes import OPPORTUNITIES_CHANGED, announce
from tandem.core.errors import DomainError
from tandem.core.listing_cache import bump_version
from tandem.organizations.models import Site

from ..apps import LISTING
from ..currencies import ISO_4217
from ..models import (
    Opportunity,
    OpportunityStatus,
    OpportunityType,
    PayPeriod,
    WorkMode,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


S = OpportunityStatus

EDITABLE_FIELDS = (
    "partnership",
    "site",
    "title",
    "type",
    "description",
    "skills_wanted",
    "location",
    "work_mode",
    "start_date",
    "end_date",
    "hours_per_week",
    "pay_amount",
    "pay_currency",
    "pay_period",
    "seats",
    "eligible_programs",
    "min_year_of_study",
    "max_year_of_study",
    "application_deadline",
)
MAX_SEATS = 10_000
BLANK_OK = frozenset({"skills_wanted", "location", "pay_period"})
MAX_HOURS_PER_WEEK = Decimal("80")
MAX_YEAR = 10


# --- helpers ---------------------------------------------------------------------------------
def _illegal(opportunity: Opportunity, action: str) -> DomainError:
    return DomainError(
        _("A posting that is “%(status)s” cannot be %(action)s.")
        % {"status": opportunity.get_status_display(), "action": action},
        code="illegal_transition",
    )


def _organizations(opportunity: Opportunity) -> set[int]:
    """Host plus every target institution: whose coordinators may read the audit event."""
    return {opportunity.host_id, *opportunity.approvals.values_list("institution_id", flat=True)}


def _audit(
    actor: User | AnonymousUser | None,
    action: str,
    opportunity: Opportunity,
    changes: dict[str, Any],
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=opportunity,
        organizations=_organizations(opportunity),
        changes=changes,
    )
    # Every audited change (text, status, approval) may change what is derived from the
    # posting elsewhere (its skills, students' recommendation lists): say so after commit.
    announce(OPPORTUNITIES_CHANGED, ids=[opportunity.pk])
    bump_version(LISTING)  # also for writes that send no post_save (queryset updates)


def _lock(opportunity: Opportunity) -> Opportunity:
    """Lock the posting row only (not its host), so transitions on one posting queue and
    postings of the same host do not."""
    return (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("host")
        .get(pk=opportunity.pk)
    )


def _sync(target: Opportunity, source: Opportunity) -> None:
    """Keep the caller's instance in step with the saved row."""
    if target is not source:
        for field in (*EDITABLE_FIELDS, "status", "updated_at"):
            setattr(target, field, getattr(source, field))


def _coerce(opp: Opportunity, name: str, value: Any, errors: dict[str, list[str]]) -> Any:
    """Turn API/CLI input of the wrong type into a field error, not a 500."""
    field: Any = Opportunity._meta.get_field(name)
    if value is None or value == "":
        if field.null:
            return None
        return "" if name in BLANK_OK else value  # _validate flags what is missing
    try:
        return field.to_python(value)  # type: ignore[union-attr]
    except (ValidationError, TypeError, ValueError, InvalidOperation):
        errors.setdefault(name, []).append(_("Enter a valid value."))
        return getattr(opp, name)


def _clean_programs(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [line for chunk in value.splitlines() for line in chunk.split(";")]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.setdefault("eligible_programs", []).append(_("Give a list of program names."))
        return []
    seen: dict[str, str] = {}
    for raw in value:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > 200:
            errors.setdefault("eligible_programs", []).append(
                _("Program names are at most 200 characters.")
            )
            continue
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _validate(opp: Opportunity, changed: set[str], errors: dict[str, list[str]]) -> None:
    """Every rule a posting must satisfy, as field errors."""
    opp.title = (opp.title or "").strip()
    opp.description = (opp.description or "").strip()
    if not opp.title:
        errors.setdefault("title", []).append(_("This field is required."))
    elif len(opp.title) > 200:
        errors.setdefault("title", []).append(_("At most 200 characters."))
    if not opp.description:
        errors.setdefault("description", []).append(_("This field is required."))
    if opp.type not in OpportunityType.values:
        errors.setdefault("type", []).append(_("Choose a valid opportunity type."))
    if opp.work_mode not in WorkMode.values:
        errors.setdefault("work_mode", []).append(_("Choose on-site, hybrid or remote."))
    if len(opp.location or "") > 200:
        errors.setdefault("location", []).append(_("At most 200 characters."))

    if not isinstance(opp.seats, int) or opp.seats < 1:
        errors.setdefault("seats", []).append(_("Offer at least one seat."))
    elif opp.seats > MAX_SEATS:
        errors.setdefault("seats", []).append(_("At most %(n)d seats.") % {"n": MAX_SEATS})

    if opp.start_date and opp.end_date and opp.end_date < opp.start_date:
        errors.setdefault("end_date", []).append(_("The end date is before the start date."))

    hours = opp.hours_per_week
    if hours is not None and not (Decimal(0) < hours <= MAX_HOURS_PER_WEEK):
        errors.setdefault("hours_per_week", []).append(
            _("Hours per week must be more than 0 and at most 80.")
        )

    currency = (opp.pay_currency or "").strip().upper()
    opp.pay_currency = currency
    if currency not in ISO_4217:
        errors.setdefault("pay_currency", []).append(
            _("Use an ISO 4217 currency code, such as GBP, EUR or USD.")
        )
    if opp.pay_amount is not None:
        if opp.pay_amount < 0:
            errors.setdefault("pay_amount", []).append(_("Pay cannot be negative."))
        elif opp.pay_amount >= Decimal("100000000"):
            errors.setdefault("pay_amount", []).append(_("This amount is too large."))
        if opp.pay_period not in PayPeriod.values:
            errors.setdefault("pay_period", []).append(
                _("Say what the pay is per: hour, day, week, month, year or in total.")
            )
    elif opp.pay_period:
        if opp.pay_period not in PayPeriod.values:
            errors.setdefault("pay_period", []).append(_("Choose a valid pay period."))
        else:
            opp.pay_period = ""  # no amount, no period

    for name in ("min_year_of_study", "max_year_of_study"):
        year = getattr(opp, name)
        if year is not None and not 1 <= year <= MAX_YEAR:
            errors.setdefault(name, []).append(
                _("Year of study must be between 1 and %(n)d.") % {"n": MAX_YEAR}
            )
    lo, hi = opp.min_year_of_study, opp.max_year_of_study
    if lo is not None and hi is not None and lo > hi:
        errors.setdefault("max_year_of_study", []).append(
            _("The highest year is below the lowest year.")
        )

    deadline = opp.application_deadline
    if deadline is not None:
        if timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline)
            opp.application_deadline = deadline
        if "application_deadline" in changed and deadline <= timezone.now():
            errors.setdefault("application_deadline", []).append(
                _("The application deadline must be in the future.")
            )
        if opp.start_date and timezone.localtime(deadline).date() >= opp.start_date:
            errors.setdefault("application_deadline", []).append(
                _("The application deadline must be before the start date.")
            )

    if opp.site_id is not None:
        site = opp.site
        if site is None or site.organization_id != opp.host_id:
            errors.setdefault("site", []).append(_("Choose one of the host's own sites."))
    if opp.partnership_id is not None:
        p = opp.partnership
        if p is None or not (
            p.partners.filter(pk=opp.host_id).exists()
            or p.institutions.filter(pk=opp.host_id).exists()
        ):
            errors.setdefault("partnership", []).append(
                _("Choose a partnership the host takes part in.")
            )


def _apply_fields(opp: Opportunity, fields: dict[str, Any], errors: dict[str, list[str]]) -> None:
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    for name in unknown:
        errors.setdefault(name, []).append(_("This field cannot be set."))
    for name, value in fields.items():
        if name in unknown:
            continue
        if name == "eligible_programs":
            opp.eligible_programs = _clean_programs(value, errors)
        elif name == "site":
            if value is not None and not isinstance(value, Site):
                errors.setdefault("site", []).append(_("Choose one of the host's own sites."))
            else:
                opp.site = value
        elif name == "partnership":
            from tandem.partnerships.models import Partnership

            if value is not None and not isinstance(value, Partnership):
                errors.setdefault("partnership", []).append(_("Choose a partnership."))
            else:
                opp.partnership = value
        else:
            setattr(opp, name, _coerce(opp, name, value, errors))


def _snapshot(opp: Opportunity) -> dict[str, Any]:
    return {
        name: (
            str(getattr(opp, f"{name}_id", None))
            if name in {"site", "partnership"}
            else getattr(opp, name)
        )
        for name in EDITABLE_FIELDS
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    return value
