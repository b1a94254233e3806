"""Rankings: students rank opportunities, hosts rank the students who ranked theirs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity

from ... import selectors
from ...models import (
    MatchRound,
    PartnerRanking,
    RoundStatus,
    StudentRanking,
)
from ...permissions import (
    can_rank_as_partner,
    can_rank_as_student,
    is_eligible_for,
    staff_host_ids,
)
from .lifecycle import (
    RANK_LIST_MAX,
    _lock,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User


logger = logging.getLogger(__name__)


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
    *, actor: User | AnonymousUser, match_round: MatchRound, opportunities: Sequence[Opportunity]
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
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
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
    *,
    actor: User | AnonymousUser,
    match_round: MatchRound,
    opportunity: Opportunity,
    direction: str,
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
    *,
    actor: User | AnonymousUser,
    match_round: MatchRound,
    opportunity: Opportunity,
    students: Sequence[Any],
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
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
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
