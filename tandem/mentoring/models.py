"""What follows a mentor pair's publication: the pair's shared goals, its session log and
scheduled sessions, rematch requests, the pair's ending and each member's closing
reflection, and a program's "gone quiet" setting.

The pairs themselves (:class:`~tandem.matching.models.MentorPair`) belong to the matching app;
this app only adds to them. See docs/mentoring.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.matching.models import MentorPair, MentorProgram

#: A pair with no logged session for this many days has "gone quiet" (per program).
DEFAULT_QUIET_DAYS = 21
#: Check-in surveys go to each member of a pair every this many weeks (0: never).
DEFAULT_CHECKIN_WEEKS = 4
SESSION_MIN_MINUTES = 5
SESSION_MAX_MINUTES = 600


class ProgramSettings(PublicModel):
    """A mentor program's settings for the relationship after pairing.

    No personal data."""

    program = models.OneToOneField(
        MentorProgram, on_delete=models.CASCADE, related_name="mentoring_settings"
    )
    quiet_days = models.PositiveSmallIntegerField(
        _("days without a session before a pair counts as quiet"), default=DEFAULT_QUIET_DAYS
    )
    checkin_weeks = models.PositiveSmallIntegerField(
        _("weeks between check-in surveys (0: none)"), default=DEFAULT_CHECKIN_WEEKS
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="mentoring_settings_quiet_days_range",
                condition=Q(quiet_days__gte=3, quiet_days__lte=365),
            ),
            models.CheckConstraint(
                name="mentoring_settings_checkin_weeks_range",
                condition=Q(checkin_weeks__lte=26),
            ),
        ]


class PairEnding(PublicModel):
    """A pair the coordinator ended (after a rematch request, or when the program ended).
    An ended pair is read-only, apart from its members' closing reflections.

    Personal data: why the pair ended.
    """

    pair = models.OneToOneField(MentorPair, on_delete=models.CASCADE, related_name="ending")
    reason = models.TextField(_("reason"), max_length=2000)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class PairGoal(PublicModel):
    """A goal the pair shares, with its progress; either member adds and updates it.

    Personal data: the goal, its progress and who updated it.
    """

    pair = models.ForeignKey(MentorPair, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["pair", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="pair_goal_progress_range", condition=Q(progress__gte=0, progress__lte=100)
            )
        ]

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class PairSession(PublicModel):
    """A mentoring session: logged after it took place (``held``) or proposed ahead
    (``scheduled``, with an iCalendar invitation; ``cancelled`` when called off).

    Notes are private to the pair unless a member shares the session with the coordinator,
    who always sees dates and lengths.

    Personal data: when the pair met, for how long, where, topics and notes.
    """

    pair = models.ForeignKey(MentorPair, on_delete=models.CASCADE, related_name="sessions")
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.HELD
    )
    starts_at = models.DateTimeField(_("date and time"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    topics = models.CharField(_("topics"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    shared_with_coordinator = models.BooleanField(_("shared with the coordinator"), default=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    #: iCalendar SEQUENCE: bumped on every reschedule and on cancellation.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["pair", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                name="pair_session_minutes_range",
                condition=Q(minutes__gte=SESSION_MIN_MINUTES, minutes__lte=SESSION_MAX_MINUTES),
            )
        ]


class RematchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RematchRequest(PublicModel):
    """A member asks the coordinator for another mentor or mentee. The reason is seen by the
    requester and the coordinators, never by the other member.

    Personal data: who asked, and why.
    """

    pair = models.ForeignKey(MentorPair, on_delete=models.CASCADE, related_name="rematch_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=RematchStatus.choices, default=RematchStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]


class Reflection(PublicModel):
    """A member's closing reflection on an ended pair: what went well, and a rating. The
    coordinator sees ratings only in aggregate, with small groups hidden.

    Personal data: the reflection and the rating.
    """

    pair = models.ForeignKey(MentorPair, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    went_well = models.TextField(_("what went well"), max_length=5000, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"))

    class Meta:
        ordering = ["pair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "author"], name="reflection_one_per_member"),
            models.CheckConstraint(
                name="reflection_rating_range", condition=Q(rating__gte=1, rating__lte=5)
            ),
        ]
