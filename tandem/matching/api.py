"""REST endpoints for match rounds (mounted at /api/v1/match-rounds by tandem.api.main).

Same selectors, services and permissions as the web pages: rounds outside the caller's scope
answer 404; a visible round the caller may not act on answers 403; bad input 400; a step
not possible in the round's state or after a deadline 409. Errors are
``application/problem+json``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tandem.core.dates import DateTime
from tandem.core.errors import DomainError
from tandem.organizations.models import Organization
from tandem.organizations.permissions import coordinator_institution_ids

from . import selectors, services
from .models import MatchResult, MatchRound, Proposing, RoundStatus
from .permissions import (
    can_manage_round,
    can_rank_as_partner,
    can_rank_as_student,
    can_view_own_result,
)

router = Router(tags=["match-rounds"])

MAX_LIST = services.RANK_LIST_MAX


class Ref(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str


class RoundOpportunityRef(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str
    seats: int
    host: Ref


class StudentRef(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str = Field(..., alias="full_name")


class RoundOut(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str
    description: str
    institution: Ref
    status: RoundStatus
    proposing: Proposing
    seed: int
    student_deadline: datetime
    partner_deadline: datetime
    created_at: datetime


class RoundDetailOut(RoundOut):
    opportunities: list[RoundOpportunityRef]
    stats: dict[str, Any] | None
    run_message: str


class RoundIn(Schema):
    institution: UUID
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    opportunities: list[UUID] = Field(..., max_length=500)
    student_deadline: DateTime
    partner_deadline: DateTime
    seed: int = Field(0, ge=0, le=2**31 - 1)
    proposing: Proposing = Proposing.STUDENTS
    open: bool = Field(True, description="Open the round for ranking at once.")


class RankListIn(Schema):
    opportunities: list[UUID] = Field(..., max_length=MAX_LIST)


class RankListOut(Schema):
    opportunities: list[RoundOpportunityRef]
    deadline: datetime
    editable: bool


class PartnerRankingIn(Schema):
    students: list[UUID] = Field(..., max_length=2000)


class PartnerRankingOut(Schema):
    opportunity: RoundOpportunityRef
    applicants: list[StudentRef]
    ranking: list[StudentRef]
    deadline: datetime
    editable: bool


class MatchReasonOut(Schema):
    opportunity: UUID | None
    code: str
    text: str


class ResultOut(Schema):
    student: StudentRef
    opportunity: RoundOpportunityRef | None
    rank: int | None
    reasons: list[MatchReasonOut]
    open_seats: dict[str, int]


class RoundResultOut(Schema):
    status: RoundStatus
    stats: dict[str, Any] | None
    results: list[ResultOut]


def _round(request: HttpRequest, round_id: UUID) -> MatchRound:
    return selectors.round_get(request.user, round_id)


def _detail_out(request: HttpRequest, match_round: MatchRound) -> dict[str, Any]:
    m = _round(request, match_round.public_id)
    manager = can_manage_round(request.user, m)
    return {
        "public_id": m.public_id,
        "title": m.title,
        "description": m.description,
        "institution": m.institution,
        "status": m.status,
        "proposing": m.proposing,
        "seed": m.seed,
        "student_deadline": m.student_deadline,
        "partner_deadline": m.partner_deadline,
        "created_at": m.created_at,
        "opportunities": list(selectors.round_opportunities(m)),
        "stats": m.stats if manager or m.status == RoundStatus.PUBLISHED else None,
        "run_message": m.run_message if manager else "",
    }


def _result_out(result: MatchResult) -> dict[str, Any]:
    data = result.explanation or {}
    return {
        "student": result.student,
        "opportunity": result.opportunity,
        "rank": result.rank,
        "reasons": [
            {
                "opportunity": r.get("placement"),
                "code": r.get("code", ""),
                "text": r.get("text", ""),
            }
            for r in data.get("reasons", [])
        ],
        "open_seats": data.get("open_seats") or {},
    }


@router.get("/", response=list[RoundOut], url_name="match_round_list")
def round_list(request: HttpRequest) -> Any:
    """Rounds the caller takes part in: coordinators all of their institution's; students and
    host staff the rounds open to them (not drafts)."""
    return list(selectors.round_list(request.user)[:200])


@router.post("/", response={201: RoundDetailOut}, url_name="match_round_create")
def round_create(request: HttpRequest, payload: RoundIn) -> Any:
    """Open a round (coordinators of the institution) over published opportunities approved
    for it. With ``open`` (default) students and hosts can rank at once."""
    institution = Organization.objects.filter(public_id=payload.institution).first()
    if institution is None:
        raise DomainError(
            _("Unknown institution."), fields={"institution": [_("Choose your institution.")]}
        )
    eligible = {o.public_id: o for o in selectors.eligible_round_opportunities(institution)}
    missing = [str(u) for u in payload.opportunities if u not in eligible]
    if missing and institution.pk in coordinator_institution_ids(request.user):
        raise DomainError(
            _("Only published opportunities approved for the institution can be in a round."),
            fields={"opportunities": [_("Not eligible: %(list)s") % {"list": ", ".join(missing)}]},
        )
    with transaction.atomic():
        match_round = _create_and_open(request, payload, institution, eligible)
    return Status(201, _detail_out(request, match_round))


def _create_and_open(
    request: HttpRequest, payload: RoundIn, institution: Organization, eligible: dict[Any, Any]
) -> MatchRound:
    match_round = services.round_create(
        actor=request.user,
        institution=institution,
        title=payload.title,
        description=payload.description,
        opportunities=[eligible[u] for u in payload.opportunities if u in eligible],
        student_deadline=payload.student_deadline,
        partner_deadline=payload.partner_deadline,
        seed=payload.seed,
        proposing=payload.proposing,
    )
    if payload.open:
        services.round_open(actor=request.user, match_round=match_round)
    return match_round


@router.get("/{round_id}", response=RoundDetailOut, url_name="match_round_detail")
def round_detail(request: HttpRequest, round_id: UUID) -> Any:
    """A round, its opportunities, and (coordinators; everyone once published) statistics."""
    return _detail_out(request, _round(request, round_id))


def _step(request: HttpRequest, round_id: UUID, service: Any) -> Any:
    match_round = _round(request, round_id)
    service(actor=request.user, match_round=match_round)
    return _detail_out(request, match_round)


@router.post("/{round_id}/open", response=RoundDetailOut, url_name="match_round_open")
def round_open(request: HttpRequest, round_id: UUID) -> Any:
    """Draft → open for ranking (coordinators)."""
    return _step(request, round_id, services.round_open)


@router.post("/{round_id}/close-ranking", response=RoundDetailOut, url_name="match_round_close")
def round_close(request: HttpRequest, round_id: UUID) -> Any:
    """Open → ranking closed: nobody can change a list any more (coordinators)."""
    return _step(request, round_id, services.round_close_ranking)


@router.post("/{round_id}/cancel", response=RoundDetailOut, url_name="match_round_cancel")
def round_cancel(request: HttpRequest, round_id: UUID) -> Any:
    """Cancel a round that is not published (coordinators)."""
    return _step(request, round_id, services.round_cancel)


@router.post("/{round_id}/run", response={202: RoundDetailOut}, url_name="match_round_run")
def round_run(request: HttpRequest, round_id: UUID) -> Any:
    """Run the match as a background task (coordinators); poll the round for its status."""
    return Status(202, _step(request, round_id, services.round_run))


@router.post("/{round_id}/publish", response=RoundDetailOut, url_name="match_round_publish")
def round_publish(request: HttpRequest, round_id: UUID) -> Any:
    """Publish the result (coordinators): matches become accepted placements; everyone is
    e-mailed."""
    return _step(request, round_id, services.round_publish)


@router.get("/{round_id}/result", response=RoundResultOut, url_name="match_round_result")
def round_result(request: HttpRequest, round_id: UUID) -> Any:
    """Coordinators: every student's result and the statistics, once computed. Students:
    their own result (with explanation) once published."""
    match_round = _round(request, round_id)
    if can_manage_round(request.user, match_round):
        results = list(selectors.round_results(match_round))
    elif can_view_own_result(request.user, match_round):
        own = selectors.student_result(match_round, request.user)
        results = [own] if own else []
    else:
        raise PermissionDenied
    return {
        "status": match_round.status,
        "stats": match_round.stats or None,
        "results": [_result_out(r) for r in results],
    }


def _rank_list_out(request: HttpRequest, match_round: MatchRound) -> dict[str, Any]:
    return {
        "opportunities": selectors.student_rank_list(match_round, request.user),
        "deadline": match_round.student_deadline,
        "editable": services.student_can_edit(match_round),
    }


@router.get("/{round_id}/rank-list", response=RankListOut, url_name="match_round_rank_list")
def rank_list(request: HttpRequest, round_id: UUID) -> Any:
    """The caller's rank list (students of the institution), first choice first."""
    match_round = _round(request, round_id)
    if not can_rank_as_student(request.user, match_round):
        raise PermissionDenied
    return _rank_list_out(request, match_round)


@router.put("/{round_id}/rank-list", response=RankListOut, url_name="match_round_rank_list_put")
def rank_list_put(request: HttpRequest, round_id: UUID, payload: RankListIn) -> Any:
    """Replace the whole rank list (ordered opportunity ids, first choice first; an empty
    list withdraws). Only the round's opportunities, each once, before the deadline."""
    match_round = _round(request, round_id)
    if not can_rank_as_student(request.user, match_round):
        raise PermissionDenied
    by_id = {o.public_id: o for o in selectors.round_opportunities(match_round)}
    unknown = [str(u) for u in payload.opportunities if u not in by_id]
    if unknown:
        raise DomainError(
            _("Only opportunities of this round can be ranked."),
            fields={
                "opportunities": [_("Not in this round: %(list)s") % {"list": ", ".join(unknown)}]
            },
        )
    services.student_ranking_set(
        actor=request.user,
        match_round=match_round,
        opportunities=[by_id[u] for u in payload.opportunities],
    )
    return _rank_list_out(request, match_round)


def _queue_out(queue: selectors.PartnerQueue, match_round: MatchRound) -> dict[str, Any]:
    return {
        "opportunity": queue.opportunity,
        "applicants": queue.applicants,
        "ranking": queue.ranked,
        "deadline": match_round.partner_deadline,
        "editable": services.partner_can_edit(match_round),
    }


def _queue(request: HttpRequest, match_round: MatchRound, opportunity_id: UUID) -> Any:
    if not can_rank_as_partner(request.user, match_round):
        raise PermissionDenied
    for q in selectors.partner_queues(request.user, match_round):
        if q.opportunity.public_id == opportunity_id:
            return q
    raise Http404


@router.get(
    "/{round_id}/partner-rankings",
    response=list[PartnerRankingOut],
    url_name="match_round_partner_rankings",
)
def partner_rankings(request: HttpRequest, round_id: UUID) -> Any:
    """For host staff: each of their opportunities in the round with the students who ranked
    it and the host's current ranking."""
    match_round = _round(request, round_id)
    if not can_rank_as_partner(request.user, match_round):
        raise PermissionDenied
    return [_queue_out(q, match_round) for q in selectors.partner_queues(request.user, match_round)]


@router.get(
    "/{round_id}/partner-rankings/{opportunity_id}",
    response=PartnerRankingOut,
    url_name="match_round_partner_ranking",
)
def partner_ranking(request: HttpRequest, round_id: UUID, opportunity_id: UUID) -> Any:
    match_round = _round(request, round_id)
    return _queue_out(_queue(request, match_round, opportunity_id), match_round)


@router.put(
    "/{round_id}/partner-rankings/{opportunity_id}",
    response=PartnerRankingOut,
    url_name="match_round_partner_ranking_put",
)
def partner_ranking_put(
    request: HttpRequest, round_id: UUID, opportunity_id: UUID, payload: PartnerRankingIn
) -> Any:
    """Replace the host's ranking for one opportunity (ordered student ids, best first).
    Students left out are not acceptable to the host."""
    match_round = _round(request, round_id)
    queue = _queue(request, match_round, opportunity_id)
    by_id = {u.public_id: u for u in queue.applicants}
    unknown = [str(u) for u in payload.students if u not in by_id]
    if unknown:
        raise DomainError(
            _("Only students who ranked this opportunity can be ranked."),
            fields={"students": [_("Did not rank it: %(list)s") % {"list": ", ".join(unknown)}]},
        )
    services.partner_ranking_set(
        actor=request.user,
        match_round=match_round,
        opportunity=queue.opportunity,
        students=[by_id[u] for u in payload.students],
    )
    return _queue_out(_queue(request, match_round, opportunity_id), match_round)
