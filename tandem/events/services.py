"""Every write to events: events, speakers, registrations and the waiting list, check-in,
reminders and follow-ups, calendar feeds, speaker profiles and speaking requests.

Services are keyword-only and atomic, re-check permissions, and tell people through
:func:`tell` (the notifications app's ``notify()``: preferences, language, e-mail by the task
queue after commit, never twice). Places are taken under a row lock on the event
(``SELECT … FOR UPDATE``; SQLite serializes writers with IMMEDIATE transactions), as seats
are in tandem.applications, so concurrent registrations never exceed the capacity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.types import signed_in
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.core.validation import conflict_on_integrity, validated
from tandem.notifications.services import notify
from tandem.organizations.models import PARTNER_ROLES, Membership, Organization
from tandem.skills.models import SkillConcept
from tandem.surveys import services as surveys_services

from .models import (
    CalendarFeed,
    Event,
    EventSpeaker,
    EventStatus,
    Registration,
    RegistrationStatus,
    SpeakerProfile,
    SpeakerRequest,
    SpeakerRequestStatus,
    new_feed_token,
)
from .permissions import (
    can_answer_speaker_request,
    can_create_event,
    can_manage_event,
    can_register_for_event,
    can_request_speaker,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.accounts.types import Actor

CHECKIN_SALT = "tandem.events.checkin"
#: Reminders go out this long before an event starts (once per registration).
REMINDER_LEAD = dt.timedelta(hours=24)
#: A virtual attendee may check themselves in from this long before the start to the end.
SELF_CHECKIN_EARLY = dt.timedelta(minutes=15)
#: The follow-up survey goes out once the event has ended, up to this long after.
FOLLOWUP_WINDOW = dt.timedelta(days=7)
FEEDBACK_TEMPLATE = "event_feedback"

#: Fields whose change matters to a calendar: each bumps the iCalendar SEQUENCE.
CALENDAR_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "location",
    "join_url",
)
#: Fields whose change the people with a place (or waiting for one) are told about.
WHEN_AND_WHERE_FIELDS = ("starts_at", "ends_at", "time_zone", "location", "join_url")
EDITABLE_FIELDS = (
    *CALENDAR_FIELDS,
    "kind",
    "mode",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "program",
    "partnership",
)


# --- messages: through the notifications ------------------------------------------------
#: In-app titles (the e-mails' subjects say the same; see events/email/).
TITLES = {
    "registered": gettext_lazy("You are registered: %(title)s"),
    "waitlisted": gettext_lazy("You are on the waiting list: %(title)s"),
    "promoted": gettext_lazy("A place is yours: %(title)s"),
    "reminder": gettext_lazy("Reminder: %(title)s"),
    "cancelled": gettext_lazy("Cancelled: %(title)s"),
    "changed": gettext_lazy("Changed: %(title)s"),
    "speaker_request": gettext_lazy("You are asked to speak: %(topic)s"),
    "speaker_answer": gettext_lazy("Answer to your speaking request: %(topic)s"),
}
BODIES = {
    "registered": gettext_lazy("Starts %(starts)s."),
    "waitlisted": gettext_lazy(
        "The event is full: you are on the waiting list. If a place frees up it is yours."
    ),
    "promoted": gettext_lazy("A place freed up: it is yours. Starts %(starts)s."),
    "reminder": gettext_lazy("Starts %(starts)s. Bring the check-in code from the event page."),
    "cancelled": gettext_lazy("The event of %(starts)s is cancelled. %(reason)s"),
    "changed": gettext_lazy("Its time or place changed: it now starts %(starts)s."),
    "speaker_request": gettext_lazy("Accept or decline on the speaking requests page."),
    "speaker_answer": gettext_lazy("Your request was answered: %(status)s."),
}


def tell(
    *,
    message: str,
    event: Event,
    users: Iterable[Any],
    dedupe_key: str,
    extra: dict[str, str] | None = None,
) -> int:
    """Tell ``users`` (users or ids) about ``event`` through
    :func:`tandem.notifications.services.notify`: in the caller's transaction, each person's
    preference for the message's kind honoured, in their language, e-mailed by the task queue
    after commit, never twice for ``dedupe_key``. ``message`` is one of ``registered``,
    ``waitlisted``, ``promoted``, ``reminder``, ``cancelled`` or ``changed``."""
    from .tasks import MESSAGES, starts_label

    extra = dict(extra or {})
    return notify(
        recipients=users,
        kind=MESSAGES[message],
        title=TITLES[message],
        body=BODIES[message],
        params={"title": event.title, "starts": starts_label(event), "reason": "", **extra},
        link=reverse("events:detail", args=[event.public_id]),
        subject=event,
        data={"message": message, **extra},
        dedupe_key=f"{message}:{dedupe_key}",
    )


def tell_registration(message: str, registration: Registration) -> int:
    """Tell a registration's person where their registration stands: once per state it
    reaches (a new registration after a cancellation is told again)."""
    stamp = registration.confirmed_at or registration.waitlisted_at or registration.updated_at
    return tell(
        message=message,
        event=registration.event,
        users=[registration.user_id],
        dedupe_key=f"{registration.public_id}:{registration.status}:{stamp.isoformat()}",
    )


def _tell_promoted(promoted: Sequence[Registration]) -> None:
    for registration in promoted:
        tell_registration("promoted", registration)


def _tell_speaker(message: str, request: SpeakerRequest, user_id: int) -> int:
    from .tasks import MESSAGES

    return notify(
        recipients=[user_id],
        kind=MESSAGES[message],
        title=TITLES[message],
        body=BODIES[message],
        params={"topic": request.topic, "status": request.get_status_display()},
        link=reverse("events:speaker_requests"),
        subject=request,
        data={"message": message},
        dedupe_key=f"{message}:{request.public_id}",
    )


def _audit(actor: Actor | None, action: str, target: Any, event: Event, **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        organizations=[event.institution_id],
        changes={k: str(v) for k, v in changes.items()},
    )


# --- events ------------------------------------------------------------------------------
def _require_manage(actor: Actor, event: Event) -> None:
    if not can_manage_event(actor, event):
        raise PermissionDeniedError()


def _check_partnership(event: Event) -> None:
    if event.partnership_id is None:
        return
    partnership = event.partnership
    assert partnership is not None
    if not partnership.institutions.filter(pk=event.institution_id).exists():
        msg = _("Choose a partnership of the organising institution.")
        raise DomainError(msg, fields={"partnership": msg})


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    institution: Organization,
    speakers: Sequence[Membership] = (),
    **fields: Any,
) -> Event:
    """A draft event organised by ``institution`` (its coordinators and educators)."""
    if not can_create_event(actor, institution):
        raise PermissionDeniedError()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    event = Event(institution=institution, created_by=signed_in(actor), **fields)
    validated(event)
    _check_partnership(event)
    event.save()
    for membership in speakers:
        _speaker_add(event, membership, "")
    _audit(actor, "event.create", event, event, title=event.title)
    return event


@transaction.atomic
def event_update(*, actor: Actor, event: Event, **fields: Any) -> Event:
    """Change an event. A change of time, place or text bumps its calendar SEQUENCE; a larger
    capacity promotes people from the waiting list; a published event's new time or place is
    told to everyone registered or waiting."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _require_manage(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise ConflictError(_("A cancelled event cannot be changed."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    changed = [k for k, v in fields.items() if getattr(event, k) != v]
    for key, value in fields.items():
        setattr(event, key, value)
    validated(event)
    _check_partnership(event)
    if any(k in CALENDAR_FIELDS for k in changed):
        event.sequence += 1
    event.save()
    promoted = _promote(event)
    if changed:
        _audit(actor, "event.update", event, event, fields=",".join(sorted(changed)))
    _tell_promoted(promoted)
    if event.status == EventStatus.PUBLISHED and any(k in WHEN_AND_WHERE_FIELDS for k in changed):
        _tell_changed(event)
    return event


def _people_with_a_place_or_waiting(event: Event) -> list[int]:
    """Ids of everyone registered or on the waiting list (not those who cancelled)."""
    return list(
        event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )


def _tell_changed(event: Event) -> int:
    """Tell everyone with a place or waiting for one that the time or place moved: once per
    calendar version (SEQUENCE), with the calendar entry that replaces the old one."""
    people = _people_with_a_place_or_waiting(event)
    return tell(
        message="changed",
        event=event,
        users=people,
        dedupe_key=f"{event.public_id}:{event.sequence}",
    )


@transaction.atomic
def event_publish(*, actor: Actor, event: Event) -> Event:
    """Open a draft event to its audience."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _require_manage(actor, event)
    if event.status != EventStatus.DRAFT:
        raise ConflictError(_("Only a draft can be published."))
    validated(event)
    event.status = EventStatus.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    _audit(actor, "event.publish", event, event)
    return event


@transaction.atomic
def event_cancel(*, actor: Actor, event: Event, reason: str = "") -> Event:
    """Cancel an event: its calendar entries say CANCELLED (SEQUENCE bumped) and everyone
    registered or waiting is told."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _require_manage(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise ConflictError(_("The event is already cancelled."))
    event.status = EventStatus.CANCELLED
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    people = _people_with_a_place_or_waiting(event)
    tell(
        message="cancelled",
        event=event,
        users=people,
        dedupe_key=str(event.public_id),
        extra={"reason": reason.strip()[:500]},
    )
    _audit(actor, "event.cancel", event, event, notified=len(people))
    return event


def _speaker_add(event: Event, membership: Membership, topic: str) -> EventSpeaker:
    if (
        not membership.is_active
        or membership.role not in PARTNER_ROLES
        or not membership.organization.is_partner
    ):
        msg = _("A speaker must be a member of a partner organization.")
        raise DomainError(msg, fields={"speaker": msg})
    if event.partnership_id is not None:
        assert event.partnership is not None
        if not event.partnership.partners.filter(pk=membership.organization_id).exists():
            msg = _("The speaker's organization is not a partner in this partnership.")
            raise DomainError(msg, fields={"speaker": msg})
    with conflict_on_integrity(_("This person already speaks at the event."), field="speaker"):
        return EventSpeaker.objects.create(event=event, membership=membership, topic=topic[:200])


@transaction.atomic
def event_speaker_add(
    *, actor: Actor, event: Event, membership: Membership, topic: str = ""
) -> EventSpeaker:
    """Add a partner's staff member as a speaker; the event's calendar entry changes."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _require_manage(actor, event)
    speaker = _speaker_add(event, membership, topic)
    event.sequence += 1
    event.save(update_fields=["sequence", "updated_at"])
    _audit(actor, "event.speaker_add", event, event, speaker=membership.public_id)
    return speaker


# --- registrations -----------------------------------------------------------------------
def confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _promote(event: Event) -> list[Registration]:
    """Move people from the waiting list into free places, first come first served. The
    caller holds the event's row lock."""
    free = event.capacity - confirmed_count(event)
    if free <= 0 or event.status == EventStatus.CANCELLED:
        return []
    waiting = list(
        Registration.objects.select_for_update()
        .filter(event=event, status=RegistrationStatus.WAITLISTED)
        .select_related("user")
        .order_by("waitlisted_at", "pk")[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        _audit(None, "event.registration_promoted", registration, event)
    return waiting


@transaction.atomic
def registration_create(*, actor: Actor, event: Event) -> Registration:
    """Register ``actor`` for ``event``: a confirmed place while there is one, else the end of
    the waiting list. Registering twice is refused; a cancelled registration is renewed."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise ConflictError(_("The event is cancelled."), code="cancelled")
    if not can_register_for_event(actor, event):
        raise PermissionDeniedError(_("This event is not open to you."))
    now = timezone.now()
    if event.ends_at <= now:
        raise ConflictError(_("The event is over."), code="event_over")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise ConflictError(_("Registration has not opened yet."), code="registration_closed")
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise ConflictError(_("Registration has closed."), code="registration_closed")
    user = signed_in(actor)
    assert user is not None
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise ConflictError(_("You are already registered for this event."), code="registered")
    full = confirmed_count(event) >= event.capacity
    status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
    if registration is None:
        registration = Registration(event=event, user=user)
    registration.status = status
    registration.waitlisted_at = now if full else None
    registration.confirmed_at = None if full else now
    registration.cancelled_at = None
    registration.reminder_sent_at = None
    with conflict_on_integrity(_("You are already registered for this event.")):
        registration.save()
    _audit(actor, "event.register", registration, event, status=status)
    tell_registration("waitlisted" if full else "registered", registration)
    return registration


@transaction.atomic
def registration_cancel(*, actor: Actor, registration: Registration) -> Registration:
    """Give up a place (the attendee, or the organisers): the next person waiting gets it."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != getattr(actor, "pk", None) and not can_manage_event(actor, event):
        raise PermissionDeniedError()
    if registration.status == RegistrationStatus.CANCELLED:
        raise ConflictError(_("This registration is already cancelled."))
    if registration.checked_in_at is not None:
        raise ConflictError(_("You have already checked in."))
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    _audit(actor, "event.registration_cancel", registration, event)
    promoted = _promote(event)
    _tell_promoted(promoted)
    return registration


# --- check-in ----------------------------------------------------------------------------
def checkin_token(registration: Registration) -> str:
    """The signed code on a registration's QR code (names the event and the registration)."""
    return signing.dumps(
        {"e": str(registration.event.public_id), "r": str(registration.public_id)},
        salt=CHECKIN_SALT,
        compress=True,
    )


def _mark_checked_in(actor: Actor, registration: Registration, event: Event) -> Registration:
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ConflictError(
            _("This person has no confirmed place (status: %(s)s).")
            % {"s": registration.get_status_display()},
            code="not_confirmed",
        )
    if registration.checked_in_at is not None:
        local = timezone.localtime(registration.checked_in_at, event.tz)
        raise ConflictError(
            _("Already checked in at %(t)s.") % {"t": local.strftime("%H:%M")},
            code="already_checked_in",
        )
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = signed_in(actor)
    registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    _audit(actor, "event.check_in", registration, event)
    return registration


@transaction.atomic
def registration_check_in(*, actor: Actor, event: Event, token: str) -> Registration:
    """The organiser scans a QR code at the door. A code for another event, a forged code, a
    place not confirmed or a second check-in is refused with a clear message."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _require_manage(actor, event)
    if event.status != EventStatus.PUBLISHED:
        raise ConflictError(_("Only a published event takes check-ins."))
    try:
        data = signing.loads(token.strip(), salt=CHECKIN_SALT)
    except signing.BadSignature:
        msg = _("This is not a valid check-in code.")
        raise DomainError(msg, fields={"token": msg}, code="bad_token") from None
    if data.get("e") != str(event.public_id):
        msg = _("This code is for another event.")
        raise DomainError(msg, fields={"token": msg}, code="other_event")
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, public_id=data.get("r"))
        .select_related("user")
        .first()
    )
    if registration is None:
        msg = _("This is not a valid check-in code.")
        raise DomainError(msg, fields={"token": msg}, code="bad_token")
    return _mark_checked_in(actor, registration, event)


@transaction.atomic
def registration_self_check_in(*, actor: Actor, event: Event) -> Registration:
    """A virtual attendee checks themselves in by the link, from 15 minutes before the start
    until the end of the event."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    user = signed_in(actor)
    if user is None:
        raise PermissionDeniedError()
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is None:
        raise PermissionDeniedError(_("You are not registered for this event."))
    if not event.is_virtual or event.status != EventStatus.PUBLISHED:
        raise ConflictError(_("Self check-in is only for virtual and hybrid events."))
    now = timezone.now()
    if not (event.starts_at - SELF_CHECKIN_EARLY <= now <= event.ends_at):
        raise ConflictError(
            _("Self check-in opens 15 minutes before the start and closes at the end."),
            code="outside_window",
        )
    return _mark_checked_in(actor, registration, event)


# --- reminders and follow-ups (periodic) --------------------------------------------------
def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind confirmed attendees of events starting within 24 hours. Each registration is
    reminded once (a conditional update claims it, so two runs never both send)."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__status=EventStatus.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_LEAD,
    ).select_related("event", "user")
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                tell(
                    message="reminder",
                    event=registration.event,
                    users=[registration.user_id],
                    dedupe_key=f"{registration.public_id}:{registration.event.starts_at.isoformat()}",
                )
                sent += 1
    return sent


def followups_send(*, now: dt.datetime | None = None) -> int:
    """After an event ends, invite those who attended to the follow-up survey (the surveys
    app's ``event_feedback`` template, sent by its invitation service; one per person and
    event). Each event is followed up once. Returns the invitations made."""
    now = now or timezone.now()
    events = Event.objects.filter(
        status=EventStatus.PUBLISHED,
        followup_sent_at__isnull=True,
        ends_at__lte=now,
        ends_at__gt=now - FOLLOWUP_WINDOW,
    ).select_related("institution")
    made = 0
    for event in events:
        with transaction.atomic():
            claimed = Event.objects.filter(pk=event.pk, followup_sent_at__isnull=True).update(
                followup_sent_at=now
            )
            if not claimed:
                continue
            attendees = list(
                event.registrations.filter(checked_in_at__isnull=False).select_related("user")
            )
            if not attendees:
                continue
            survey = surveys_services.survey_from_template(
                actor=None,
                institution=event.institution,
                template_key=FEEDBACK_TEMPLATE,
                publish=True,
            )
            if not survey.is_accepting():
                continue
            for registration in attendees:
                surveys_services.invitation_create(
                    actor=None,
                    survey=survey,
                    user=registration.user,
                    trigger_key=f"event:{event.public_id}:{registration.user.public_id}",
                    subject_label=event.title,
                )
                made += 1
    return made


# --- calendar feeds ----------------------------------------------------------------------
@transaction.atomic
def calendar_feed_get_or_create(*, actor: Actor) -> CalendarFeed:
    """The signed-in person's private feed (made on first use)."""
    user = signed_in(actor)
    if user is None:
        raise PermissionDeniedError()
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action="event.feed_create", target=feed, organizations=[])
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, actor: Actor) -> CalendarFeed:
    """A new secret URL: the old one stops working at once."""
    feed = calendar_feed_get_or_create(actor=actor)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "updated_at"])
    audit_record(actor=actor, action="event.feed_regenerate", target=feed, organizations=[])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor: Actor) -> None:
    """Turn the feed off: its URL answers 404 until a new one is made."""
    user = signed_in(actor)
    if user is None:
        raise PermissionDeniedError()
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        audit_record(actor=user, action="event.feed_revoke", target=feed, organizations=[])
        feed.delete()


# --- speakers: profiles and requests -------------------------------------------------------
@transaction.atomic
def speaker_profile_set(
    *,
    actor: Actor,
    membership: Membership,
    skills: Sequence[SkillConcept] = (),
    topics: str = "",
    available: bool = True,
) -> SpeakerProfile:
    """A partner's staff member says what they can speak about (their own membership)."""
    if membership.user_id != getattr(actor, "pk", None) or membership.role not in PARTNER_ROLES:
        raise PermissionDeniedError()
    profile, _created = SpeakerProfile.objects.get_or_create(membership=membership)
    profile.topics = topics.strip()[:500]
    profile.available = available
    profile.save()
    profile.skills.set(skills)
    return profile


@transaction.atomic
def speaker_request_create(
    *,
    actor: Actor,
    institution: Organization,
    speaker: Membership,
    topic: str,
    class_name: str = "",
    skills: Sequence[SkillConcept] = (),
    preferred_date: dt.date | None = None,
    message: str = "",
    reasons: Sequence[str] = (),
) -> SpeakerRequest:
    """Ask a partner's staff member to speak on ``topic`` for a class; they are told."""
    if not can_request_speaker(actor, institution):
        raise PermissionDeniedError()
    if not topic.strip():
        msg = _("Give a topic.")
        raise DomainError(msg, fields={"topic": msg})
    if (
        not speaker.is_active
        or speaker.role not in PARTNER_ROLES
        or not speaker.organization.is_partner
    ):
        msg = _("A speaker must be a member of a partner organization.")
        raise DomainError(msg, fields={"speaker": msg})
    request = SpeakerRequest.objects.create(
        institution=institution,
        requested_by=signed_in(actor),
        speaker=speaker,
        topic=topic.strip()[:200],
        class_name=class_name.strip()[:200],
        preferred_date=preferred_date,
        message=message.strip(),
        reasons=[str(r) for r in reasons][:10],
    )
    request.skills.set(skills)
    audit_record(
        actor=actor,
        action="event.speaker_request",
        target=request,
        organizations=[institution.pk, speaker.organization_id],
        changes={"speaker": str(speaker.public_id)},
    )
    _tell_speaker("speaker_request", request, speaker.user_id)
    return request


@transaction.atomic
def speaker_request_respond(
    *, actor: Actor, request: SpeakerRequest, accept: bool, note: str = ""
) -> SpeakerRequest:
    """The partner's staff member accepts or declines; the requester is told."""
    request = SpeakerRequest.objects.select_for_update().get(pk=request.pk)
    if not can_answer_speaker_request(actor, request):
        raise PermissionDeniedError()
    if request.status != SpeakerRequestStatus.PENDING:
        raise ConflictError(_("This request has already been answered."))
    request.status = SpeakerRequestStatus.ACCEPTED if accept else SpeakerRequestStatus.DECLINED
    request.response_note = note.strip()[:500]
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "response_note", "responded_at", "updated_at"])
    audit_record(
        actor=actor,
        action="event.speaker_request_answer",
        target=request,
        organizations=[request.institution_id, request.speaker.organization_id],
        changes={"status": request.status},
    )
    if request.requested_by_id is not None:
        _tell_speaker("speaker_answer", request, request.requested_by_id)
    return request


# --- personal data -----------------------------------------------------------------------
def event_personal_data_export(user: User) -> dict[str, Any]:
    """Everything events hold about ``user``."""
    registrations = Registration.objects.filter(user=user).select_related("event")
    speaking = EventSpeaker.objects.filter(membership__user=user).select_related("event")
    profiles = SpeakerProfile.objects.filter(membership__user=user).prefetch_related("skills")
    return {
        "registrations": [
            {
                "event": r.event.title,
                "event_id": str(r.event.public_id),
                "starts_at": r.event.starts_at.isoformat(),
                "status": r.status,
                "registered_at": r.created_at.isoformat(),
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
            }
            for r in registrations
        ],
        "speaking": [{"event": s.event.title, "topic": s.topic} for s in speaking],
        "speaker_profiles": [
            {
                "topics": p.topics,
                "skills": [c.preferred_label for c in p.skills.all()],
                "available": p.available,
            }
            for p in profiles
        ],
        "speaker_requests_received": [
            {"topic": r.topic, "status": r.status, "note": r.response_note}
            for r in SpeakerRequest.objects.filter(speaker__user=user)
        ],
        "calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
    }


@transaction.atomic
def event_personal_data_erase(user: User) -> None:
    """Erase ``user``'s registrations, attendance, feed and speaker data. A confirmed place
    of an upcoming event is given to the next person waiting."""
    events = set(
        Registration.objects.filter(
            user=user, status=RegistrationStatus.CONFIRMED, event__starts_at__gt=timezone.now()
        ).values_list("event_id", flat=True)
    )
    Registration.objects.filter(user=user).delete()
    for event in Event.objects.select_for_update().filter(pk__in=events):
        _tell_promoted(_promote(event))
    CalendarFeed.objects.filter(user=user).delete()
    SpeakerProfile.objects.filter(membership__user=user).delete()
    EventSpeaker.objects.filter(membership__user=user).delete()
    SpeakerRequest.objects.filter(speaker__user=user).delete()
    SpeakerRequest.objects.filter(requested_by=user).update(requested_by=None)
    Registration.objects.filter(checked_in_by=user).update(checked_in_by=None)
    Event.objects.filter(created_by=user).update(created_by=None)
