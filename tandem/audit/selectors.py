"""Reading the audit trail: coordinators see events of their own institutions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from tandem.organizations.permissions import coordinator_institution_ids, is_platform_admin

from .models import AuditEvent

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_for(
    viewer: Actor,
    *,
    target_type: str | None = None,
    target_id: str | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events ``viewer`` may read, newest first; filters are optional and combine.

    Platform admins read everything; coordinators read events tagged with one of their
    institutions; everyone else gets an empty queryset (fail closed). ``date_to`` is
    inclusive (whole day, in the current time zone).
    """
    qs = AuditEvent.objects.select_related("actor")
    if not is_platform_admin(viewer):
        orgs = coordinator_institution_ids(viewer)
        if not orgs:
            return AuditEvent.objects.none()
        qs = qs.filter(pk__in=AuditEvent.objects.filter(organizations__in=orgs).values("pk"))
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if action:
        qs = qs.filter(action=action)
    if date_from:
        qs = qs.filter(created_at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_start_of(date_to + timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


def audit_filter_choices(viewer: Actor) -> tuple[list[str], list[str]]:
    """The target types and actions present in what ``viewer`` may read (for filter menus)."""
    qs = audit_events_for(viewer).order_by()
    target_types = sorted(set(qs.values_list("target_type", flat=True).distinct()))
    actions = sorted(set(qs.values_list("action", flat=True).distinct()))
    return target_types, actions
