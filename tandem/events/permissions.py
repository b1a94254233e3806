"""Who may do what with events. Everything fails closed.

- Coordinators and educators of the organising institution create, edit, publish, cancel and
  manage events (registrations, check-in) and ask partners' staff to speak.
- Students of the institution (of the event's program, when it has one) see published events
  and register for them.
- Partner staff see the events they speak at, and answer speaking requests addressed to them.
- Platform admins see and manage everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import has_role, is_platform_admin, membership_rows, org_ids

from .models import Event, EventStatus, SpeakerRequest

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

ORGANISER_ROLES = (Role.COORDINATOR, Role.EDUCATOR)


def can_create_event(user: Actor, institution: Organization) -> bool:
    return institution.is_institution and (
        is_platform_admin(user) or has_role(user, institution, ORGANISER_ROLES)
    )


def can_manage_event(user: Actor, event: Event) -> bool:
    return is_platform_admin(user) or has_role(user, event.institution_id, ORGANISER_ROLES)


def _student_may_attend(user: Actor, event: Event) -> bool:
    return any(
        row.role == Role.STUDENT
        and row.organization_id == event.institution_id
        and (not event.program or row.program == event.program)
        for row in membership_rows(user)
    )


def is_speaker(user: Actor, event: Event) -> bool:
    mine = {row.pk for row in membership_rows(user)}
    return bool(mine) and any(s.membership_id in mine for s in event.speakers.all())


def can_register_for_event(user: Actor, event: Event) -> bool:
    return event.status == EventStatus.PUBLISHED and _student_may_attend(user, event)


def can_view_event(user: Actor, event: Event) -> bool:
    if can_manage_event(user, event):
        return True
    if event.status == EventStatus.DRAFT:
        return False
    if _student_may_attend(user, event) or is_speaker(user, event):
        return True
    user_pk = getattr(user, "pk", None)
    return user_pk is not None and event.registrations.filter(user_id=user_pk).exists()


def events_visible_qs(user: Actor) -> QuerySet[Event]:
    """Events ``user`` may open: their institution's (drafts only for organisers), the
    published ones of their student body (and program), those they speak at or registered for."""
    if is_platform_admin(user):
        return Event.objects.all()
    rows = membership_rows(user)
    if not rows:
        return Event.objects.none()
    organiser = {r.organization_id for r in rows if r.role in ORGANISER_ROLES}
    cond = Q(institution_id__in=organiser)
    for r in rows:
        if r.role == Role.STUDENT:
            cond |= Q(institution_id=r.organization_id, status__in=["published", "cancelled"]) & (
                Q(program="") | Q(program=r.program)
            )
    live = ~Q(status=EventStatus.DRAFT)
    cond |= live & Q(speakers__membership_id__in=[r.pk for r in rows])
    cond |= live & Q(registrations__user_id=user.pk)
    return Event.objects.filter(pk__in=Event.objects.filter(cond).values("pk"))


def can_request_speaker(user: Actor, institution: Organization) -> bool:
    return can_create_event(user, institution)


def can_view_speaker_request(user: Actor, request: SpeakerRequest) -> bool:
    return (
        is_platform_admin(user)
        or has_role(user, request.institution_id, ORGANISER_ROLES)
        or any(r.pk == request.speaker_id for r in membership_rows(user))
    )


def can_answer_speaker_request(user: Actor, request: SpeakerRequest) -> bool:
    return any(r.pk == request.speaker_id for r in membership_rows(user))


def speaker_requests_visible_qs(user: Actor) -> QuerySet[SpeakerRequest]:
    if is_platform_admin(user):
        return SpeakerRequest.objects.all()
    rows = membership_rows(user)
    if not rows:
        return SpeakerRequest.objects.none()
    return SpeakerRequest.objects.filter(
        Q(institution_id__in=org_ids(user, ORGANISER_ROLES))
        | Q(speaker_id__in=[r.pk for r in rows])
    )


def organiser_institution_ids(user: Actor) -> set[int]:
    return org_ids(user, ORGANISER_ROLES)
