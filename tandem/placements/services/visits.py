"""Site visits: faculty of the student's institution schedule visits to a placement (in
person or virtual, at a local time in a named time zone) and record how each went."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.applications.models import Application
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError

from ..models import SiteVisit, VisitMode, VisitOutcome, VisitStatus
from ..permissions import can_schedule_visit, is_faculty
from ..selectors import placement_dates

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

NOTES_MAX_CHARS = 5000
LOCATION_MAX_CHARS = 300


def _orgs(application: Application) -> list[int]:
    return [application.institution_id, application.opportunity.host_id]


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo((name or "").strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _when(
    local: dt.datetime | None, zone_name: str, errors: dict[str, list[str]]
) -> dt.datetime | None:
    """The aware moment of a local date and time in a named zone."""
    zone = _zone(zone_name)
    if zone is None:
        errors["time_zone"] = [_("Choose a time zone such as Europe/Paris.")]
    if local is None:
        errors["scheduled_at"] = [_("Enter the date and time of the visit.")]
    if zone is None or local is None:
        return None
    if timezone.is_aware(local):
        return local.astimezone(zone)
    return local.replace(tzinfo=zone)


@transaction.atomic
def visit_schedule(
    *,
    actor: Actor,
    application: Application,
    mode: str,
    scheduled_at: dt.datetime | None,
    time_zone: str,
    location: str = "",
    link: str = "",
) -> SiteVisit:
    """Faculty schedule a visit: in person (with a location) or virtual (with a link), in
    the future and no later than the placement's end."""
    if not can_schedule_visit(actor, application):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    location = (location or "").strip()
    link = (link or "").strip()
    when = _when(scheduled_at, time_zone, errors)
    if when is not None:
        if when <= timezone.now():
            errors["scheduled_at"] = [_("Choose a date and time in the future.")]
        else:
            end = placement_dates(application)[1]
            if end is not None and when.date() > end:
                errors["scheduled_at"] = [
                    _("The placement ends on %(end)s: choose a day before then.") % {"end": end}
                ]
    if mode not in VisitMode.values:
        errors["mode"] = [_("Choose in person or virtual.")]
    elif mode == VisitMode.IN_PERSON:
        link = ""
        if not location:
            errors["location"] = [_("Say where the visit takes place.")]
        elif len(location) > LOCATION_MAX_CHARS:
            errors["location"] = [_("At most %(n)d characters.") % {"n": LOCATION_MAX_CHARS}]
    else:
        location = ""
        try:
            URLValidator(schemes=["https"])(link)
        except ValidationError:
            errors["link"] = [_("Give the meeting's https:// link.")]
        if len(link) > 500:
            errors["link"] = [_("At most %(n)d characters.") % {"n": 500}]
    if errors:
        raise DomainError(_("The visit could not be scheduled."), fields=errors)
    assert when is not None
    visit = SiteVisit.objects.create(
        application=application,
        mode=mode,
        scheduled_at=when,
        time_zone=str(when.tzinfo),
        location=location,
        link=link,
        visitor=actor if actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="placements.visit_scheduled",
        target=visit,
        organizations=_orgs(application),
        changes={"mode": mode, "scheduled_at": when.isoformat()},
    )
    return visit


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    visit: SiteVisit,
    status: str,
    notes: str = "",
    notes_shared: bool = False,
    outcome: str = "",
) -> SiteVisit:
    """Faculty record a visit as completed (with an outcome, once its time has come) or
    cancelled, with notes shown to the student and host supervisor only if shared."""
    application = visit.application
    if not is_faculty(actor, application):
        raise PermissionDeniedError()
    current = SiteVisit.objects.select_for_update().get(pk=visit.pk)
    errors: dict[str, list[str]] = {}
    notes = (notes or "").strip()
    if status not in (VisitStatus.COMPLETED, VisitStatus.CANCELLED):
        errors["status"] = [_("Choose completed or cancelled.")]
    elif status == VisitStatus.COMPLETED:
        if outcome not in VisitOutcome.values:
            errors["outcome"] = [_("Choose how the placement is going.")]
        if current.scheduled_at > timezone.now():
            errors["status"] = [_("A visit is completed once its time has come.")]
    else:
        outcome = ""
    if len(notes) > NOTES_MAX_CHARS:
        errors["notes"] = [_("At most %(n)d characters.") % {"n": NOTES_MAX_CHARS}]
    if errors:
        raise DomainError(_("The visit could not be recorded."), fields=errors)
    if current.status != VisitStatus.SCHEDULED and current.status != status:
        raise ConflictError(_("This visit was already recorded."), code="visit_recorded")
    current.status = status
    current.notes = notes
    current.notes_shared = bool(notes_shared)
    current.outcome = outcome
    current.save()
    audit_record(
        actor=actor,
        action=f"placements.visit_{status}",
        target=current,
        organizations=_orgs(application),
        changes={"outcome": outcome, "notes_shared": current.notes_shared},
    )
    return current
