"""REST endpoints for mentoring pairs (mounted at /api/v1/mentoring by tandem.api.main).

Same selectors, services and permissions as the pages: a pair outside the caller's scope
answers 404; what only members may do answers a coordinator 403 (and the reverse); an ended
pair answers 409; bad input 400 with field messages (422 for a malformed body).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tandem.accounts.models import signed_in_user
from tandem.core.dates import Date, DateTime
from tandem.matching.models import MentorPair

from . import selectors, services
from .models import PairGoal, PairSession
from .permissions import can_see_session_notes, can_work_in_pair, is_pair_member

router = Router(tags=["mentoring"])


class PairOut(Schema):
    id: UUID = Field(..., alias="public_id")
    program: UUID
    program_title: str
    mentor: str
    mentee: str
    ended: bool
    sessions_held: int | None = None
    last_session_at: datetime | None = None

    @staticmethod
    def resolve_program(obj: MentorPair) -> UUID:
        return obj.program.public_id

    @staticmethod
    def resolve_program_title(obj: MentorPair) -> str:
        return obj.program.title

    @staticmethod
    def resolve_mentor(obj: MentorPair) -> str:
        return obj.mentor.membership.user.full_name

    @staticmethod
    def resolve_mentee(obj: MentorPair) -> str:
        return obj.mentee.student.full_name

    @staticmethod
    def resolve_ended(obj: MentorPair) -> bool:
        return hasattr(obj, "ending")


class GoalOut(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str
    target_date: date | None
    progress: int
    status: str
    updated_by: str | None
    updated_at: datetime

    @staticmethod
    def resolve_updated_by(obj: PairGoal) -> str | None:
        return obj.updated_by.full_name if obj.updated_by else None


class GoalIn(Schema):
    title: str = Field(..., max_length=200)
    target_date: Date | None = None
    progress: int = Field(0, ge=0, le=100)


class GoalPatch(Schema):
    title: str | None = Field(None, max_length=200)
    target_date: Date | None = None
    progress: int | None = Field(None, ge=0, le=100)
    status: str | None = Field(None, max_length=20)


class SessionOut(Schema):
    id: UUID = Field(..., alias="public_id")
    status: str
    starts_at: datetime
    minutes: int
    shared_with_coordinator: bool
    #: ``null`` where the caller may not read them (a coordinator, unless shared).
    topics: str | None
    notes: str | None
    place: str | None
    video_link: str | None
    sequence: int


class SessionIn(Schema):
    starts_at: DateTime
    minutes: int
    topics: str = Field("", max_length=500)
    notes: str = Field("", max_length=10000)
    shared_with_coordinator: bool = False


class ScheduleIn(Schema):
    starts_at: DateTime
    minutes: int
    place: str = Field("", max_length=300)
    video_link: str = Field("", max_length=500)
    topics: str = Field("", max_length=500)


class RematchIn(Schema):
    reason: str = Field(..., max_length=2000)


class RematchOut(Schema):
    id: UUID = Field(..., alias="public_id")
    status: str
    created_at: datetime


class PairDetailOut(Schema):
    id: UUID = Field(..., alias="public_id")
    program: UUID
    program_title: str
    mentor: str
    mentee: str
    ended: bool
    goals: list[GoalOut]
    upcoming: list[SessionOut]


class QuietOut(Schema):
    pair: UUID
    mentee: str
    mentor: str
    days: int


class RequestOut(Schema):
    pair: UUID
    requested_by: str
    reason: str
    created_at: datetime


class MentoringRatingOut(Schema):
    rating: int
    count: int | None


class MentoringHealthOut(Schema):
    program: UUID
    quiet_days: int
    checkin_weeks: int
    active_pairs: int
    ended_pairs: int
    median_sessions: float | None
    goals: int
    goals_achieved: int
    mean_goal_progress: float | None
    quiet_pairs: list[QuietOut]
    open_rematch_requests: list[RequestOut]
    reflections: int
    #: ``null`` with fewer than ten reflections, or when a count is hidden (small groups).
    mean_rating: float | None
    ratings: list[MentoringRatingOut]


def _session_out(viewer: Any, pair: MentorPair, s: PairSession) -> dict[str, Any]:
    visible = can_see_session_notes(viewer, pair, s.shared_with_coordinator)
    return {
        "public_id": s.public_id,
        "status": s.status,
        "starts_at": s.starts_at,
        "minutes": s.minutes,
        "shared_with_coordinator": s.shared_with_coordinator,
        "topics": s.topics if visible else None,
        "notes": s.notes if visible else None,
        "place": s.place if is_pair_member(viewer, pair) else None,
        "video_link": s.video_link if is_pair_member(viewer, pair) else None,
        "sequence": s.sequence,
    }


def _member_pair(request: HttpRequest, pair_id: UUID) -> MentorPair:
    pair = selectors.pair_get(request.user, pair_id)
    if not can_work_in_pair(request.user, pair):
        raise PermissionDenied
    return pair


@router.get("/pairs", response=list[PairOut], url_name="pair_list")
def pair_list(request: HttpRequest) -> Any:
    """Your mentoring pairs, and those of the programs you coordinate."""
    return selectors.pairs_for(request.user)[:500]


@router.get("/pairs/{pair_id}", response=PairDetailOut, url_name="pair_detail")
def pair_detail(request: HttpRequest, pair_id: UUID) -> Any:
    pair = selectors.pair_get(request.user, pair_id)
    return {
        "public_id": pair.public_id,
        "program": pair.program.public_id,
        "program_title": pair.program.title,
        "mentor": pair.mentor.membership.user.full_name,
        "mentee": pair.mentee.student.full_name,
        "ended": selectors.pair_ending(pair) is not None,
        "goals": list(selectors.pair_goals(pair)),
        "upcoming": [_session_out(request.user, pair, s) for s in selectors.pair_upcoming(pair)],
    }


@router.get("/pairs/{pair_id}/goals", response=list[GoalOut], url_name="goal_list")
def goal_list(request: HttpRequest, pair_id: UUID) -> Any:
    return selectors.pair_goals(selectors.pair_get(request.user, pair_id))


@router.post("/pairs/{pair_id}/goals", response={201: GoalOut}, url_name="goal_create")
def goal_create(request: HttpRequest, pair_id: UUID, payload: GoalIn) -> Any:
    """Add a shared goal (the pair's members)."""
    pair = _member_pair(request, pair_id)
    goal = services.goal_create(actor=signed_in_user(request), pair=pair, **payload.dict())
    return Status(201, goal)


def _member_goal(request: HttpRequest, goal_id: UUID) -> PairGoal:
    goal = selectors.goal_get(request.user, goal_id)
    if not can_work_in_pair(request.user, goal.pair):
        raise PermissionDenied
    return goal


@router.patch("/goals/{goal_id}", response=GoalOut, url_name="goal_update")
def goal_update(request: HttpRequest, goal_id: UUID, payload: GoalPatch) -> Any:
    """Update a goal's title, target date, progress or status (the pair's members)."""
    goal = _member_goal(request, goal_id)
    return services.goal_update(
        actor=signed_in_user(request), goal=goal, data=payload.dict(exclude_unset=True)
    )


@router.delete("/goals/{goal_id}", response={204: None}, url_name="goal_delete")
def goal_delete(request: HttpRequest, goal_id: UUID) -> Any:
    services.goal_delete(actor=signed_in_user(request), goal=_member_goal(request, goal_id))
    return Status(204, None)


@router.get("/pairs/{pair_id}/sessions", response=list[SessionOut], url_name="session_list")
def session_list(request: HttpRequest, pair_id: UUID) -> Any:
    """Every session of the pair, newest first; topics and notes are ``null`` for a
    coordinator unless the session was shared."""
    pair = selectors.pair_get(request.user, pair_id)
    rows = pair.sessions.order_by("-starts_at", "pk")[:200]
    return [_session_out(request.user, pair, s) for s in rows]


@router.post("/pairs/{pair_id}/sessions", response={201: SessionOut}, url_name="session_create")
def session_create(request: HttpRequest, pair_id: UUID, payload: SessionIn) -> Any:
    """Log a session that took place (the pair's members)."""
    pair = _member_pair(request, pair_id)
    session = services.session_log(actor=signed_in_user(request), pair=pair, **payload.dict())
    return Status(201, _session_out(request.user, pair, session))


@router.post("/pairs/{pair_id}/schedule", response={201: SessionOut}, url_name="session_schedule")
def session_schedule(request: HttpRequest, pair_id: UUID, payload: ScheduleIn) -> Any:
    """Propose the next session; the other member gets the calendar invitation."""
    pair = _member_pair(request, pair_id)
    session = services.session_schedule(actor=signed_in_user(request), pair=pair, **payload.dict())
    return Status(201, _session_out(request.user, pair, session))


@router.post(
    "/pairs/{pair_id}/rematch-requests", response={201: RematchOut}, url_name="rematch_request"
)
def rematch_request(request: HttpRequest, pair_id: UUID, payload: RematchIn) -> Any:
    """Ask the coordinators for a rematch (the reason stays between you and them)."""
    pair = _member_pair(request, pair_id)
    found = services.rematch_request_create(
        actor=signed_in_user(request), pair=pair, reason=payload.reason
    )
    return Status(201, found)


@router.get(
    "/programs/{mentoring_program_id}/health",
    response=MentoringHealthOut,
    url_name="program_health",
)
def program_health(request: HttpRequest, mentoring_program_id: UUID) -> Any:
    """A program's health (its coordinators): satisfaction is ``null`` below ten reflections."""
    program = selectors.program_health_get(request.user, mentoring_program_id)
    health = selectors.program_health(program)
    s = health.satisfaction
    return {
        "program": program.public_id,
        "quiet_days": health.quiet_days,
        "checkin_weeks": health.checkin_weeks,
        "active_pairs": health.active_pairs,
        "ended_pairs": health.ended_pairs,
        "median_sessions": health.median_sessions,
        "goals": health.goals,
        "goals_achieved": health.goals_achieved,
        "mean_goal_progress": health.mean_goal_progress,
        "quiet_pairs": [
            {
                "pair": q.pair.public_id,
                "mentee": q.pair.mentee.student.full_name,
                "mentor": q.pair.mentor.membership.user.full_name,
                "days": q.days,
            }
            for q in health.quiet
        ],
        "open_rematch_requests": [
            {
                "pair": r.pair.public_id,
                "requested_by": r.requested_by.full_name,
                "reason": r.reason,
                "created_at": r.created_at,
            }
            for r in health.open_requests
        ],
        "reflections": s.responses,
        "mean_rating": s.mean,
        "ratings": [{"rating": r, "count": n} for r, n in s.distribution],
    }
