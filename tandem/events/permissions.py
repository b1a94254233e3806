"""Who may do what with events. Everything fails closed.

- Coordinators and educators of the organising institution create, edit, publish, cancel and
  manage events (registrations, check-in) and ask partners' staff to speak.
- Students of the institution (of the event's program, when it has one) see published events
  and register for them.
- Partner staff see the events they speak at, and answer speaking requests addressed to them.
- Platform admins see and manage everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from tandem.messaging.data import SubjectType
from tandem.organizations.models import Membership, Organization, Role
from tandem.organizations.permissions import has_role, is_platform_admin, membership_rows, org_ids

from .models import Event, EventStatus, RegistrationStatus, SpeakerRequest

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


# --- conversations about an event ------------------------------------------------------------
def _attendee_ids(event: Event) -> set[int]:
    return set(
        event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
    )


def _speaker_memberships(event: Event) -> QuerySet[Membership]:
    return Membership.objects.filter(
        pk__in=event.speakers.values("membership_id"), is_active=True, user__is_active=True
    )


def conversation_members(event: Event) -> set[int]:
    """The people who belong to an event: its organisers (the institution's coordinators and
    educators), its speakers, and those registered or waiting (not those who cancelled)."""
    organisers = Membership.objects.filter(
        organization_id=event.institution_id,
        role__in=ORGANISER_ROLES,
        is_active=True,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    speakers = _speaker_memberships(event).values_list("user_id", flat=True)
    return {*organisers, *speakers, *_attendee_ids(event)}


def conversation_subject() -> Any:
    """Conversations about an event, between the people who belong to it (registered
    students count as students: their institution decides who may start one with them)."""
    return SubjectType(
        key="event",
        label=gettext_lazy("event"),
        resolve=lambda public_id: (
            Event.objects.exclude(status=EventStatus.DRAFT).filter(public_id=public_id).first()
        ),
        members=conversation_members,
        students=_attendee_ids,
        institutions=lambda e: {e.institution_id},
        partners=lambda e: set(_speaker_memberships(e).values_list("organization_id", flat=True)),
        title=lambda e: e.title,
        link=lambda e: reverse("events:detail", args=[e.public_id]),
    )
