"""Who may do what with a published mentor pair. Everything fails closed.

- a pair's **members** (its mentor, through an active mentor membership, and its mentee) see
  their own pair's workspace and, while the pair is active, add and update goals, log and
  schedule sessions and ask for a rematch; once it has ended they write their closing
  reflection;
- the **coordinators** of the program's institution see every pair of the program (session
  dates and lengths, goals, notes only of sessions shared with them, rematch requests),
  close pairs and see the program's health;
- nobody else, platform admins included: a pair's workspace is private to the pair and its
  coordinators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from tandem.matching.models import MentorPair, MentorProgram
from tandem.matching.permissions import can_manage_program
from tandem.messaging.data import SubjectType
from tandem.organizations.permissions import coordinator_institution_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


def _auth(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_mentor_of(user: User | AnonymousUser, pair: MentorPair) -> bool:
    membership = pair.mentor.membership
    return _auth(user) and membership.user_id == user.pk and membership.is_active


def is_mentee_of(user: User | AnonymousUser, pair: MentorPair) -> bool:
    return _auth(user) and pair.mentee.student_id == user.pk


def is_pair_member(user: User | AnonymousUser, pair: MentorPair) -> bool:
    return is_mentor_of(user, pair) or is_mentee_of(user, pair)


def is_pair_coordinator(user: User | AnonymousUser, pair: MentorPair) -> bool:
    return _auth(user) and pair.program.institution_id in coordinator_institution_ids(user)


def is_published(pair: MentorPair) -> bool:
    return pair.program.status == "published"


def can_view_pair(user: User | AnonymousUser, pair: MentorPair) -> bool:
    return is_published(pair) and (is_pair_member(user, pair) or is_pair_coordinator(user, pair))


def can_work_in_pair(user: User | AnonymousUser, pair: MentorPair) -> bool:
    """Goals, sessions, scheduling, rematch requests: the members (the services also refuse
    an ended pair)."""
    return is_published(pair) and is_pair_member(user, pair)


def can_close_pair(user: User | AnonymousUser, pair: MentorPair) -> bool:
    return is_published(pair) and is_pair_coordinator(user, pair)


def can_see_session_notes(user: User | AnonymousUser, pair: MentorPair, shared: bool) -> bool:
    """Members always; coordinators only when a member shared the session with them."""
    return is_pair_member(user, pair) or (shared and is_pair_coordinator(user, pair))


def can_view_program_health(user: User | AnonymousUser, program: MentorProgram) -> bool:
    return can_manage_program(user, program)


def pairs_visible_qs(user: User | AnonymousUser) -> QuerySet[MentorPair]:
    """Published pairs ``user`` may open (restrictor): their own, and every pair of the
    programs they coordinate."""
    if not _auth(user):
        return MentorPair.objects.none()
    cond = Q(mentee__student_id=user.pk) | Q(
        mentor__membership__user_id=user.pk, mentor__membership__is_active=True
    )
    coord = coordinator_institution_ids(user)
    if coord:
        cond |= Q(program__institution_id__in=coord)
    return MentorPair.objects.filter(cond, program__status="published")


__all__ = [
    "can_close_pair",
    "can_see_session_notes",
    "can_view_pair",
    "can_view_program_health",
    "can_work_in_pair",
    "is_pair_coordinator",
    "is_pair_member",
    "pairs_visible_qs",
]


# --- Conversations about a pair (tandem.messaging's registry) --------------------------------
def _conversation_pair(public_id: str) -> MentorPair | None:
    """A published pair that has not ended (an ended pair's workspace is read-only)."""
    return (
        MentorPair.objects.filter(
            public_id=public_id, program__status="published", ending__isnull=True
        )
        .select_related("program", "mentee__student", "mentor__membership__user")
        .first()
    )


def pair_conversation_members(pair: MentorPair) -> set[int]:
    """The pair's two members (active accounts; the mentor through an active membership)."""
    members: set[int] = set()
    if pair.mentee.student.is_active:
        members.add(pair.mentee.student_id)
    membership = pair.mentor.membership
    if membership.is_active and membership.user.is_active:
        members.add(membership.user_id)
    return members


def conversation_subject() -> SubjectType:
    """A mentor pair as the subject of a conversation: between its mentor and mentee."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    return SubjectType(
        key="mentor_pair",
        label=gettext_lazy("mentoring pair"),
        resolve=_conversation_pair,
        members=pair_conversation_members,
        students=lambda p: {p.mentee.student_id},
        institutions=lambda p: {p.program.institution_id},
        partners=lambda p: (
            set()
            if p.mentor.membership.organization.is_institution
            else {p.mentor.membership.organization_id}
        ),
        title=lambda p: (
            f"{p.program.title}: {p.mentee.student.full_name} – "
            f"{p.mentor.membership.user.full_name}"
        ),
        link=lambda p: reverse("mentoring:pair", args=[p.public_id]),
    )
