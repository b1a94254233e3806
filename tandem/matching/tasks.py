"""Background work for match rounds and mentor programs.

Enqueued from ``transaction.on_commit`` by the services: computing a round's match or a
program's pairs, and the e-mails sent when either is published. Logs carry public ids and
counts only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tandem.core.email import recipient_language, send_text_email
from tandem.core.links import absolute_url
from tandem.notifications.data import Kind, register_kind
from tandem.notifications.models import Notification
from tandem.notifications.services import notify
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


RESULT_KIND = "matching.result"
HOST_RESULT_KIND = "matching.host_result"


def _round_of(notification: Notification) -> MatchRound | None:
    return (
        MatchRound.objects.select_related("institution")
        .filter(public_id=notification.subject_id)
        .first()
    )


def result_email_context(notification: Notification) -> dict[str, Any] | None:
    """The student's result e-mail: their row of the round."""
    match_round = _round_of(notification)
    if match_round is None:
        return None
    result = (
        MatchResult.objects.filter(round=match_round, student_id=notification.recipient_id)
        .select_related("opportunity__host")
        .first()
    )
    if result is None:
        return None
    return {"round": match_round, "result": result, "url": absolute_url(notification.link)}


def host_result_email_context(notification: Notification) -> dict[str, Any] | None:
    """The host's e-mail: the students placed with it."""
    match_round = _round_of(notification)
    if match_round is None:
        return None
    placed = list(
        MatchResult.objects.filter(
            round=match_round, opportunity__host_id=notification.data.get("host")
        )
        .select_related("student", "opportunity")
        .order_by("student_id")
    )
    return {"round": match_round, "placed": placed, "url": absolute_url(notification.link)}


def register_kinds() -> None:
    from .services.intake import DECISION_KIND, NOMINATION_KIND

    register_kind(
        Kind(
            key=NOMINATION_KIND,
            label=_("Mentoring nominations"),
            description=_("A coordinator nominated you as a mentor or mentee in a program."),
            default="email",
        )
    )
    register_kind(
        Kind(
            key=DECISION_KIND,
            label=_("Mentoring applications"),
            description=_("Your application to a mentoring program was approved or declined."),
            default="email",
        )
    )
    register_kind(
        Kind(
            key=RESULT_KIND,
            label=_("Match results"),
            description=_("A match round you took part in published its results."),
            default="email",
            email_templates=(
                "matching/email/student_result_subject.txt",
                "matching/email/student_result_body.txt",
            ),
            email_context=result_email_context,
        )
    )
    register_kind(
        Kind(
            key=HOST_RESULT_KIND,
            label=_("Students placed with you"),
            description=_(
                "A match round placed students with your organization (recruiters and supervisors)."
            ),
            default="email",
            email_templates=(
                "matching/email/host_result_subject.txt",
                "matching/email/host_result_body.txt",
            ),
            email_context=host_result_email_context,
        )
    )


def notify_round_published(match_round: MatchRound) -> int:
    """Notify every student of a published round of their result, and each host's recruiters
    and supervisors of the students placed with them (in the caller's transaction; e-mails
    on commit, by preference). Returns the number of notifications written."""
    link = reverse("matching:round_detail", kwargs={"public_id": match_round.public_id})
    results = list(
        MatchResult.objects.filter(round=match_round)
        .select_related("opportunity")
        .order_by("student_id")
    )
    written = notify(
        recipients=[r.student_id for r in results],
        kind=RESULT_KIND,
        title=_("The match “%(round)s” is published: see your result"),
        params={"round": match_round.title},
        link=link,
        subject=match_round,
        dedupe_key=str(match_round.public_id),
    )
    by_host: dict[int, int] = {}
    for result in results:
        if result.opportunity is not None:
            by_host[result.opportunity.host_id] = by_host.get(result.opportunity.host_id, 0) + 1
    for host_id, count in sorted(by_host.items()):
        staff = Membership.objects.filter(
            organization_id=host_id, role__in=HOST_NOTIFIED_ROLES, is_active=True
        ).values_list("user_id", flat=True)
        written += notify(
            recipients=list(staff),
            kind=HOST_RESULT_KIND,
            title=_("The match “%(round)s” placed %(count)s students with you"),
            params={"round": match_round.title, "count": count},
            link=link,
            subject=match_round,
            data={"host": host_id},
            dedupe_key=f"{match_round.public_id}:{host_id}",
        )
    logger.info("match round %s published: %d notifications", match_round.public_id, written)
    return written


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
