"""Reads about published mentor pairs, scoped to the viewer: the viewer's pairs, one pair's
workspace (notes hidden from coordinators unless shared, rematch reasons hidden from the
other member), quiet pairs, the next sessions of a mentor's pairs and a program's health
(a fixed number of queries whatever its size; satisfaction with small groups hidden)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Avg, Count, F, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from tandem.matching.models import MentorPair, MentorProgram
from tandem.matching.selectors import program_get
from tandem.surveys.data import DEFAULT_THRESHOLD, suppress_counts

from .models import (
    DEFAULT_CHECKIN_WEEKS,
    DEFAULT_QUIET_DAYS,
    GoalStatus,
    PairEnding,
    PairGoal,
    PairSession,
    ProgramSettings,
    Reflection,
    RematchRequest,
    RematchStatus,
    SessionStatus,
)
from .permissions import (
    can_see_session_notes,
    can_view_pair,
    can_view_program_health,
    is_pair_coordinator,
    is_pair_member,
    pairs_visible_qs,
)

#: Reflections of fewer people than this are not shown in aggregate (docs/analytics.md).
SMALL_GROUP = DEFAULT_THRESHOLD
_PAIR_RELATED = ("program", "mentee__student", "mentor__membership__user")


def _with_activity(qs: QuerySet[MentorPair]) -> QuerySet[MentorPair]:
    return qs.annotate(
        last_session_at=Max("sessions__starts_at", filter=Q(sessions__status=SessionStatus.HELD)),
        sessions_held=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)),
        quiet_days=Coalesce(
            F("program__mentoring_settings__quiet_days"), Value(DEFAULT_QUIET_DAYS)
        ),
    )


def pairs_for(viewer: Any) -> QuerySet[MentorPair]:
    """The published pairs the viewer may open: their own, and those of the programs they
    coordinate; with the last session and the count of sessions held."""
    return (
        _with_activity(pairs_visible_qs(viewer))
        .select_related(*_PAIR_RELATED, "ending")
        .order_by("program__title", "mentee__student__full_name", "pk")
    )


def pair_get(viewer: Any, public_id: UUID | str) -> MentorPair:
    """One pair the viewer may open, else 404 (existence does not leak)."""
    try:
        pair = MentorPair.objects.select_related(
            *_PAIR_RELATED, "mentor__membership", "mentee"
        ).get(public_id=public_id)
    except (MentorPair.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_pair(viewer, pair):
        raise Http404
    return pair


def pair_ending(pair: MentorPair) -> PairEnding | None:
    return PairEnding.objects.filter(pair=pair).first()


def goal_get(viewer: Any, public_id: UUID | str) -> PairGoal:
    goal = PairGoal.objects.select_related("pair").filter(public_id=public_id).first()
    if goal is None:
        raise Http404
    goal.pair = pair_get(viewer, goal.pair.public_id)
    return goal


def session_get(viewer: Any, public_id: UUID | str) -> PairSession:
    session = PairSession.objects.select_related("pair").filter(public_id=public_id).first()
    if session is None:
        raise Http404
    session.pair = pair_get(viewer, session.pair.public_id)
    return session


def pair_goals(pair: MentorPair) -> QuerySet[PairGoal]:
    return PairGoal.objects.filter(pair=pair).select_related("updated_by")


@dataclass(frozen=True)
class SessionRow:
    """A session as the viewer may see it: content (topics, notes, place) only for the
    pair's members, and for coordinators when shared with them."""

    session: PairSession
    content_visible: bool


def pair_sessions(viewer: Any, pair: MentorPair) -> list[SessionRow]:
    """Held and cancelled sessions, newest first."""
    rows = PairSession.objects.filter(pair=pair).exclude(status=SessionStatus.SCHEDULED)
    return [
        SessionRow(s, can_see_session_notes(viewer, pair, s.shared_with_coordinator))
        for s in rows.order_by("-starts_at", "pk")[:200]
    ]


def pair_upcoming(pair: MentorPair) -> QuerySet[PairSession]:
    """Scheduled sessions, soonest first."""
    return PairSession.objects.filter(pair=pair, status=SessionStatus.SCHEDULED).order_by(
        "starts_at", "pk"
    )


def pair_rematch_requests(viewer: Any, pair: MentorPair) -> QuerySet[RematchRequest]:
    """The viewer's own requests (members); every request (coordinators). A member never
    sees the other member's request."""
    qs = RematchRequest.objects.filter(pair=pair).select_related("requested_by")
    if is_pair_coordinator(viewer, pair):
        return qs
    if is_pair_member(viewer, pair):
        return qs.filter(requested_by_id=viewer.pk)
    return qs.none()


def my_reflection(viewer: Any, pair: MentorPair) -> Reflection | None:
    if not is_pair_member(viewer, pair):
        return None
    return Reflection.objects.filter(pair=pair, author_id=viewer.pk).first()


@dataclass(frozen=True)
class Workspace:
    pair: MentorPair
    ending: PairEnding | None
    goals: list[PairGoal]
    sessions: list[SessionRow]
    upcoming: list[PairSession]
    rematch_requests: list[RematchRequest]
    reflection: Reflection | None
    is_member: bool
    is_coordinator: bool

    @property
    def read_only(self) -> bool:
        return self.ending is not None or not self.is_member


def workspace(viewer: Any, pair: MentorPair) -> Workspace:
    """Everything the pair page shows the viewer (a member or a coordinator)."""
    return Workspace(
        pair=pair,
        ending=pair_ending(pair),
        goals=list(pair_goals(pair)),
        sessions=pair_sessions(viewer, pair),
        upcoming=list(pair_upcoming(pair)),
        rematch_requests=list(pair_rematch_requests(viewer, pair)),
        reflection=my_reflection(viewer, pair),
        is_member=is_pair_member(viewer, pair),
        is_coordinator=is_pair_coordinator(viewer, pair),
    )


# --- Quiet pairs ----------------------------------------------------------------------------
@dataclass(frozen=True)
class QuietRow:
    """An active pair with no session for ``days`` (at least its program's N) since
    ``since`` (its last session, or the program's publication)."""

    pair: MentorPair
    since: dt.datetime
    days: int
    quiet_days: int

    @property
    def escalate(self) -> bool:
        return self.days >= 2 * self.quiet_days


def quiet_pair_rows(qs: QuerySet[MentorPair], *, now: dt.datetime | None = None) -> list[QuietRow]:
    """The active published pairs of ``qs`` that have gone quiet (one query)."""
    moment = now or timezone.now()
    rows = (
        _with_activity(qs.filter(program__status="published", ending__isnull=True))
        .select_related(*_PAIR_RELATED)
        .order_by("program__title", "mentee__student__full_name", "pk")
    )
    out = []
    for pair in rows:
        since = pair.last_session_at or pair.program.published_at  # type: ignore[attr-defined]
        if since is None:
            continue
        days = (moment - since).days
        if days >= pair.quiet_days:  # type: ignore[attr-defined]
            out.append(QuietRow(pair, since, days, pair.quiet_days))  # type: ignore[attr-defined]
    return out


def quiet_pairs_of_mentor(viewer: Any) -> list[QuietRow]:
    """The viewer's own mentee pairs that have gone quiet (their home)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    return quiet_pair_rows(
        MentorPair.objects.filter(
            mentor__membership__user_id=viewer.pk, mentor__membership__is_active=True
        )
    )


def next_sessions_for(viewer: Any, limit: int = 5) -> list[PairSession]:
    """The next scheduled sessions of the viewer's own active pairs, soonest first."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    pairs = MentorPair.objects.filter(
        Q(mentor__membership__user_id=viewer.pk, mentor__membership__is_active=True)
        | Q(mentee__student_id=viewer.pk),
        program__status="published",
        ending__isnull=True,
    )
    return list(
        PairSession.objects.filter(
            pair__in=pairs, status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now()
        )
        .select_related("pair__mentee__student", "pair__mentor__membership__user")
        .order_by("starts_at", "pk")[:limit]
    )


# --- Program health -------------------------------------------------------------------------
@dataclass(frozen=True)
class Satisfaction:
    """Ratings from closing reflections; ``None`` where the group is too small to show."""

    responses: int
    mean: float | None
    #: (rating, count or None when hidden), 1 to 5; empty when nothing may be shown.
    distribution: list[tuple[int, int | None]]
    suppressed: bool


@dataclass(frozen=True)
class PairHealth:
    pair: MentorPair
    sessions_held: int
    last_session_at: dt.datetime | None
    goal_progress: float | None
    quiet: bool
    ended: bool


@dataclass(frozen=True)
class ProgramHealth:
    program: MentorProgram
    quiet_days: int
    active_pairs: int
    ended_pairs: int
    median_sessions: float | None
    goals: int
    goals_achieved: int
    mean_goal_progress: float | None
    rows: list[PairHealth]
    quiet: list[QuietRow]
    open_requests: list[RematchRequest]
    satisfaction: Satisfaction
    extra: dict[str, Any] = field(default_factory=dict)
    checkin_weeks: int = DEFAULT_CHECKIN_WEEKS


def satisfaction_of(ratings: dict[int, int], threshold: int = SMALL_GROUP) -> Satisfaction:
    """Ratings 1–5 with the dashboards' small-cell rules: fewer than ``threshold``
    reflections show nothing; otherwise the mean and the distribution, its small counts (and
    what would reveal them) hidden."""
    counts = [ratings.get(r, 0) for r in range(1, 6)]
    total = sum(counts)
    if total < threshold:
        return Satisfaction(responses=total, mean=None, distribution=[], suppressed=total > 0)
    table = suppress_counts(counts, threshold)
    cells = table.cells[0]
    suppressed = any(c is None for c in cells)
    # With the count and the shown cells, a mean would let the hidden counts be worked out
    # (10 fives and 2 hidden fours: a mean of 4.83 says so): it is shown only beside a
    # distribution shown in full.
    mean = (
        None
        if suppressed
        else round(sum(r * n for r, n in zip(range(1, 6), counts, strict=True)) / total, 2)
    )
    return Satisfaction(
        responses=total,
        mean=mean,
        distribution=list(zip(range(1, 6), cells, strict=True)),
        suppressed=suppressed,
    )


def program_health_get(viewer: Any, public_id: UUID | str) -> MentorProgram:
    """A program whose health the viewer (a coordinator) may see, else 404/403."""
    program = program_get(viewer, public_id)
    if not can_view_program_health(viewer, program):
        raise Http404
    return program


def program_settings(program: MentorProgram) -> int:
    row = ProgramSettings.objects.filter(program=program).values_list("quiet_days", flat=True)
    return next(iter(row), DEFAULT_QUIET_DAYS)


def program_health(program: MentorProgram, *, now: dt.datetime | None = None) -> ProgramHealth:
    """The coordinator's view of a published program's pairs, in a fixed number of
    queries: pairs with their activity, goals per pair, open rematch requests, ratings."""
    moment = now or timezone.now()
    # Pairs under review are not pairs yet: the page counts published ones only.
    pairs = list(
        _with_activity(MentorPair.objects.filter(program=program, program__status="published"))
        .select_related(*_PAIR_RELATED, "ending")
        .order_by("mentee__student__full_name", "pk")
    )
    goal_rows = {
        row["pair_id"]: row
        for row in PairGoal.objects.filter(pair__program=program)
        .exclude(status=GoalStatus.DROPPED)
        .values("pair_id")
        .annotate(
            n=Count("id"),
            achieved=Count("id", filter=Q(status=GoalStatus.ACHIEVED)),
            avg=Avg("progress"),
        )
        .order_by()
    }
    requests = list(
        RematchRequest.objects.filter(pair__program=program, status=RematchStatus.OPEN)
        .select_related("requested_by", "pair__mentee__student", "pair__mentor__membership__user")
        .order_by("created_at", "pk")
    )
    ratings = dict(
        Reflection.objects.filter(pair__program=program)
        .values_list("rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    quiet_days = DEFAULT_QUIET_DAYS
    rows: list[PairHealth] = []
    quiet: list[QuietRow] = []
    for pair in pairs:
        quiet_days = pair.quiet_days  # type: ignore[attr-defined]
        ended = hasattr(pair, "ending")
        since = pair.last_session_at or program.published_at  # type: ignore[attr-defined]
        is_quiet = False
        if not ended and since is not None and program.status == "published":
            days = (moment - since).days
            if days >= quiet_days:
                is_quiet = True
                quiet.append(QuietRow(pair, since, days, quiet_days))
        g = goal_rows.get(pair.pk)
        rows.append(
            PairHealth(
                pair=pair,
                sessions_held=pair.sessions_held,  # type: ignore[attr-defined]
                last_session_at=pair.last_session_at,  # type: ignore[attr-defined]
                goal_progress=round(float(g["avg"]), 1) if g and g["avg"] is not None else None,
                quiet=is_quiet,
                ended=ended,
            )
        )
    if not pairs:
        quiet_days = program_settings(program)
    active = [r for r in rows if not r.ended]
    goals = sum(g["n"] for g in goal_rows.values())
    progress_sum = sum(float(g["avg"] or 0) * g["n"] for g in goal_rows.values())
    return ProgramHealth(
        program=program,
        quiet_days=quiet_days,
        active_pairs=len(active),
        ended_pairs=len(rows) - len(active),
        median_sessions=float(statistics.median(r.sessions_held for r in rows)) if rows else None,
        goals=goals,
        goals_achieved=sum(g["achieved"] for g in goal_rows.values()),
        mean_goal_progress=round(progress_sum / goals, 1) if goals else None,
        rows=rows,
        quiet=quiet,
        open_requests=requests,
        satisfaction=satisfaction_of(ratings),
        checkin_weeks=next(
            iter(
                ProgramSettings.objects.filter(program=program).values_list(
                    "checkin_weeks", flat=True
                )
            ),
            DEFAULT_CHECKIN_WEEKS,
        ),
    )
