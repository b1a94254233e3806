"""Reads for events, each taking the viewer: lists, a registration's place in the queue, the
people at an event, calendar entries, speaker suggestions and the counts partnerships'
KPIs read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tandem.organizations.models import PARTNER_ROLES, Membership, Organization
from tandem.partnerships.models import Partnership
from tandem.skills.models import SkillConcept
from tandem.skills.selectors import concept_search

from .models import (
    LECTURE_KINDS,
    CalendarFeed,
    Event,
    EventSpeaker,
    EventStatus,
    Registration,
    RegistrationStatus,
    SpeakerProfile,
    SpeakerRequest,
)
from .permissions import (
    can_view_event,
    can_view_speaker_request,
    events_visible_qs,
    speaker_requests_visible_qs,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.accounts.types import Actor

LIVE_PARTNERSHIP_STATUSES = ("active", "under_review", "renewed")


def _uid(viewer: Actor) -> int:
    """The signed-in viewer's id (0, which no row has, for anyone else)."""
    return int(viewer.pk or 0) if getattr(viewer, "is_authenticated", False) else 0


def _with_speakers(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.select_related("institution", "partnership").prefetch_related(
        Prefetch(
            "speakers",
            queryset=EventSpeaker.objects.select_related(
                "membership__user", "membership__organization"
            ),
        )
    )


def events_for(viewer: Actor, *, upcoming: bool = True) -> QuerySet[Event]:
    """The events ``viewer`` may see, soonest first (upcoming ones, or past ones), each with
    its confirmed and waiting counts."""
    now = timezone.now()
    qs = events_visible_qs(viewer)
    qs = (
        qs.filter(ends_at__gte=now)
        if upcoming
        else qs.filter(ends_at__lt=now).order_by("-starts_at")
    )
    return _with_speakers(qs).annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting=Count("registrations", filter=Q(registrations__status="waitlisted")),
    )


def event_get_or_404(viewer: Actor, public_id: Any) -> Event:
    event = _with_speakers(Event.objects.filter(public_id=public_id)).first()
    if event is None or not can_view_event(viewer, event):
        raise Http404
    return event


def registration_of(viewer: Actor, event: Event) -> Registration | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return Registration.objects.filter(event=event, user_id=_uid(viewer)).first()


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; ``None`` when not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED or registration.waitlisted_at is None:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


@dataclass(frozen=True)
class EventCounts:
    confirmed: int
    waiting: int
    checked_in: int


def event_counts(event: Event) -> EventCounts:
    row = event.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status="confirmed")),
        waiting=Count("pk", filter=Q(status="waitlisted")),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    return EventCounts(**row)


def registrations_for_manager(event: Event) -> QuerySet[Registration]:
    """Everyone registered (the caller has checked the viewer manages the event)."""
    return (
        event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("user")
        .order_by("status", "waitlisted_at", "user__full_name", "pk")
    )


def my_registrations(viewer: Actor) -> QuerySet[Registration]:
    if not getattr(viewer, "is_authenticated", False):
        return Registration.objects.none()
    return (
        Registration.objects.filter(user_id=_uid(viewer))
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event")
        .order_by("event__starts_at")
    )


def calendar_events_of(user: User) -> list[Event]:
    """What a person's feed lists: events they registered for (confirmed or waiting; also
    cancelled events, so calendars drop them) and events they speak at."""
    cond = Q(
        registrations__user=user,
        registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
    ) | Q(speakers__membership__user=user)
    return list(
        _with_speakers(
            Event.objects.filter(
                pk__in=Event.objects.exclude(status=EventStatus.DRAFT).filter(cond).values("pk")
            )
        ).order_by("starts_at", "pk")
    )


def feed_by_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def feed_of(viewer: Actor) -> CalendarFeed | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return CalendarFeed.objects.filter(user_id=_uid(viewer)).first()


# --- partnerships' KPIs --------------------------------------------------------------------
@dataclass(frozen=True)
class PartnershipEventCounts:
    """What a partnership's events achieved: guest lectures and workshops held (published,
    ended, at least one attendee checked in) and distinct students reached (checked in at
    any of its events)."""

    guest_lectures_held: int
    events_held: int
    students_reached: int


def partnership_event_counts(
    partnership: Partnership, *, until: Any = None
) -> PartnershipEventCounts:
    until = until or timezone.now()
    held = Event.objects.filter(
        partnership=partnership,
        status=EventStatus.PUBLISHED,
        ends_at__lte=until,
        registrations__checked_in_at__isnull=False,
    ).distinct()
    reached = (
        Registration.objects.filter(
            event__partnership=partnership,
            event__status=EventStatus.PUBLISHED,
            event__ends_at__lte=until,
            checked_in_at__isnull=False,
        )
        .values("user_id")
        .distinct()
        .count()
    )
    return PartnershipEventCounts(
        guest_lectures_held=held.filter(kind__in=LECTURE_KINDS).count(),
        events_held=held.count(),
        students_reached=reached,
    )


# --- speakers ------------------------------------------------------------------------------
def speaker_requests_for(viewer: Actor) -> QuerySet[SpeakerRequest]:
    return (
        speaker_requests_visible_qs(viewer)
        .select_related("institution", "speaker__user", "speaker__organization", "requested_by")
        .prefetch_related("skills")
    )


def speaker_request_get_or_404(viewer: Actor, public_id: Any) -> SpeakerRequest:
    request = speaker_requests_for(viewer).filter(public_id=public_id).first()
    if request is None or not can_view_speaker_request(viewer, request):
        raise Http404
    return request


@dataclass(frozen=True)
class SpeakerSuggestion:
    membership: Membership
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)
    matched: tuple[str, ...] = field(default_factory=tuple)


_WORD = re.compile(r"\w{4,}")


def partner_ids_of(institution: Organization) -> set[int]:
    """Partners in a live partnership with ``institution``."""
    return set(
        Partnership.objects.filter(
            institutions=institution, status__in=LIVE_PARTNERSHIP_STATUSES
        ).values_list("partners__id", flat=True)
    ) - {None}


def speaker_suggestions(
    viewer: Actor,
    *,
    institution: Organization,
    topic: str,
    skills: list[SkillConcept] | None = None,
    limit: int = 10,
) -> list[SpeakerSuggestion]:
    """Partners' staff who could speak on ``topic``, best first, each with its reasons: the
    ESCO skills of their speaker profile that match the topic (or the skills asked for), the
    words of their declared topics that match, and the events they have spoken at. Only
    staff of partners in a live partnership with ``institution`` who are open to requests."""

    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    wanted = {c.pk: c for c in (skills or [])}
    if topic.strip():
        for concept in concept_search(viewer=viewer, query=topic)[:25]:
            wanted.setdefault(concept.pk, concept)
    words = {w.lower() for w in _WORD.findall(topic)}
    partners = partner_ids_of(institution)
    if not partners:
        return []
    profiles = (
        SpeakerProfile.objects.filter(
            available=True,
            membership__is_active=True,
            membership__user__is_active=True,
            membership__role__in=list(PARTNER_ROLES),
            membership__organization_id__in=partners,
        )
        .select_related("membership__user", "membership__organization")
        .prefetch_related("skills")
    )
    spoken = dict(
        EventSpeaker.objects.filter(
            event__status=EventStatus.PUBLISHED, membership__in=[p.membership_id for p in profiles]
        )
        .values_list("membership_id")
        .annotate(n=Count("pk"))
        .values_list("membership_id", "n")
    )
    out: list[SpeakerSuggestion] = []
    for profile in profiles:
        held = {c.pk: c for c in profile.skills.all()}
        matched = sorted(held[pk].preferred_label for pk in held.keys() & wanted.keys())
        topic_hits = sorted(words & {w.lower() for w in _WORD.findall(profile.topics)})
        if not matched and not topic_hits:
            continue
        reasons: list[str] = []
        if matched:
            reasons.append(_("ESCO skills that match: %(s)s") % {"s": ", ".join(matched)})
        if topic_hits:
            reasons.append(_("Speaks about: %(t)s") % {"t": ", ".join(topic_hits)})
        talks = spoken.get(profile.membership_id, 0)
        if talks:
            reasons.append(
                ngettext("Has spoken at %(n)d event", "Has spoken at %(n)d events", talks)
                % {"n": talks}
            )
        score = 2.0 * len(matched) + 1.0 * len(topic_hits) + 0.5 * min(talks, 4)
        out.append(
            SpeakerSuggestion(
                membership=profile.membership,
                score=score,
                reasons=tuple(reasons),
                matched=tuple(matched),
            )
        )
    out.sort(key=lambda s: (-s.score, s.membership.user.full_name, s.membership.pk))
    return out[:limit]


def speaker_profile_of(membership: Membership) -> SpeakerProfile | None:
    return SpeakerProfile.objects.filter(membership=membership).prefetch_related("skills").first()


def partner_memberships_of(viewer: Actor) -> list[Membership]:
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(
            user_id=_uid(viewer), is_active=True, role__in=list(PARTNER_ROLES)
        ).select_related("organization")
    )


def speaker_candidates(event: Event) -> QuerySet[Membership]:
    """Partner staff who may be added as speakers to ``event``: of its partnership's partners,
    or of any partner in a live partnership with the institution."""
    if event.partnership_id is not None:
        partners = set(event.partnership.partners.values_list("pk", flat=True))  # type: ignore[union-attr]
    else:
        partners = partner_ids_of(event.institution)
    return (
        Membership.objects.filter(
            organization_id__in=partners, is_active=True, role__in=list(PARTNER_ROLES)
        )
        .select_related("user", "organization")
        .order_by("organization__name", "user__full_name")
    )
