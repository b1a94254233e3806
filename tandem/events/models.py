"""Events and guest lectures: who organises them, who speaks, who comes.

An :class:`Event` belongs to one institution (its organiser) and is for that institution's
students (optionally one program). Partner staff speak at it (:class:`EventSpeaker`). Students
register (:class:`Registration`): up to ``capacity`` are confirmed, the rest wait in order and
are promoted as places free up. Attendance is the registration's ``checked_in_at``.

Personal data: ``Registration`` (who registered, their place, when they checked in),
``EventSpeaker`` (a person speaks at an event), ``CalendarFeed`` (a person's feed secret),
``SpeakerProfile`` (a person's declared skills and topics) and ``SpeakerRequest`` (who asked,
who was asked).
"""

from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.organizations.models import Membership, Organization


class EventKind(models.TextChoices):
    GUEST_LECTURE = "guest_lecture", _("Guest lecture")
    WORKSHOP = "workshop", _("Workshop")
    CAREER_FAIR = "career_fair", _("Career fair")
    INDUSTRY_VISIT = "industry_visit", _("Industry visit")
    INFORMATION_SESSION = "information_session", _("Information session")


#: The kinds that count as "guest lectures held" for a partnership's KPIs.
LECTURE_KINDS = (EventKind.GUEST_LECTURE, EventKind.WORKSHOP)


class EventMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


def _valid_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone “%(tz)s”."), params={"tz": value}) from None


class Event(PublicModel):
    """A guest lecture, workshop, career fair, industry visit or information session.

    ``starts_at``/``ends_at`` are stored in UTC; ``time_zone`` (an IANA name) is where the event
    happens, used for display and for the calendar's VTIMEZONE. ``sequence`` is the iCalendar
    SEQUENCE, bumped on every change that matters to a calendar (time, place, status).
    """

    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="events", verbose_name=_("organiser")
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("partnership"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=EventMode.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/London", validators=[_valid_time_zone]
    )
    location = models.CharField(_("location"), max_length=300, blank=True)
    join_url = models.URLField(_("join link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    program = models.CharField(
        _("program (empty: all students)"), max_length=200, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="event_ends_after_start", condition=models.Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="event_capacity_range",
                condition=models.Q(capacity__gte=1, capacity__lte=100000),
            ),
            models.CheckConstraint(
                name="event_registration_window_order",
                condition=models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
            ),
        ]
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if self.mode in (EventMode.IN_PERSON, EventMode.HYBRID) and not self.location:
            errors["location"] = _("Give the place of an in-person or hybrid event.")
        if self.mode in (EventMode.VIRTUAL, EventMode.HYBRID) and not self.join_url:
            errors["join_url"] = _("Give the join link of a virtual or hybrid event.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):  # type: ignore[no-untyped-def]
        return self.starts_at.astimezone(self.tz)

    @property
    def local_end(self):  # type: ignore[no-untyped-def]
        return self.ends_at.astimezone(self.tz)

    @property
    def is_virtual(self) -> bool:
        return self.mode in (EventMode.VIRTUAL, EventMode.HYBRID)


class EventSpeaker(PublicModel):
    """A partner's staff member speaking at an event (a membership of a partner).

    Personal data: the person speaks at the event.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "membership"], name="event_speaker_once")
        ]


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(PublicModel):
    """A person's place (or place in the queue) at an event.

    Personal data: the person, their status and place, when they checked in, reminders sent.
    ``waitlisted_at`` orders the waiting list (first come, first promoted).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_event"),
            models.CheckConstraint(
                name="registration_checkin_only_confirmed",
                condition=models.Q(checked_in_at__isnull=True) | models.Q(status="confirmed"),
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}: {self.status}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(PublicModel):
    """A person's private calendar feed: whoever holds the secret URL reads the events the
    person registered for or speaks at. Regenerating the token revokes the old URL.

    Personal data: the secret itself.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class SpeakerProfile(PublicModel):
    """What a partner's staff member can speak about: ESCO skills and free topics.

    Personal data: the person's declared skills and topics.
    """

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="speaker_profile"
    )
    skills = models.ManyToManyField("skills.SkillConcept", related_name="+", blank=True)
    topics = models.CharField(_("topics"), max_length=500, blank=True)
    available = models.BooleanField(_("open to speaking requests"), default=True)


class SpeakerRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SpeakerRequest(PublicModel):
    """An institution's request to a partner's staff member to speak on a topic for a class.

    Personal data: who asked, who was asked, the answer's note.
    """

    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="speaker_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    speaker = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("topic"), max_length=200)
    class_name = models.CharField(_("class"), max_length=200, blank=True)
    skills = models.ManyToManyField("skills.SkillConcept", related_name="+", blank=True)
    preferred_date = models.DateField(_("preferred date"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=SpeakerRequestStatus.choices, default=SpeakerRequestStatus.PENDING
    )
    response_note = models.CharField(_("note"), max_length=500, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.topic
