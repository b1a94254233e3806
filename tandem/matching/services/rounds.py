"""Match rounds: open, rank, run, publish (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.applications.models import Application
from tandem.applications.services import (
    application_place,
    application_placements_record,
)
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization
from tandem.organizations.permissions import coordinator_institution_ids

from .. import selectors
from ..engine import explain, match_stats, solve_stable
from ..engine import verify as engine_verify
from ..models import (
    MatchResult,
    MatchRound,
    PartnerRanking,
    Proposing,
    RoundStatus,
    StudentRanking,
)
from ..permissions import (
    can_manage_round,
    can_rank_as_partner,
    can_rank_as_student,
    is_eligible_for,
    staff_host_ids,
)

logger = logging.getLogger(__name__)

TITLE_MAX = 200
RANK_LIST_MAX = 50
#: After this long a round still "running" is taken to have lost its worker.
STALE_RUN = dt.timedelta(minutes=10)


def _orgs(match_round: MatchRound) -> list[int]:
    return [
        match_round.institution_id,
        *sorted(selectors.round_opportunities(match_round).values_list("host_id", flat=True)),
    ]


def _lock(match_round: MatchRound) -> MatchRound:
    """Lock the round row and refresh the caller's instance from it."""
    locked = MatchRound.objects.select_for_update().get(pk=match_round.pk)
    match_round.status = locked.status
    return locked


def _sync(target: MatchRound, source: MatchRound) -> None:
    for f in ("status", "stats", "run_message", "matched_at", "published_at", "updated_at"):
        setattr(target, f, getattr(source, f))


# --- Rounds: lifecycle --------------------------------------------------------------------
def _validate_round_fields(
    *,
    institution: Organization,
    title: str,
    opportunities: Sequence[Opportunity],
    student_deadline: dt.datetime | None,
    partner_deadline: dt.datetime | None,
    seed: int,
    proposing: str,
) -> None:
    fields: dict[str, list[str]] = {}
    if not title.strip():
        fields["title"] = [_("Give the round a title.")]
    elif len(title) > TITLE_MAX:
        fields["title"] = [_("At most %(n)d characters.") % {"n": TITLE_MAX}]
    if not opportunities:
        fields["opportunities"] = [_("Choose at least one opportunity.")]
    else:
        eligible = set(
            selectors.eligible_round_opportunities(institution).values_list("pk", flat=True)
        )
        bad = [o.title for o in opportunities if o.pk not in eligible]
        if bad:
            fields["opportunities"] = [
                _("Only published opportunities approved for %(inst)s can be in a round: %(bad)s.")
                % {"inst": institution.name, "bad": ", ".join(bad)}
            ]
        if len({o.pk for o in opportunities}) != len(opportunities):
            fields.setdefault("opportunities", []).append(_("An opportunity is listed twice."))
    now = timezone.now()
    if student_deadline is None:
        fields["student_deadline"] = [_("Set the student ranking deadline.")]
    elif student_deadline <= now:
        fields["student_deadline"] = [_("The deadline must be in the future.")]
    if partner_deadline is None:
        fields["partner_deadline"] = [_("Set the partner ranking deadline.")]
    elif student_deadline is not None and partner_deadline < student_deadline:
        fields["partner_deadline"] = [
            _("Partners rank after students: this deadline cannot be before the students’.")
        ]
    if not 0 <= seed <= 2**31 - 1:
        fields["seed"] = [_("The seed is a whole number from 0 to 2147483647.")]
    if proposing not in Proposing.values:
        fields["proposing"] = [_("Choose students or placements.")]
    if fields:
        raise DomainError(_("Please correct the errors below."), fields=fields)


@transaction.atomic
def round_create(
    *,
    actor: Any,
    institution: Organization,
    title: str,
    opportunities: Sequence[Opportunity],
    student_deadline: dt.datetime | None,
    partner_deadline: dt.datetime | None,
    description: str = "",
    seed: int = 0,
    proposing: str = Proposing.STUDENTS,
) -> MatchRound:
    """A coordinator opens a draft round of their institution over published opportunities
    approved for it, with a student and a (later or equal) partner ranking deadline."""
    if not institution.is_institution or institution.pk not in coordinator_institution_ids(actor):
        raise PermissionDeniedError(_("Only the institution's coordinators can open a round."))
    title = (title or "").strip()
    _validate_round_fields(
        institution=institution,
        title=title,
        opportunities=opportunities,
        student_deadline=student_deadline,
        partner_deadline=partner_deadline,
        seed=seed,
        proposing=proposing,
    )
    assert student_deadline is not None and partner_deadline is not None
    match_round = MatchRound.objects.create(
        institution=institution,
        title=title,
        description=(description or "").strip(),
        student_deadline=student_deadline,
        partner_deadline=partner_deadline,
        seed=seed,
        proposing=proposing,
        created_by=actor,
    )
    match_round.opportunities.set(opportunities)
    audit_record(
        actor=actor,
        action="match_round.created",
        target=match_round,
        organizations=[institution.pk],
        changes={"title": title, "opportunities": len(opportunities)},
    )
    return match_round


def _transition(
    *, actor: Any, match_round: MatchRound, allowed: Sequence[str], to: str, action: str
) -> MatchRound:
    if not can_manage_round(actor, match_round):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))
    locked = _lock(match_round)
    if locked.status not in allowed:
        raise ConflictError(
            _("The round is “%(status)s”: this step is not possible now.")
            % {"status": locked.get_status_display()},
            code="bad_status",
        )
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        organizations=[locked.institution_id],
        changes={"status": [before, to]},
    )
    _sync(match_round, locked)
    return locked


@transaction.atomic
def round_open(*, actor: Any, match_round: MatchRound) -> MatchRound:
    """Draft → open for ranking (students and hosts can now rank)."""
    if match_round.student_deadline <= timezone.now():
        raise DomainError(
            _("The student deadline has passed: open a new round with later deadlines."),
            code="deadline",
        )
    return _transition(
        actor=actor,
        match_round=match_round,
        allowed=[RoundStatus.DRAFT],
        to=RoundStatus.OPEN,
        action="match_round.opened",
    )


@transaction.atomic
def round_close_ranking(*, actor: Any, match_round: MatchRound) -> MatchRound:
    """Open → ranking closed: no more changes to any rank list (also before the deadlines)."""
    return _transition(
        actor=actor,
        match_round=match_round,
        allowed=[RoundStatus.OPEN],
        to=RoundStatus.RANKING_CLOSED,
        action="match_round.ranking_closed",
    )


@transaction.atomic
def round_cancel(*, actor: Any, match_round: MatchRound) -> MatchRound:
    """Any state before publication → cancelled. Nothing is placed."""
    return _transition(
        actor=actor,
        match_round=match_round,
        allowed=[
            RoundStatus.DRAFT,
            RoundStatus.OPEN,
            RoundStatus.RANKING_CLOSED,
            RoundStatus.RUNNING,
            RoundStatus.MATCHED,
        ],
        to=RoundStatus.CANCELLED,
        action="match_round.cancelled",
    )


# --- Rounds: ranking ----------------------------------------------------------------------
def student_can_edit(match_round: MatchRound) -> bool:
    """Whether students may still change their lists (open and before their deadline)."""
    return match_round.status == RoundStatus.OPEN and timezone.now() < match_round.student_deadline


def partner_can_edit(match_round: MatchRound) -> bool:
    """Whether host staff may still change their rankings."""
    return match_round.status == RoundStatus.OPEN and timezone.now() < match_round.partner_deadline


def _ranking_open(match_round: MatchRound, deadline: dt.datetime, who: str) -> None:
    if match_round.status != RoundStatus.OPEN:
        raise ConflictError(
            _("Ranking is closed for this round (it is “%(status)s”).")
            % {"status": match_round.get_status_display()},
            code="ranking_closed",
        )
    if timezone.now() >= deadline:
        raise ConflictError(
            _("The %(who)s ranking deadline has passed.") % {"who": who}, code="deadline"
        )


@transaction.atomic
def student_ranking_set(
    *, actor: Any, match_round: MatchRound, opportunities: Sequence[Opportunity]
) -> list[Opportunity]:
    """Replace the actor's rank list in the round (first choice first). Only opportunities of
    the round, no duplicates, before the student deadline. An empty list withdraws."""
    if not can_rank_as_student(actor, match_round):
        raise PermissionDeniedError(_("Only students of the institution can rank in this round."))
    locked = _lock(match_round)
    _ranking_open(locked, locked.student_deadline, _("student"))
    in_round = set(locked.opportunities.values_list("pk", flat=True))
    if len(opportunities) > RANK_LIST_MAX:
        raise DomainError(
            _("Rank at most %(n)d opportunities.") % {"n": RANK_LIST_MAX},
            fields={"opportunities": [_("Too many entries.")]},
        )
    if any(o.pk not in in_round for o in opportunities):
        raise DomainError(
            _("Only opportunities of this round can be ranked."),
            fields={"opportunities": [_("An opportunity is not in this round.")]},
        )
    ineligible = [o.title for o in opportunities if not is_eligible_for(actor, locked, o)]
    if ineligible:
        raise DomainError(
            _("Your program or year of study does not fit: %(list)s.")
            % {"list": ", ".join(ineligible)},
            fields={"opportunities": [_("You are not eligible for an opportunity.")]},
        )
    if len({o.pk for o in opportunities}) != len(opportunities):
        raise DomainError(
            _("Each opportunity can appear only once in your list."),
            fields={"opportunities": [_("An opportunity is listed twice.")]},
        )
    StudentRanking.objects.filter(round=locked, student=actor).delete()
    StudentRanking.objects.bulk_create(
        StudentRanking(round=locked, student=actor, opportunity=o, position=i)
        for i, o in enumerate(opportunities, start=1)
    )
    if not opportunities:
        # A student who withdraws from the round leaves every host's ranking too.
        PartnerRanking.objects.filter(round=locked, student=actor).delete()
    else:
        PartnerRanking.objects.filter(round=locked, student=actor).exclude(
            opportunity__in=list(opportunities)
        ).delete()
    audit_record(
        actor=actor,
        action="match_round.student_ranked",
        target=locked,
        organizations=[locked.institution_id],
        changes={"entries": len(opportunities)},
    )
    return list(opportunities)


@transaction.atomic
def student_ranking_move(
    *, actor: Any, match_round: MatchRound, opportunity: Opportunity, direction: str
) -> list[Opportunity]:
    """Move one entry of the actor's list one place up or down (the UI's arrow buttons)."""
    current = selectors.student_rank_list(match_round, actor)
    ids = [o.pk for o in current]
    if opportunity.pk not in ids or direction not in ("up", "down"):
        raise DomainError(_("That entry is not in your list."), code="not_in_list")
    i = ids.index(opportunity.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(current):
        current[i], current[j] = current[j], current[i]
    return student_ranking_set(actor=actor, match_round=match_round, opportunities=current)


@transaction.atomic
def partner_ranking_set(
    *, actor: Any, match_round: MatchRound, opportunity: Opportunity, students: Sequence[Any]
) -> list[Any]:
    """Replace the host's ranking of the students who ranked ``opportunity``: only students
    who ranked it, no duplicates, by its host's recruiters or supervisors, before the partner
    deadline. Students left out are not acceptable to the host."""
    if not can_rank_as_partner(actor, match_round) or opportunity.host_id not in staff_host_ids(
        actor, match_round
    ):
        raise PermissionDeniedError(_("Only the host's staff can rank for this opportunity."))
    locked = _lock(match_round)
    if not locked.opportunities.filter(pk=opportunity.pk).exists():
        raise DomainError(_("This opportunity is not in the round."), code="not_in_round")
    _ranking_open(locked, locked.partner_deadline, _("partner"))
    applicants = set(
        StudentRanking.objects.filter(round=locked, opportunity=opportunity).values_list(
            "student_id", flat=True
        )
    )
    if any(s.pk not in applicants for s in students):
        raise DomainError(
            _("Only students who ranked this opportunity can be ranked."),
            fields={"students": [_("A student did not rank this opportunity.")]},
        )
    if len({s.pk for s in students}) != len(students):
        raise DomainError(
            _("Each student can appear only once."),
            fields={"students": [_("A student is listed twice.")]},
        )
    PartnerRanking.objects.filter(round=locked, opportunity=opportunity).delete()
    PartnerRanking.objects.bulk_create(
        PartnerRanking(
            round=locked, opportunity=opportunity, student=s, position=i, ranked_by=actor
        )
        for i, s in enumerate(students, start=1)
    )
    audit_record(
        actor=actor,
        action="match_round.partner_ranked",
        target=locked,
        organizations=[locked.institution_id, opportunity.host_id],
        changes={"opportunity": str(opportunity.public_id), "entries": len(students)},
    )
    return list(students)


# --- Rounds: running ----------------------------------------------------------------------
@transaction.atomic
def round_run(*, actor: Any, match_round: MatchRound) -> MatchRound:
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
    from ..tasks import run_match_round

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
    *, actor: Any, match_round: MatchRound, result: MatchResult, partnerships: set[int]
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
def round_publish(*, actor: Any, match_round: MatchRound) -> MatchRound:
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
    from ..tasks import notify_round_published

    transaction.on_commit(partial(notify_round_published.enqueue, round_id=locked.pk))
    _sync(match_round, locked)
    return locked
