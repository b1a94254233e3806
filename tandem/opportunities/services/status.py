"""A published posting's lifecycle: closed, reopened, filled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import DomainError, PermissionDeniedError

from ..models import (
    ApprovalStatus,
    Opportunity,
)
from ..permissions import can_edit_opportunity
from .fields import (
    S,
    _audit,
    _illegal,
    _lock,
    _sync,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


def _transition(
    *,
    actor: User | AnonymousUser | None,
    opportunity: Opportunity,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    verb: str,
    system_ok: bool = True,
) -> Opportunity:
    if actor is None:
        if not system_ok:
            raise PermissionDeniedError()
    elif not can_edit_opportunity(actor, opportunity):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status not in allowed_from:
        raise _illegal(opp, verb)
    before = opp.status
    opp.status = to
    opp.save(update_fields=["status", "updated_at"])
    _audit(actor, action, opp, {"status": [before, to]})
    _sync(opportunity, opp)
    return opp


@transaction.atomic
def opportunity_close(
    *, actor: User | AnonymousUser | None, opportunity: Opportunity
) -> Opportunity:
    """Stop taking applications: published or awaiting approval → closed. The host's staff,
    or the system (``actor=None``)."""
    return _transition(
        actor=actor,
        opportunity=opportunity,
        allowed_from=(S.PUBLISHED, S.AWAITING_APPROVAL),
        to=S.CLOSED,
        action="opportunity.close",
        verb=_("closed"),
    )


@transaction.atomic
def opportunity_reopen(*, actor: User | AnonymousUser, opportunity: Opportunity) -> Opportunity:
    """Take applications again: closed or filled → published when an institution has
    approved it (otherwise back to awaiting approval). The deadline must lie ahead."""
    if actor is not None and not can_edit_opportunity(actor, opportunity):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status not in (S.CLOSED, S.FILLED):
        raise _illegal(opp, _("reopened"))
    if opp.application_deadline is not None and opp.application_deadline <= timezone.now():
        raise DomainError(
            _("The application deadline has passed: move it before reopening."),
            fields={"application_deadline": [_("The deadline has passed.")]},
        )
    statuses = set(opp.approvals.values_list("status", flat=True))
    if ApprovalStatus.APPROVED in statuses:
        target = S.PUBLISHED
    elif ApprovalStatus.PENDING in statuses:
        target = S.AWAITING_APPROVAL
    else:
        raise DomainError(
            _("No institution has approved this posting: submit it again instead."),
            code="illegal_transition",
        )
    return _transition(
        actor=actor,
        opportunity=opportunity,
        allowed_from=(S.CLOSED, S.FILLED),
        to=target,
        action="opportunity.reopen",
        verb=_("reopened"),
    )


@transaction.atomic
def opportunity_mark_filled(
    *, actor: User | AnonymousUser | None, opportunity: Opportunity
) -> Opportunity:
    """Every seat is taken: published or closed → filled. Called by the applications service
    with ``actor=None`` when the last seat is accepted, or by the host's staff."""
    return _transition(
        actor=actor,
        opportunity=opportunity,
        allowed_from=(S.PUBLISHED, S.CLOSED),
        to=S.FILLED,
        action="opportunity.fill",
        verb=_("marked filled"),
    )
