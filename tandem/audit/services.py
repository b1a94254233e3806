"""Writing to the audit trail. Call ``audit_record`` from the service that made the change.

The app never updates or deletes events, with one exception: erasure on request blanks the
label of events about the erased account (:func:`audit_personal_data_erase`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.db import models

from .models import AuditEvent

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.accounts.types import Actor


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model,
    organizations: Iterable[models.Model | int],
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``organizations`` are those whose coordinators may read it."""
    public_id = getattr(target, "public_id", None)
    # The signed-in person behind ``actor``: the system and anonymous visitors are recorded as
    # no one (accounts.types.signed_in, which this app sits below).
    person = cast("User | None", actor if getattr(actor, "is_authenticated", False) else None)
    event = AuditEvent.objects.create(
        actor=person,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(public_id or target.pk),
        target_label=str(target)[:200],
        changes=dict(changes or {}),
    )
    org_ids = {o if isinstance(o, int) else o.pk for o in organizations}
    if org_ids:
        event.organizations.set(org_ids)
    return event


def audit_personal_data_export(user: User) -> list[dict[str, Any]]:
    """The changes a person made, as the audit trail records them (for the data export)."""
    return [
        {
            "at": e.created_at.isoformat(),
            "action": e.action,
            "target_type": e.target_type,
            "target_id": e.target_id,
        }
        for e in AuditEvent.objects.filter(actor=user).order_by("created_at", "id")
    ]


def audit_personal_data_erase(user: User) -> None:
    """Events stay (they are other institutions' record too) but no longer name the person:
    the label of events about the account itself is blanked. Events the person made keep
    their actor link, which points at the anonymised account after erasure."""
    AuditEvent.objects.filter(
        target_type=user._meta.label_lower, target_id=str(user.public_id)
    ).update(target_label="")
