"""Running a round (the stable-matching engine, in a background task) and publishing its
matches as placements through the applications app's one placement rule."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.applications.models import Application
from tandem.applications.services import (
    application_place,
    application_placements_record,
)
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, PermissionDeniedError

from ... import selectors
from ...engine import explain, match_stats, solve_stable
from ...engine import verify as engine_verify
from ...models import (
    MatchResult,
    MatchRound,
    RoundStatus,
)
from ...permissions import can_manage_round
from .lifecycle import (
    STALE_RUN,
    _lock,
    _orgs,
    _sync,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


logger = logging.getLogger(__name__)


# --- Rounds: running ----------------------------------------------------------------------
@transaction.atomic
def round_run(*, actor: User | AnonymousUser, match_round: MatchRound) -> MatchRound:
    """Start the match: ranking closed (or open with the partner deadline passed) → running;
    :func:`tandem.matching.tasks.run_match_round` computes it after commit. Running again
    from "result under review" recomputes it."""
    if not can_manage_round(actor, match_round):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))
    locked = _lock(match_round)
    now = timezone.now()
    ok = (
        locked.status in (RoundStatus.RANKING_CLOSED, RoundStatus.MATCHED)
        or (locked.status == RoundStatus.OPEN and now >= locked.partner_deadline)
        # A run whose worker died leaves the round "running": it may be restarted later.
        or (locked.status == RoundStatus.RUNNING and now - locked.updated_at >= STALE_RUN)
    )
    if not ok:
        raise ConflictError(
            _("Close ranking before running the match (the round is “%(status)s”).")
            % {"status": locked.get_status_display()},
            code="bad_status",
        )
    before = locked.status
    locked.status = RoundStatus.RUNNING
    locked.run_message = ""
    locked.save(update_fields=["status", "run_message", "updated_at"])
    audit_record(
        actor=actor,
        action="match_round.run",
        target=locked,
        organizations=[locked.institution_id],
        changes={"status": [before, RoundStatus.RUNNING.value]},
    )
    from ...tasks import run_match_round

    transaction.on_commit(partial(run_match_round.enqueue, round_id=locked.pk))
    _sync(match_round, locked)
    return locked


@transaction.atomic
def round_compute(*, match_round_id: int) -> MatchRound | None:
    """The background step: build the market, solve, verify, explain, store results and
    statistics; running → matched. A failure leaves the round "ranking closed" with a
    message for the coordinator."""
    locked = MatchRound.objects.select_for_update().filter(pk=match_round_id).first()
    if locked is None or locked.status != RoundStatus.RUNNING:
        return locked
    market, users, opps = selectors.build_market(locked)
    try:
        result = solve_stable(market, proposing=locked.proposing, seed=locked.seed)  # type: ignore[arg-type]
        check = engine_verify(market, result.assignments)
        if not check.is_stable:
            raise ValueError("the checker found the matching unstable")
    except ValueError as exc:  # MarketError is a ValueError
        logger.warning("match round %s failed: %s", locked.public_id, exc)
        locked.status = RoundStatus.RANKING_CLOSED
        locked.run_message = str(exc)
        locked.save(update_fields=["status", "run_message", "updated_at"])
        return locked
    explanations = explain(market, result.assignments)
    stats: dict[str, Any] = dict(match_stats(market, result.assignments))
    filled: dict[str, int] = {pid: 0 for pid in opps}
    for pid in result.assignments.values():
        if pid is not None:
            filled[pid] += 1
    stats["per_opportunity"] = [
        {
            "id": pl.id,
            "title": opps[pl.id].title,
            "host": opps[pl.id].host.name,
            "capacity": pl.capacity,
            "filled": filled[pl.id],
            "unfilled": pl.capacity - filled[pl.id],
        }
        for pl in market.placements
    ]
    stats["stable"] = True
    stats["seed"] = locked.seed
    stats["proposing"] = locked.proposing
    locked.results.all().delete()
    MatchResult.objects.bulk_create(
        MatchResult(
            round=locked,
            student=users[sid],
            opportunity=opps[pid] if pid else None,
            rank=_human_rank(explanations[sid].rank),
            explanation={
                "placement": pid,
                "rank": _human_rank(explanations[sid].rank),
                "reasons": [
                    {"placement": r.placement, "code": r.code, "text": r.text}
                    for r in explanations[sid].reasons
                ],
                "open_seats": dict(explanations[sid].open_seats),
            },
        )
        for sid, pid in result.assignments.items()
    )
    locked.stats = stats
    locked.status = RoundStatus.MATCHED
    locked.matched_at = timezone.now()
    locked.save(update_fields=["stats", "status", "matched_at", "updated_at"])
    audit_record(
        actor=None,
        action="match_round.matched",
        target=locked,
        organizations=[locked.institution_id],
        changes={"matched": stats["matched"], "students": stats["students"]},
    )
    return locked


def _human_rank(rank: int | None) -> int | None:
    """The engine counts from 0; people count from 1 (first choice)."""
    return None if rank is None else rank + 1


# --- Rounds: publishing -------------------------------------------------------------------
def _place(
    *,
    actor: User | AnonymousUser,
    match_round: MatchRound,
    result: MatchResult,
    partnerships: set[int],
) -> Application:
    """The system placement path (see the module docstring): the applications app's one
    placement rule, with the round's note and without the per-application e-mails (the
    round's own e-mails follow publication)."""
    assert result.opportunity is not None
    note = _("Placed by match round “%(title)s”.") % {"title": match_round.title}
    try:
        return application_place(
            actor=actor,
            opportunity=result.opportunity,
            student=result.student,
            institution=match_round.institution,
            note=note,
            audit_context={"match_round": str(match_round.public_id)},
            notify=False,
            placements_batch=partnerships,
        )
    except ConflictError as exc:
        if exc.code != "seats_full":
            raise
        raise ConflictError(
            _(
                "“%(title)s” has no seat left: seats were taken after the match ran. Run the "
                "match again."
            )
            % {"title": result.opportunity.title},
            code="seats_full",
        ) from None


@transaction.atomic
def round_publish(*, actor: User | AnonymousUser, match_round: MatchRound) -> MatchRound:
    """Result under review → published: every match becomes an accepted application (a
    placement), the partnerships' placements KPIs are recorded, and students and host staff
    are e-mailed after commit. All or nothing: a seat taken since the run refuses it."""
    if not can_manage_round(actor, match_round):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))
    locked = _lock(match_round)
    if locked.status != RoundStatus.MATCHED:
        raise ConflictError(
            _("Only a computed result can be published (the round is “%(status)s”).")
            % {"status": locked.get_status_display()},
            code="bad_status",
        )
    partnerships: set[int] = set()
    results = list(
        locked.results.filter(opportunity__isnull=False)
        .select_related("opportunity", "student")
        .order_by("opportunity_id", "student_id")
    )
    for result in results:
        application = _place(
            actor=actor, match_round=locked, result=result, partnerships=partnerships
        )
        result.application = application
        result.save(update_fields=["application", "updated_at"])
    application_placements_record(actor=actor, partnership_ids=partnerships)
    locked.status = RoundStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="match_round.published",
        target=locked,
        organizations=_orgs(locked),
        changes={"placements": len(results)},
    )
    from ...tasks import notify_round_published

    notify_round_published(locked)
    _sync(match_round, locked)
    return locked
