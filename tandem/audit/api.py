"""The audit trail over the API (mounted at /api/v1/audit): same scope as the audit page.

No ``from __future__ import annotations`` here: django-ninja resolves the annotations of
``@paginate``-wrapped operations at import time.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from tandem.core.dates import Date
from tandem.core.pagination import PageNumberPagination, paginate

from .models import AuditEvent
from .permissions import can_view_audit_trail
from .selectors import audit_events_for

router = Router(tags=["audit"])


class ActorOut(Schema):
    id: UUID
    full_name: str


class AuditEventOut(Schema):
    created_at: datetime
    actor: ActorOut | None
    action: str
    target_type: str
    target_id: str
    target_label: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> dict[str, Any] | None:
        if obj.actor is None:
            return None
        return {"id": obj.actor.public_id, "full_name": obj.actor.full_name}


class AuditFilters(Schema):
    target_type: str | None = None
    target_id: str | None = None
    action: str | None = None
    date_from: Date | None = None
    date_to: Date | None = None


@router.get("", response=list[AuditEventOut], summary="List audit events")
@paginate(PageNumberPagination)
def audit_event_list(request: HttpRequest, filters: Query[AuditFilters]) -> QuerySet[AuditEvent]:
    """Events on the caller's institutions (all events for platform admins), newest first.

    Coordinators and platform admins only; everyone else gets 403.
    """
    if not can_view_audit_trail(request.user):
        raise PermissionDenied("Only coordinators and platform admins may read the audit trail.")
    return audit_events_for(request.user, **filters.dict())
