"""Writing to the audit trail. Call ``audit_record`` from the service that made the change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from tandem.organizations.models import Organization

from .models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    organizations: Iterable[Organization | int],
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``organizations`` are those whose coordinators may read it."""
    public_id = getattr(target, "public_id", None)
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
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
