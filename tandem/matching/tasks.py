"""Background work for match rounds and mentor programs.

Enqueued from ``transaction.on_commit`` by the services: computing a round's match or a
program's pairs, and the e-mails sent when either is published. Logs carry public ids and
counts only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django_tasks import task

from tandem.core.email import recipient_language, send_text_email
from tandem.core.links import absolute_url
from tandem.organizations.models import Membership

from .models import MatchResult, MatchRound, MentorPair, MentorProgram

if TYPE_CHECKING:
    from tandem.accounts.models import User


logger = logging.getLogger(__name__)

HOST_NOTIFIED_ROLES = ("recruiter", "supervisor")


def _reachable(user: User) -> bool:
    return bool(user.is_active and user.email and getattr(user, "erased_at", None) is None)


def _send(to: Any, template: str, context: dict[str, Any]) -> None:
    send_text_email(
        to=to.email,
        subject_template=f"matching/email/{template}_subject.txt",
        body_template=f"matching/email/{template}_body.txt",
        context={**context, "recipient": to},
        language=recipient_language(to),
    )


def _url(name: str, public_id: Any) -> str:
    return absolute_url(reverse(name, kwargs={"public_id": public_id}))


@task()
def run_match_round(round_id: int) -> str:
    """Compute a round's match (see :func:`tandem.matching.services.round_compute`)."""
    from .services import round_compute

    match_round = round_compute(match_round_id=round_id)
    status = match_round.status if match_round else "missing"
    logger.info("match round %s computed: %s", getattr(match_round, "public_id", "-"), status)
    return str(status)


@task()
def notify_round_published(round_id: int) -> int:
    """E-mail every student of a published round their result, and each host's recruiters
    and supervisors the students placed with them. Returns the number of messages sent."""
    match_round = MatchRound.objects.select_related("institution").filter(pk=round_id).first()
    if match_round is None:
        return 0
    url = _url("matching:round_detail", match_round.public_id)
    sent = 0
    results = list(
        MatchResult.objects.filter(round=match_round)
        .select_related("student", "opportunity__host")
        .order_by("student_id")
    )
    for result in results:
        if _reachable(result.student):
            _send(
                result.student,
                "student_result",
                {"round": match_round, "result": result, "url": url},
            )
            sent += 1
    by_host: dict[int, list[MatchResult]] = {}
    for result in results:
        if result.opportunity is not None:
            by_host.setdefault(result.opportunity.host_id, []).append(result)
    for host_id, placed in sorted(by_host.items()):
        staff = (
            Membership.objects.filter(
                organization_id=host_id, role__in=HOST_NOTIFIED_ROLES, is_active=True
            )
            .select_related("user")
            .order_by("user_id")
        )
        seen: set[int] = set()
        for membership in staff:
            if membership.user_id in seen or not _reachable(membership.user):
                continue
            seen.add(membership.user_id)
            _send(
                membership.user,
                "host_result",
                {"round": match_round, "placed": placed, "url": url},
            )
            sent += 1
    logger.info("match round %s published: %d messages", match_round.public_id, sent)
    return sent


@task()
def run_mentor_program(program_id: int) -> str:
    """Compute a program's pairs (see :func:`tandem.matching.services.program_compute`)."""
    from .services import program_compute

    program = program_compute(program_id=program_id)
    return str(program.status if program else "missing")


@task()
def notify_program_published(program_id: int) -> int:
    """E-mail both sides of every pair of a published mentor program."""
    program = MentorProgram.objects.filter(pk=program_id).first()
    if program is None:
        return 0
    url = _url("matching:program_detail", program.public_id)
    sent = 0
    pairs = MentorPair.objects.filter(program=program).select_related(
        "mentor__membership__user", "mentee__student"
    )
    for pair in pairs:
        mentor, mentee = pair.mentor.membership.user, pair.mentee.student
        if _reachable(mentee):
            _send(
                mentee,
                "mentee_pair",
                {"program": program, "pair": pair, "other": mentor, "url": url},
            )
            sent += 1
        if _reachable(mentor):
            _send(
                mentor,
                "mentor_pair",
                {"program": program, "pair": pair, "other": mentee, "url": url},
            )
            sent += 1
    return sent
