"""Background work for mentoring: the daily "pair has gone quiet" nudge and check-in
surveys, and the kinds of notification this app sends.

:func:`send_quiet_nudges` runs daily (``tandem manage mentoring_nudges``, from cron or
``--enqueue`` for the worker). A published, active pair with no logged session for its
program's N days (default 21) is nudged once per quiet spell: both members, and after 2×N
days the program's coordinators. The dedupe key carries the pair and its last session, so a
repeated run nudges nobody twice and a new session starts a new spell. Logs carry counts only.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tandem.notifications.data import Kind, register_kind

from . import services

logger = logging.getLogger(__name__)


def register_kinds() -> None:
    for kind in (
        Kind(
            key=services.KIND_SESSION_PROPOSED,
            label=_("Mentoring sessions proposed"),
            description=_("Your mentor or mentee proposes a session (with a calendar invitation)."),
            default="email",
        ),
        Kind(
            key=services.KIND_SESSION_CHANGED,
            label=_("Mentoring sessions moved or cancelled"),
            description=_("A scheduled mentoring session is moved or cancelled."),
            default="email",
        ),
        Kind(
            key=services.KIND_REMATCH,
            label=_("Rematch requests"),
            description=_("A mentor or mentee of a program you coordinate asks for a rematch."),
            default="email",
        ),
        Kind(
            key=services.KIND_PAIR_ENDED,
            label=_("Mentoring pair ended"),
            description=_("Your mentoring pair has ended: write your closing reflection."),
            default="email",
        ),
        Kind(
            key=services.KIND_QUIET,
            label=_("Quiet mentoring pair"),
            description=_("Your mentoring pair has had no session for a while."),
            default="email",
        ),
        Kind(
            key=services.KIND_QUIET_COORDINATOR,
            label=_("Quiet mentoring pairs (coordinators)"),
            description=_("A pair of a program you coordinate has had no session for long."),
            default="in_app",
        ),
    ):
        register_kind(kind)


@task()
def send_quiet_nudges(now: str | None = None) -> int:
    """Nudge quiet pairs (see the module doc); returns the notifications written."""
    moment = dt.datetime.fromisoformat(now) if now else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    written = services.nudge_quiet_pairs(now=moment)
    logger.info("mentoring quiet nudges: %d notifications", written)
    return written


@task()
def send_checkin_surveys(today: str | None = None) -> int:
    """Invite pairs' members to the check-in surveys that are due (see
    :func:`services.send_checkins`); returns the invitations made."""
    day = dt.date.fromisoformat(today) if today else None
    made = services.send_checkins(today=day)
    logger.info("mentoring check-ins: %d invitations", made)
    return made
