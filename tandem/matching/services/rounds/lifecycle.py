"""A match round's lifecycle: created, opened for ranking, ranking closed, cancelled."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization
from tandem.organizations.permissions import coordinator_institution_ids

from ... import selectors
from ...models import (
    MatchRound,
    Proposing,
    RoundStatus,
)
from ...permissions import can_manage_round

if TYPE_CHECKING:
    from tandem.accounts.models import User


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
    actor: User | AnonymousUser,
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
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
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
    *,
    actor: User | AnonymousUser,
    match_round: MatchRound,
    allowed: Sequence[str],
    to: str,
    action: str,
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
def round_open(*, actor: User | AnonymousUser, match_round: MatchRound) -> MatchRound:
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
def round_close_ranking(*, actor: User | AnonymousUser, match_round: MatchRound) -> MatchRound:
    """Open → ranking closed: no more changes to any rank list (also before the deadlines)."""
    return _transition(
        actor=actor,
        match_round=match_round,
        allowed=[RoundStatus.OPEN],
        to=RoundStatus.RANKING_CLOSED,
        action="match_round.ranking_closed",
    )


@transaction.atomic
def round_cancel(*, actor: User | AnonymousUser, match_round: MatchRound) -> MatchRound:
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
