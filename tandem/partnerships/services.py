"""Every write to partnerships. Views, the API, admin and other apps call these.

Each service is keyword-only, atomic, validates its input (raising
:class:`~tandem.core.errors.DomainError` with field messages), re-checks the actor's
permission (:class:`~tandem.core.errors.PermissionDeniedError`) and writes the audit trail.

Public surface for other apps: :func:`kpi_record_metric`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations.models import Membership, Organization, OrganizationKind, Role

from . import kpi_status as kpi_rules
from . import lifecycle
from .models import (
    KPI,
    MANUAL_METRIC,
    ActionItem,
    BoundMetric,
    Commitment,
    CommitmentDelivery,
    CommitmentKind,
    CommunicationEntry,
    CommunicationKind,
    DocumentKind,
    KPIMeasurement,
    MeasurementSource,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
    PartnershipStatus,
    PartnershipTransition,
    PartnershipType,
)
from .permissions import (
    can_create_partnership,
    can_edit_partnership,
    can_transition_partnership,
)
from .uploads import detect_document_type

_CURRENCY = re.compile(r"^[A-Z]{3}$")


# --- helpers ------------------------------------------------
def _org_ids(partnership: Partnership) -> set[int]:
    return set(partnership.institutions.values_list("pk", flat=True)) | set(
        partnership.partners.values_list("pk", flat=True)
    )


def _audit(
    *, actor: Any, action: str, partnership: Partnership, obj: Any = None, **changes: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=obj if obj is not None else partnership,
        organizations=_org_ids(partnership),
        changes={k: _jsonable(v) for k, v in changes.items()},
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def _require_edit(actor: Any, partnership: Partnership) -> None:
    if not can_edit_partnership(actor, partnership):
        raise PermissionDeniedError(_("You may not change this partnership."))


def _decimal(
    value: Any, field: str, *, max_digits: int = 16, places: int = 4, positive: bool = False
) -> Decimal:
    """Parse ``value`` as a finite Decimal that fits the column, or raise a field error."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("Enter a number."), fields={field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise DomainError(_("Enter a number."), fields={field: _("Enter a number.")})
    limit = Decimal(10) ** (max_digits - places)
    if abs(number) >= limit:
        msg = _("Enter a number smaller than %(limit)s.") % {"limit": f"{limit:,.0f}"}
        raise DomainError(msg, fields={field: msg})
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if positive and number <= 0:
        msg = _("Enter a number greater than zero.")
        raise DomainError(msg, fields={field: msg})
    return number


def _text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(
            _("This field is required."), fields={field: _("This field is required.")}
        )
    if len(text) > max_length:
        msg = _("Use at most %(n)d characters.") % {"n": max_length}
        raise DomainError(msg, fields={field: msg})
    return text


def _choice(value: Any, field: str, choices: Iterable[str]) -> str:
    allowed = list(choices)
    if value not in allowed:
        msg = _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}
        raise DomainError(msg, fields={field: msg})
    return str(value)


def _check_member(user: User | None, partnership: Partnership, field: str) -> None:
    """Owners must be staff (not students) of one of the partnership's organizations."""
    if user is None:
        return
    if (
        not Membership.objects.filter(
            user=user, is_active=True, organization_id__in=_org_ids(partnership)
        )
        .exclude(role=Role.STUDENT)
        .exists()
    ):
        msg = _("Choose a staff member of one of the partnership's organizations.")
        raise DomainError(msg, fields={field: msg})


def validate_types(types: Any) -> list[str]:
    """One or more known partnership types, de-duplicated, in the order given."""
    if isinstance(types, str) or not isinstance(types, Sequence | set | frozenset):
        msg = _("Choose at least one partnership type.")
        raise DomainError(msg, fields={"types": msg})
    known = set(PartnershipType.values)
    unknown = [str(t) for t in types if t not in known]
    if unknown:
        msg = _("Unknown partnership type: %(types)s.") % {"types": ", ".join(unknown)}
        raise DomainError(msg, fields={"types": msg})
    cleaned = list(dict.fromkeys(str(t) for t in types))
    if not cleaned:
        msg = _("Choose at least one partnership type.")
        raise DomainError(msg, fields={"types": msg})
    return cleaned


def _validate_orgs(
    institutions: Iterable[Organization], partners: Iterable[Organization]
) -> tuple[list[Organization], list[Organization]]:
    insts = list(dict.fromkeys(institutions))
    parts = list(dict.fromkeys(partners))
    errors: dict[str, str] = {}
    if not insts:
        errors["institutions"] = _("Choose at least one institution.")
    elif any(o.kind != OrganizationKind.INSTITUTION for o in insts):
        errors["institutions"] = _("Only education institutions can be listed here.")
    if not parts:
        errors["partners"] = _("Choose at least one industry partner.")
    elif any(o.kind != OrganizationKind.PARTNER for o in parts):
        errors["partners"] = _("Only industry partners can be listed here.")
    if errors:
        raise DomainError(_("Check the organizations."), fields=errors)
    return insts, parts


def _validate_dates(start_date: dt.date | None, end_date: dt.date | None) -> None:
    if start_date and end_date and end_date < start_date:
        msg = _("The end date cannot be before the start date.")
        raise DomainError(msg, fields={"end_date": msg})


# --- partnerships ------------------------------------------------
@transaction.atomic
def partnership_create(
    *,
    actor: Any,
    title: str,
    types: Sequence[str],
    institutions: Iterable[Organization],
    partners: Iterable[Organization],
    summary: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    next_review_date: dt.date | None = None,
) -> Partnership:
    """Propose a partnership. The actor must coordinate one of the institutions or recruit
    for one of the partners. It starts as ``proposed``."""
    title = _text(title, "title", max_length=200)
    clean_types = validate_types(types)
    insts, parts = _validate_orgs(institutions, partners)
    _validate_dates(start_date, end_date)
    if not can_create_partnership(actor, insts, parts):
        raise PermissionDeniedError(
            _(
                "You can create a partnership only for an institution you coordinate or a "
                "partner you recruit for."
            )
        )
    partnership = Partnership.objects.create(
        title=title,
        summary=(summary or "").strip(),
        types=clean_types,
        status=PartnershipStatus.PROPOSED,
        start_date=start_date,
        end_date=end_date,
        next_review_date=next_review_date,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    partnership.institutions.set(insts)
    partnership.partners.set(parts)
    _audit(
        actor=actor,
        action="partnership.created",
        partnership=partnership,
        title=title,
        types=clean_types,
        status=partnership.status,
    )
    return partnership


_UPDATABLE = ("title", "summary", "types", "start_date", "end_date", "next_review_date")


@transaction.atomic
def partnership_update(
    *,
    actor: Any,
    partnership: Partnership,
    institutions: Iterable[Organization] | None = None,
    partners: Iterable[Organization] | None = None,
    **fields: Any,
) -> Partnership:
    """Change the descriptive fields and/or the organizations of a partnership.

    Accepts ``title``, ``summary``, ``types``, ``start_date``, ``end_date`` and
    ``next_review_date``. Actors other than platform admins must keep one of their own
    organizations in the partnership so they cannot lock themselves out by mistake.
    """
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _require_edit(actor, partnership)
    unknown = set(fields) - set(_UPDATABLE)
    if unknown:
        raise DomainError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    changes: dict[str, Any] = {}
    if "title" in fields:
        fields["title"] = _text(fields["title"], "title", max_length=200)
    if "summary" in fields:
        fields["summary"] = (fields["summary"] or "").strip()
    if "types" in fields:
        fields["types"] = validate_types(fields["types"])
    start = fields.get("start_date", partnership.start_date)
    end = fields.get("end_date", partnership.end_date)
    _validate_dates(start, end)
    for name, value in fields.items():
        if getattr(partnership, name) != value:
            changes[name] = value
            setattr(partnership, name, value)
    if institutions is not None or partners is not None:
        insts, parts = _validate_orgs(
            institutions if institutions is not None else partnership.institutions.all(),
            partners if partners is not None else partnership.partners.all(),
        )
        if not can_create_partnership(actor, insts, parts):
            raise PermissionDeniedError(
                _("Keep at least one of your own organizations in the partnership.")
            )
        old = _org_ids(partnership)
        partnership.institutions.set(insts)
        partnership.partners.set(parts)
        partnership.__dict__.pop("_org_id_cache", None)
        if _org_ids(partnership) != old:
            changes["organizations"] = sorted(o.name for o in [*insts, *parts])
    if changes:
        partnership.save()
        _audit(actor=actor, action="partnership.updated", partnership=partnership, **changes)
    return partnership


@transaction.atomic
def partnership_transition(
    *, actor: Any, partnership: Partnership, to_status: str, note: str = ""
) -> PartnershipTransition:
    """Move a partnership one step along its lifecycle (see :mod:`.lifecycle`)."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if to_status not in PartnershipStatus.values:
        msg = _("Unknown status “%(s)s”.") % {"s": to_status}
        raise DomainError(msg, fields={"to_status": msg})
    from_status = locked.status
    if not lifecycle.is_allowed(from_status, to_status):
        labels = dict(PartnershipStatus.choices)
        allowed = [
            str(labels[s]) for s in PartnershipStatus.values if lifecycle.is_allowed(from_status, s)
        ]
        msg = _("A partnership cannot move from “%(from)s” to “%(to)s”.") % {
            "from": labels[from_status],
            "to": labels[to_status],
        }
        msg += " " + (
            _("Allowed next: %(next)s.") % {"next": ", ".join(allowed)}
            if allowed
            else _("It is concluded; no further change is possible.")
        )
        raise ConflictError(msg, fields={"to_status": msg}, code="illegal_transition")
    if not can_transition_partnership(actor, locked, to_status):
        raise PermissionDeniedError(_("You may not change the status of this partnership."))
    note = _text(note, "note", max_length=2000, required=False)
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    partnership.status = to_status
    record = PartnershipTransition.objects.create(
        partnership=locked,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )
    _audit(
        actor=actor,
        action="partnership.transitioned",
        partnership=locked,
        status=[from_status, to_status],
        note=note,
    )
    return record


# --- objectives and KPIs ------------------------------------------------
@transaction.atomic
def objective_create(
    *,
    actor: Any,
    partnership: Partnership,
    title: str,
    description: str = "",
    owner: User | None = None,
) -> Objective:
    """Add an objective to a partnership."""
    _require_edit(actor, partnership)
    title = _text(title, "title", max_length=200)
    _check_member(owner, partnership, "owner")
    objective = Objective.objects.create(
        partnership=partnership, title=title, description=(description or "").strip(), owner=owner
    )
    _audit(
        actor=actor,
        action="partnership.objective_created",
        partnership=partnership,
        obj=objective,
        title=title,
    )
    return objective


def _metric(value: str) -> str:
    return _choice(value or MANUAL_METRIC, "metric", BoundMetric.values)


@transaction.atomic
def kpi_create(
    *,
    actor: Any,
    objective: Objective,
    name: str,
    baseline: Decimal | int | str,
    target: Decimal | int | str,
    due_date: dt.date,
    start_date: dt.date | None = None,
    unit: str = "",
    owner: User | None = None,
    metric: str = MANUAL_METRIC,
) -> KPI:
    """Add a KPI to an objective. ``start_date`` defaults to today; ``metric`` binds the KPI
    to automatic measurements (e.g. ``placements``)."""
    partnership = objective.partnership
    _require_edit(actor, partnership)
    name = _text(name, "name", max_length=200)
    unit = _text(unit, "unit", max_length=40, required=False)
    base = _decimal(baseline, "baseline")
    tgt = _decimal(target, "target")
    if base == tgt:
        msg = _("The target must differ from the baseline.")
        raise DomainError(msg, fields={"target": msg})
    start = start_date or timezone.localdate()
    if due_date is None or due_date <= start:
        msg = _("The due date must be after the start date.")
        raise DomainError(msg, fields={"due_date": msg})
    metric = _metric(metric)
    _check_member(owner, partnership, "owner")
    kpi = KPI.objects.create(
        objective=objective,
        name=name,
        unit=unit,
        baseline=base,
        target=tgt,
        start_date=start,
        due_date=due_date,
        owner=owner,
        metric=metric,
    )
    _audit(
        actor=actor,
        action="partnership.kpi_created",
        partnership=partnership,
        obj=kpi,
        name=name,
        baseline=base,
        target=tgt,
        due_date=due_date,
        metric=metric,
    )
    return kpi


def kpi_refresh_status(*, kpi: KPI) -> KPI:
    """Recompute and store a KPI's status from its full measurement history."""
    history = [
        kpi_rules.Measurement(on=timezone.localdate(m.measured_at), value=m.value)
        for m in kpi.measurements.all().order_by("measured_at", "id")
    ]
    assessment = kpi_rules.assess_kpi(
        baseline=kpi.baseline,
        target=kpi.target,
        start_date=kpi.start_date,
        due_date=kpi.due_date,
        measurements=history,
    )
    kpi.status = assessment.status
    kpi.latest_value = assessment.latest.value if assessment.latest else None
    kpi.status_updated_at = timezone.now()
    kpi.save(update_fields=["status", "latest_value", "status_updated_at", "updated_at"])
    return kpi


@transaction.atomic
def kpi_measurement_record(
    *,
    actor: Any,
    kpi: KPI,
    value: Decimal | int | str,
    measured_at: dt.datetime | None = None,
    note: str = "",
) -> KPIMeasurement:
    """Record a manual reading of a KPI and refresh its status."""
    partnership = kpi.objective.partnership
    _require_edit(actor, partnership)
    number = _decimal(value, "value")
    when = measured_at or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + dt.timedelta(minutes=5):
        msg = _("A measurement cannot be in the future.")
        raise DomainError(msg, fields={"measured_at": msg})
    note = _text(note, "note", max_length=300, required=False)
    locked = KPI.objects.select_for_update().get(pk=kpi.pk)
    measurement = KPIMeasurement.objects.create(
        kpi=locked,
        value=number,
        measured_at=when,
        recorded_by=actor,
        source=MeasurementSource.MANUAL,
        note=note,
    )
    kpi_refresh_status(kpi=locked)
    kpi.status, kpi.latest_value = locked.status, locked.latest_value
    _audit(
        actor=actor,
        action="partnership.kpi_measured",
        partnership=partnership,
        obj=locked,
        value=number,
        status=locked.status,
    )
    return measurement


@transaction.atomic
def kpi_record_metric(
    *,
    partnership: Partnership,
    metric: str,
    value: Decimal | int,
    actor: Any = None,
) -> int:
    """Record ``value`` (the current total of ``metric``) on every KPI of ``partnership``
    bound to ``metric``, refresh their statuses, and return how many KPIs were updated.

    Called by other apps, e.g. applications with ``metric="placements"`` when an offer is
    accepted. Unknown metrics are refused; a partnership without bound KPIs returns 0.
    """
    if metric == MANUAL_METRIC or metric not in BoundMetric.values:
        msg = _("Unknown metric “%(m)s”.") % {"m": metric}
        raise DomainError(msg, fields={"metric": msg})
    number = _decimal(value, "value")
    kpis = list(
        KPI.objects.select_for_update()
        .filter(objective__partnership=partnership, metric=metric)
        .order_by("pk")
    )
    now = timezone.now()
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    for kpi in kpis:
        KPIMeasurement.objects.create(
            kpi=kpi,
            value=number,
            measured_at=now,
            recorded_by=recorder,
            source=MeasurementSource.AUTOMATIC,
        )
        kpi_refresh_status(kpi=kpi)
    if kpis:
        _audit(
            actor=recorder,
            action="partnership.kpi_metric_recorded",
            partnership=partnership,
            metric=metric,
            value=number,
            kpis=len(kpis),
        )
    return len(kpis)


# --- commitments ------------------------------------------------
def _currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not _CURRENCY.match(code):
        msg = _("Enter a three-letter ISO 4217 currency code, such as GBP or EUR.")
        raise DomainError(msg, fields={"currency": msg})
    return code


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    partnership: Partnership,
    organization: Organization,
    kind: str,
    description: str,
    amount: Decimal | int | str | None = None,
    currency: str = "",
    quantity: Decimal | int | str | None = None,
    due_date: dt.date | None = None,
) -> Commitment:
    """Record what one organization of the partnership promises.

    Funding needs ``amount`` and ``currency``; other kinds need ``quantity``.
    """
    _require_edit(actor, partnership)
    kind = _choice(kind, "kind", CommitmentKind.values)
    if organization.pk not in _org_ids(partnership):
        msg = _("Choose one of the partnership's organizations.")
        raise DomainError(msg, fields={"organization": msg})
    description = _text(description, "description", max_length=300)
    values: dict[str, Any] = {}
    if kind == CommitmentKind.FUNDING:
        if amount in (None, ""):
            msg = _("Funding needs an amount.")
            raise DomainError(msg, fields={"amount": msg})
        values["amount"] = _decimal(amount, "amount", max_digits=14, places=2, positive=True)
        values["currency"] = _currency(currency)
    else:
        if quantity in (None, ""):
            msg = _("Enter how many (hours, items or places).")
            raise DomainError(msg, fields={"quantity": msg})
        values["quantity"] = _decimal(quantity, "quantity", max_digits=12, places=2, positive=True)
    commitment = Commitment.objects.create(
        partnership=partnership,
        organization=organization,
        kind=kind,
        description=description,
        due_date=due_date,
        created_by=actor,
        **values,
    )
    _audit(
        actor=actor,
        action="partnership.commitment_created",
        partnership=partnership,
        obj=commitment,
        kind=kind,
        organization=organization.name,
        **values,
    )
    return commitment


@transaction.atomic
def commitment_delivery_record(
    *,
    actor: Any,
    commitment: Commitment,
    amount: Decimal | int | str | None = None,
    quantity: Decimal | int | str | None = None,
    delivered_on: dt.date | None = None,
    note: str = "",
) -> CommitmentDelivery:
    """Record part or all of a commitment as delivered (an amount for funding, else a
    quantity). Over-delivery is allowed and shows as more than 100 %."""
    partnership = commitment.partnership
    _require_edit(actor, partnership)
    values: dict[str, Any] = {}
    if commitment.kind == CommitmentKind.FUNDING:
        if amount in (None, ""):
            msg = _("Enter the amount delivered.")
            raise DomainError(msg, fields={"amount": msg})
        values["amount"] = _decimal(amount, "amount", max_digits=14, places=2, positive=True)
    else:
        if quantity in (None, ""):
            msg = _("Enter the quantity delivered.")
            raise DomainError(msg, fields={"quantity": msg})
        values["quantity"] = _decimal(quantity, "quantity", max_digits=12, places=2, positive=True)
    delivered_on = delivered_on or timezone.localdate()
    if delivered_on > timezone.localdate():
        msg = _("A delivery cannot be in the future.")
        raise DomainError(msg, fields={"delivered_on": msg})
    delivery = CommitmentDelivery.objects.create(
        commitment=commitment,
        delivered_on=delivered_on,
        note=_text(note, "note", max_length=300, required=False),
        recorded_by=actor,
        **values,
    )
    _audit(
        actor=actor,
        action="partnership.commitment_delivered",
        partnership=partnership,
        obj=commitment,
        delivered_on=delivered_on,
        **values,
    )
    return delivery


# --- contacts ------------------------------------------------
@transaction.atomic
def partnership_contact_create(
    *,
    actor: Any,
    partnership: Partnership,
    organization: Organization,
    user: User | None = None,
    name: str = "",
    email: str = "",
    role_title: str = "",
    is_primary: bool = False,
) -> PartnershipContact:
    """Add a contact person for one side; a new primary contact replaces the old one."""
    _require_edit(actor, partnership)
    if organization.pk not in _org_ids(partnership):
        msg = _("Choose one of the partnership's organizations.")
        raise DomainError(msg, fields={"organization": msg})
    name = _text(name, "name", max_length=200, required=False)
    email = _text(email, "email", max_length=254, required=False).lower()
    if user is None:
        errors = {}
        if not name:
            errors["name"] = _("Enter a name, or choose a Tandem user.")
        if not email:
            errors["email"] = _("Enter an e-mail address, or choose a Tandem user.")
        elif not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            errors["email"] = _("Enter a valid e-mail address.")
        if errors:
            raise DomainError(_("Check the contact details."), fields=errors)
    else:
        if (
            not Membership.objects.filter(user=user, organization=organization, is_active=True)
            .exclude(role=Role.STUDENT)
            .exists()
        ):
            msg = _("This person does not belong to the chosen organization.")
            raise DomainError(msg, fields={"user": msg})
        if PartnershipContact.objects.filter(
            partnership=partnership, organization=organization, user=user
        ).exists():
            msg = _("This person is already a contact for this organization.")
            raise DomainError(msg, fields={"user": msg})
    if is_primary:
        PartnershipContact.objects.filter(
            partnership=partnership, organization=organization, is_primary=True
        ).update(is_primary=False)
    contact = PartnershipContact.objects.create(
        partnership=partnership,
        organization=organization,
        user=user,
        name=name,
        email=email,
        role_title=_text(role_title, "role_title", max_length=120, required=False),
        is_primary=is_primary,
    )
    _audit(
        actor=actor,
        action="partnership.contact_added",
        partnership=partnership,
        obj=contact,
        organization=organization.name,
        is_primary=is_primary,
    )
    return contact


@transaction.atomic
def partnership_contact_delete(*, actor: Any, contact: PartnershipContact) -> None:
    """Remove a contact from a partnership."""
    partnership = contact.partnership
    _require_edit(actor, partnership)
    _audit(
        actor=actor,
        action="partnership.contact_removed",
        partnership=partnership,
        organization=contact.organization.name,
    )
    contact.delete()


# --- communication record ------------------------------------------------
@transaction.atomic
def communication_entry_create(
    *,
    actor: Any,
    partnership: Partnership,
    kind: str,
    title: str,
    date: dt.date | None = None,
    body: str = "",
) -> CommunicationEntry:
    """Add a meeting, decision, note or call to the communication record."""
    _require_edit(actor, partnership)
    kind = _choice(kind, "kind", CommunicationKind.values)
    title = _text(title, "title", max_length=200)
    entry = CommunicationEntry.objects.create(
        partnership=partnership,
        kind=kind,
        date=date or timezone.localdate(),
        title=title,
        body=(body or "").strip(),
        author=actor,
    )
    _audit(
        actor=actor,
        action="partnership.communication_added",
        partnership=partnership,
        obj=entry,
        kind=kind,
    )
    return entry


@transaction.atomic
def action_item_create(
    *,
    actor: Any,
    partnership: Partnership,
    description: str,
    owner: User | None = None,
    due_date: dt.date | None = None,
    entry: CommunicationEntry | None = None,
) -> ActionItem:
    """Add a follow-up with an owner and an optional due date."""
    _require_edit(actor, partnership)
    description = _text(description, "description", max_length=300)
    _check_member(owner, partnership, "owner")
    if entry is not None and entry.partnership_id != partnership.pk:
        msg = _("Choose an entry of this partnership.")
        raise DomainError(msg, fields={"entry": msg})
    item = ActionItem.objects.create(
        partnership=partnership,
        entry=entry,
        description=description,
        owner=owner,
        due_date=due_date,
        created_by=actor,
    )
    _audit(
        actor=actor,
        action="partnership.action_item_added",
        partnership=partnership,
        obj=item,
        due_date=due_date,
    )
    return item


@transaction.atomic
def action_item_set_done(*, actor: Any, item: ActionItem, done: bool = True) -> ActionItem:
    """Mark an action item done (or open again)."""
    partnership = item.partnership
    _require_edit(actor, partnership)
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at", "updated_at"])
    _audit(
        actor=actor,
        action="partnership.action_item_done" if done else "partnership.action_item_reopened",
        partnership=partnership,
        obj=item,
    )
    return item


# --- documents ------------------------------------------------
@transaction.atomic
def partnership_document_upload(
    *,
    actor: Any,
    partnership: Partnership,
    kind: str,
    title: str,
    file: UploadedFile,
) -> PartnershipDocument:
    """Store a PDF, DOCX or ODT (detected from its content, not its name) of at most
    ``settings.UPLOAD_MAX_BYTES`` under a random name in MEDIA_ROOT."""
    _require_edit(actor, partnership)
    kind = _choice(kind, "kind", DocumentKind.values)
    title = _text(title, "title", max_length=200)
    if file is None:
        raise DomainError(_("Choose a file."), fields={"file": _("Choose a file.")})
    if file.size is not None and file.size > settings.UPLOAD_MAX_BYTES:
        msg = _("The file is too large (at most %(mb).0f MB).") % {
            "mb": settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        }
        raise DomainError(msg, fields={"file": msg})
    if not file.size:
        raise DomainError(_("The file is empty."), fields={"file": _("The file is empty.")})
    detected = detect_document_type(file)
    if detected is None:
        msg = _("Upload a PDF, Word (DOCX) or OpenDocument (ODT) file.")
        raise DomainError(msg, fields={"file": msg})
    extension, content_type = detected
    original = (file.name or "")[:200]
    document = PartnershipDocument(
        partnership=partnership,
        kind=kind,
        title=title,
        original_name=original,
        content_type=content_type,
        size=file.size,
        uploaded_by=actor,
    )
    document.file.save(f"upload.{extension}", file, save=False)
    try:
        document.save()
        _audit(
            actor=actor,
            action="partnership.document_uploaded",
            partnership=partnership,
            obj=document,
            kind=kind,
            content_type=content_type,
            size=file.size,
        )
    except Exception:
        # Do not leave an orphan file behind when the row could not be written.
        document.file.delete(save=False)
        raise
    return document


# --- personal data (registered with tandem.accounts.personal_data) ------------------------
def partnership_personal_data_export(user: Any) -> dict[str, Any]:
    """What partnerships hold about ``user``: contact entries, authored communication,
    owned objectives, KPIs and action items."""
    return {
        "contacts": [
            {
                "partnership": c.partnership.title,
                "organization": c.organization.name,
                "name": c.name,
                "email": c.email,
                "role_title": c.role_title,
                "is_primary": c.is_primary,
            }
            for c in PartnershipContact.objects.filter(
                Q(user=user) | Q(email__iexact=user.email)
            ).select_related("partnership", "organization")
        ],
        "communication_entries": [
            {"partnership": e.partnership.title, "kind": e.kind, "date": e.date, "title": e.title}
            for e in CommunicationEntry.objects.filter(author=user).select_related("partnership")
        ],
        "owned_objectives": list(
            Objective.objects.filter(owner=user).values_list("title", flat=True)
        ),
        "owned_kpis": list(KPI.objects.filter(owner=user).values_list("name", flat=True)),
        "owned_action_items": [
            {"description": a.description, "due_date": a.due_date, "done_at": a.done_at}
            for a in ActionItem.objects.filter(owner=user)
        ],
    }


@transaction.atomic
def partnership_personal_data_erase(user: Any) -> None:
    """Remove ``user`` from partnerships: delete their contact entries and unlink them from
    everything they own, wrote or recorded (the organizations' records stay)."""
    PartnershipContact.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
    Objective.objects.filter(owner=user).update(owner=None)
    KPI.objects.filter(owner=user).update(owner=None)
    ActionItem.objects.filter(owner=user).update(owner=None)
    ActionItem.objects.filter(created_by=user).update(created_by=None)
    CommunicationEntry.objects.filter(author=user).update(author=None)
    KPIMeasurement.objects.filter(recorded_by=user).update(recorded_by=None)
    CommitmentDelivery.objects.filter(recorded_by=user).update(recorded_by=None)
    Commitment.objects.filter(created_by=user).update(created_by=None)
    PartnershipDocument.objects.filter(uploaded_by=user).update(uploaded_by=None)
    PartnershipTransition.objects.filter(actor=user).update(actor=None)
    Partnership.objects.filter(created_by=user).update(created_by=None)
