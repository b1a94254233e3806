"""Reading the audit trail: coordinators see events of their own institutions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.organizations.permissions import coordinator_institution_ids, is_platform_admin

from .models import AuditEvent


def audit_events_for(viewer: Any, *, target_type: str | None = None,
                     target_id: str | None = None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor")
    if not is_platform_admin(viewer):
        orgs = coordinator_institution_ids(viewer)
        if not orgs:
            return AuditEvent.objects.none()
        qs = qs.filter(organizations__in=orgs).distinct()
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    return qs
