"""Proposing, changing and moving a partnership along its lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.types import Actor, signed_in
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.core.validation import validated
from tandem.organizations.models import Organization, OrganizationKind

from .. import lifecycle
from ..models import Partnership, PartnershipStatus, PartnershipTransition, PartnershipType
from ..permissions import can_create_partnership, can_transition_partnership
from ._common import audit, org_ids, require_edit, stripped


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


@transaction.atomic
def partnership_create(
    *,
    actor: Actor,
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
    partnership = Partnership(
        title=stripped(title),
        summary=stripped(summary),
        status=PartnershipStatus.PROPOSED,
        start_date=start_date,
        end_date=end_date,
        next_review_date=next_review_date,
        created_by=signed_in(actor),
    )
    validated(partnership, exclude=["types"])
    partnership.types = validate_types(types)
    insts, parts = _validate_orgs(institutions, partners)
    if not can_create_partnership(actor, insts, parts):
        raise PermissionDeniedError(
            _(
                "You can create a partnership only for an institution you coordinate or a "
                "partner you recruit for."
            )
        )
    partnership.save()
    partnership.institutions.set(insts)
    partnership.partners.set(parts)
    audit(
        actor=actor,
        action="partnership.created",
        partnership=partnership,
        title=partnership.title,
        types=partnership.types,
        status=partnership.status,
    )
    return partnership


_UPDATABLE = ("title", "summary", "types", "start_date", "end_date", "next_review_date")


@transaction.atomic
def partnership_update(
    *,
    actor: Actor,
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
    require_edit(actor, partnership)
    unknown = set(fields) - set(_UPDATABLE)
    if unknown:
        raise DomainError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name in ("title", "summary"):
        if name in fields:
            fields[name] = stripped(fields[name])
    if "types" in fields:
        fields["types"] = validate_types(fields["types"])
    before = {name: getattr(partnership, name) for name in fields}
    for name, value in fields.items():
        setattr(partnership, name, value)
    validated(partnership, exclude=["types"])
    changes: dict[str, Any] = {
        name: getattr(partnership, name)
        for name in fields
        if getattr(partnership, name) != before[name]
    }
    if institutions is not None or partners is not None:
        insts, parts = _validate_orgs(
            institutions if institutions is not None else partnership.institutions.all(),
            partners if partners is not None else partnership.partners.all(),
        )
        if not can_create_partnership(actor, insts, parts):
            raise PermissionDeniedError(
                _("Keep at least one of your own organizations in the partnership.")
            )
        old = org_ids(partnership)
        partnership.institutions.set(insts)
        partnership.partners.set(parts)
        partnership.__dict__.pop("_org_id_cache", None)
        if org_ids(partnership) != old:
            changes["organizations"] = sorted(o.name for o in [*insts, *parts])
    if changes:
        partnership.save()
        audit(actor=actor, action="partnership.updated", partnership=partnership, **changes)
    return partnership


def _illegal_move(from_status: str, to_status: str) -> ConflictError:
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
    return ConflictError(msg, fields={"to_status": msg}, code="illegal_transition")


@transaction.atomic
def partnership_transition(
    *, actor: Actor, partnership: Partnership, to_status: str, note: str = ""
) -> PartnershipTransition:
    """Move a partnership one step along its lifecycle (see :mod:`..lifecycle`)."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if to_status not in PartnershipStatus.values:
        msg = _("Unknown status “%(s)s”.") % {"s": to_status}
        raise DomainError(msg, fields={"to_status": msg})
    from_status = locked.status
    if not lifecycle.is_allowed(from_status, to_status):
        raise _illegal_move(from_status, to_status)
    if not can_transition_partnership(actor, locked, to_status):
        raise PermissionDeniedError(_("You may not change the status of this partnership."))
    record = validated(
        PartnershipTransition(
            partnership=locked,
            from_status=from_status,
            to_status=to_status,
            actor=signed_in(actor),
            note=stripped(note),
        )
    )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    partnership.status = to_status
    record.save()
    audit(
        actor=actor,
        action="partnership.transitioned",
        partnership=locked,
        status=[from_status, to_status],
        note=record.note,
    )
    return record
