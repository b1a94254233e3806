"""The application pipeline: :func:`application_move` (the one transition service; the table

of legal moves and who may make them is :data:`tandem.applications.permissions.TRANSITIONS`)
and :func:`application_place` (the one placement rule, used by the move to "accepted" and
by match-round publishing)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core import guards
from tandem.core.changes import PLACEMENTS_COMPLETED, announce
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity, OpportunityStatus
from tandem.opportunities.services import opportunity_mark_filled
from tandem.organizations.models import Organization
from tandem.partnerships.models import Partnership
from tandem.partnerships.services import kpi_record_metric

from ..models import (
    SEAT_HOLDING_STAGES,
    Application,
    Stage,
    StageChange,
)
from ..permissions import (
    allowed_parties,
    can_view_application,
    next_stages_for,
    parties_of,
)
from ..selectors import (
    placements_for_partnership,
    seats_taken,
)
from ..tasks import notify_stage_change

if TYPE_CHECKING:
    from tandem.accounts.models import User


logger = logging.getLogger(__name__)

NOTE_MAX_CHARS = 2000
PLACEMENTS_METRIC = "placements"


# --- Stage transitions ------------------------------------------------------------------------
def _stage_label(value: str) -> str:
    try:
        return str(Stage(value).label)
    except ValueError:
        return value


def application_stage_options(user: User | AnonymousUser, application: Application) -> list[Stage]:
    """The stages ``user`` may move ``application`` to next (for buttons in the UI)."""
    return next_stages_for(user, application)


@transaction.atomic
def application_move(
    *,
    actor: User | AnonymousUser,
    application: Application,
    to_stage: str,
    note: str = "",
    notify: bool = True,
) -> Application:
    """Move an application to ``to_stage``, if the move is in the table and ``actor`` is a
    party allowed to make it.

    ``application`` is the caller's view of it: if its stage is no longer the stored one
    (moved concurrently), the move is refused with :class:`ConflictError`.

    Accepting an offer takes a seat through :func:`application_place`: the opportunity row is
    locked (``SELECT … FOR UPDATE``; SQLite serializes writers with IMMEDIATE transactions),
    seat-holding applications are counted, and the move is refused with
    :class:`ConflictError` when all seats are taken. When the last seat fills the opportunity
    is marked filled; whenever the number of seat-holding applications changes, the
    partnership's ``placements`` KPI is recorded.
    Records a :class:`StageChange` and an audit event, and with ``notify`` (the default)
    e-mails the student (and the host's staff for the student's own moves) after commit.
    """
    try:
        target = Stage(to_stage)
    except ValueError:
        raise DomainError(
            _("Unknown stage."), fields={"to_stage": [_("Choose a valid stage.")]}
        ) from None
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise DomainError(
            _("The note is too long."),
            fields={"note": [_("At most %(n)d characters.") % {"n": NOTE_MAX_CHARS}]},
        )
    if not can_view_application(actor, application):
        raise PermissionDeniedError()

    # Lock in one order everywhere (opportunity, then application, then partnership) so that
    # concurrent moves queue instead of deadlocking.
    opportunity = Opportunity.objects.select_for_update().get(pk=application.opportunity_id)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    locked.opportunity = opportunity
    from_stage = locked.stage
    if application.stage != from_stage:
        # Someone moved it while the caller was deciding (a double click, two staff at
        # once): the caller chose from a stage that is gone. A conflict, not a bad request.
        raise ConflictError(
            _("This application was moved to “%(now)s” meanwhile; reload it and choose again.")
            % {"now": _stage_label(from_stage)},
            code="stale_stage",
        )

    who = allowed_parties(from_stage, target)
    if who is None:
        raise DomainError(
            _("An application cannot move from “%(from)s” to “%(to)s”.")
            % {"from": _stage_label(from_stage), "to": target.label},
            code="illegal_transition",
        )
    if not parties_of(actor, locked) & who:
        raise PermissionDeniedError(_("You may not move this application to that stage."))

    if target == Stage.ACCEPTED:
        # Taking a seat: the one placement rule (seat count, "filled", KPI).
        placed = application_place(
            actor=actor,
            opportunity=opportunity,
            student=locked.student,
            institution=locked.institution,
            note=note,
            notify=notify,
        )
        locked.stage = placed.stage
        locked.stage_changed_at = placed.stage_changed_at
        locked.updated_at = placed.updated_at
    else:
        if target == Stage.PLACED:
            # The placement starts: the apps that keep its preconditions (the student's
            # clearances) may refuse, with a message that says what is missing.
            guards.check(guards.PLACEMENT_START, actor=actor, application=locked)
        locked.stage = target
        locked.stage_changed_at = timezone.now()
        locked.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        _stage_changed(
            actor=actor,
            application=locked,
            opportunity=opportunity,
            from_stage=from_stage,
            target=target,
            note=note,
            institution_id=locked.institution_id,
            notify=notify,
        )
        if target == Stage.COMPLETED:
            # The student's skills profile gains the opportunity's skills (after commit).
            announce(PLACEMENTS_COMPLETED, ids=[locked.pk])
    # Keep the caller's instance in step with the database.
    application.stage = locked.stage
    application.stage_changed_at = locked.stage_changed_at
    application.updated_at = locked.updated_at
    return locked


@transaction.atomic
def application_place(
    *,
    actor: User | AnonymousUser,
    opportunity: Opportunity,
    student: User,
    institution: Organization,
    note: str = "",
    audit_context: Mapping[str, str] | None = None,
    notify: bool = True,
    placements_batch: set[int] | None = None,
) -> Application:
    """Place ``student`` on ``opportunity``: their application moves to "accepted" and takes
    a seat. The one placement rule, used by :func:`application_move` (a student accepts an
    offer) and by match-round publishing (the system placement path).

    The caller has decided that ``actor`` may place (the transition table, a round's
    coordinator). The opportunity row is locked (``SELECT … FOR UPDATE``; SQLite serializes
    writers with IMMEDIATE transactions) and its seat-holding applications counted; when all
    seats are taken the placement is refused with :class:`ConflictError` (code
    ``seats_full``). A student who already holds a seat on it keeps it: nothing changes.
    Without an application one is created through ``institution`` (``note`` as its
    statement), straight to "accepted".

    Records a :class:`StageChange` (with ``note``) and an ``application.stage_changed`` audit
    event for ``institution`` and the host (``audit_context`` is added to its changes), marks
    the opportunity filled when its last seat goes, and records the partnership's
    ``placements`` KPI — or, with ``placements_batch``, adds the partnership to it for the
    caller to record once with :func:`application_placements_record`. With ``notify`` the
    student (and the host's staff, when the student acted) are e-mailed after commit.
    """
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    application = (
        Application.objects.select_for_update()
        .filter(opportunity=opportunity, student=student)
        .first()
    )
    if application is not None and application.stage in SEAT_HOLDING_STAGES:
        return application
    taken = seats_taken(opportunity)
    if taken >= opportunity.seats:
        raise ConflictError(_("All seats are taken."), code="seats_full")

    if application is None:
        application = Application.objects.create(
            opportunity=opportunity,
            student=student,
            institution=institution,
            statement=note,
            stage=Stage.ACCEPTED,
        )
        from_stage = ""
    else:
        application.opportunity = opportunity
        from_stage = application.stage
        application.stage = Stage.ACCEPTED
        application.stage_changed_at = timezone.now()
        application.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    _stage_changed(
        actor=actor,
        application=application,
        opportunity=opportunity,
        from_stage=from_stage,
        target=Stage.ACCEPTED,
        note=note,
        institution_id=institution.pk,
        audit_context=audit_context,
        notify=notify,
        placements_batch=placements_batch,
        seats_taken_before=taken,
    )
    return application


def _stage_changed(
    *,
    actor: User | AnonymousUser | None,
    application: Application,
    opportunity: Opportunity,
    from_stage: str,
    target: Stage,
    note: str,
    institution_id: int,
    audit_context: Mapping[str, str] | None = None,
    notify: bool = True,
    placements_batch: set[int] | None = None,
    seats_taken_before: int = 0,
) -> None:
    """What follows every stage change: its history row, the audit event, the opportunity
    marked filled when an acceptance takes its last seat, the partnership's placements KPI
    when a seat was taken or freed, the log line and the e-mails."""
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
    change = StageChange.objects.create(
        application=application, from_stage=from_stage, to_stage=target, actor=actor, note=note
    )
    audit_record(
        actor=actor,
        action="application.stage_changed",
        target=application,
        organizations=[opportunity.host_id, institution_id],
        changes={"stage": [from_stage, target.value], **(audit_context or {})},
    )
    if (from_stage in SEAT_HOLDING_STAGES) != (target in SEAT_HOLDING_STAGES):
        if (
            target == Stage.ACCEPTED
            and seats_taken_before + 1 >= opportunity.seats
            and opportunity.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED)
        ):
            opportunity_mark_filled(actor=None, opportunity=opportunity)
        if placements_batch is None:
            _record_placements(opportunity, actor)
        elif opportunity.partnership_id is not None:
            placements_batch.add(opportunity.partnership_id)
    logger.info(
        "application %s moved %s -> %s", application.public_id, from_stage or "-", target.value
    )
    if notify:
        _notify_stage_change(
            application,
            from_stage,
            target,
            student_acted=application.student_id == getattr(actor, "pk", None),
            key=f"change:{change.pk}",
        )


@transaction.atomic
def application_placements_record(
    *, actor: User | AnonymousUser | None, partnership_ids: Iterable[int]
) -> None:
    """Record the ``placements`` KPI of each partnership (after a batch of placements made
    with ``placements_batch``), in id order. Each partnership row is locked so that
    concurrent moves on its opportunities record their counts in order."""
    for pk in sorted(set(partnership_ids)):
        partnership = Partnership.objects.select_for_update().get(pk=pk)
        kpi_record_metric(
            partnership=partnership,
            metric=PLACEMENTS_METRIC,
            value=placements_for_partnership(pk),
            actor=actor,
        )


def _record_placements(opportunity: Opportunity, actor: User | AnonymousUser | None) -> None:
    if opportunity.partnership_id is None:
        return
    application_placements_record(actor=actor, partnership_ids=[opportunity.partnership_id])


def _notify_stage_change(
    application: Application, from_stage: str, to_stage: str, *, student_acted: bool, key: str
) -> None:
    """The in-app notifications of a stage change, in this transaction; their e-mails are
    sent by the task queue after commit (tandem.notifications)."""
    notify_stage_change(
        application, str(from_stage), str(to_stage), student_acted=student_acted, key=key
    )
