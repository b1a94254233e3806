"""Who may do what in match rounds and mentor programs. Everything fails closed.

- **coordinators** of a round's institution open, edit, run, review, publish and cancel it;
- **students** of that institution (active student membership) see an open round and rank
  its opportunities before the student deadline; they see their own result once published;
- **host staff** (recruiters and supervisors of an opportunity's host) rank the students who
  ranked that opportunity, before the partner deadline;
- mentor programs: coordinators of the institution manage them; participants (a mentor or
  mentee with a profile) see their own profile and, once published, their own pairs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from tandem.opportunities.models import Opportunity
from tandem.opportunities.permissions import is_eligible, student_memberships
from tandem.organizations.models import Role
from tandem.organizations.permissions import (
    coordinator_institution_ids,
    is_platform_admin,
    partner_staff_org_ids,
    student_institution_ids,
)

from .models import MatchRound, MentorProgram, RoundStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


#: Rounds students and partners can see at all (not drafts).
VISIBLE_TO_PARTICIPANTS = (
    RoundStatus.OPEN,
    RoundStatus.RANKING_CLOSED,
    RoundStatus.RUNNING,
    RoundStatus.MATCHED,
    RoundStatus.PUBLISHED,
)


def _auth(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_round_coordinator(user: User | AnonymousUser, match_round: MatchRound) -> bool:
    return _auth(user) and match_round.institution_id in coordinator_institution_ids(user)


def is_round_student(user: User | AnonymousUser, match_round: MatchRound) -> bool:
    return (
        _auth(user)
        and match_round.institution_id in student_institution_ids(user)
        and match_round.status in VISIBLE_TO_PARTICIPANTS
    )


def host_ids_of(match_round: MatchRound) -> set[int]:
    return set(match_round.opportunities.values_list("host_id", flat=True))


def staff_host_ids(user: User | AnonymousUser, match_round: MatchRound) -> set[int]:
    """Hosts in the round where ``user`` is recruiter or supervisor."""
    if not _auth(user) or match_round.status not in VISIBLE_TO_PARTICIPANTS:
        return set()
    return host_ids_of(match_round) & partner_staff_org_ids(user)


def is_round_partner(user: User | AnonymousUser, match_round: MatchRound) -> bool:
    return bool(staff_host_ids(user, match_round))


def can_create_round(user: User | AnonymousUser) -> bool:
    return bool(coordinator_institution_ids(user))


def can_view_round(user: User | AnonymousUser, match_round: MatchRound) -> bool:
    return (
        is_platform_admin(user)
        or is_round_coordinator(user, match_round)
        or is_round_student(user, match_round)
        or is_round_partner(user, match_round)
    )


def can_manage_round(user: User | AnonymousUser, match_round: MatchRound) -> bool:
    """Open, edit, run, review, publish, cancel."""
    return is_round_coordinator(user, match_round)


def can_rank_as_student(user: User | AnonymousUser, match_round: MatchRound) -> bool:
    return is_round_student(user, match_round)


def can_rank_as_partner(user: User | AnonymousUser, match_round: MatchRound) -> bool:
    return is_round_partner(user, match_round)


def is_eligible_for(
    user: User | AnonymousUser, match_round: MatchRound, opportunity: Opportunity
) -> bool:
    """Whether the student's program and year (at the round's institution) fit the
    opportunity's criteria. The opportunity's own application deadline does not apply: the
    round has its own."""
    return any(
        is_eligible(
            eligible_programs=opportunity.eligible_programs,
            min_year=opportunity.min_year_of_study,
            max_year=opportunity.max_year_of_study,
            program=program,
            year_of_study=year,
        )
        for inst_id, program, year in student_memberships(user)
        if inst_id == match_round.institution_id
    )


def can_view_own_result(user: User | AnonymousUser, match_round: MatchRound) -> bool:
    return is_round_student(user, match_round) and match_round.status == RoundStatus.PUBLISHED


def rounds_visible_qs(user: User | AnonymousUser) -> QuerySet[MatchRound]:
    """Rounds ``user`` may see (restrictor): coordinators all of their institution's; students
    and partner staff non-draft rounds they take part in."""
    if not _auth(user):
        return MatchRound.objects.none()
    if is_platform_admin(user):
        return MatchRound.objects.all()
    cond = Q(pk__in=[])
    coord = coordinator_institution_ids(user)
    if coord:
        cond |= Q(institution_id__in=coord)
    students = student_institution_ids(user)
    if students:
        cond |= Q(institution_id__in=students, status__in=VISIBLE_TO_PARTICIPANTS)
    staff = partner_staff_org_ids(user)
    if staff:
        cond |= Q(opportunities__host_id__in=staff, status__in=VISIBLE_TO_PARTICIPANTS)
    return MatchRound.objects.filter(cond).distinct()


# --- Mentor programs ----------------------------------------------------------------------
def can_manage_program(user: User | AnonymousUser, program: MentorProgram) -> bool:
    return _auth(user) and program.institution_id in coordinator_institution_ids(user)


def mentor_membership_ids(user: User | AnonymousUser) -> set[int]:
    if not _auth(user):
        return set()
    from tandem.organizations.permissions import membership_rows

    return {m.pk for m in membership_rows(user) if m.role == Role.MENTOR}


def is_program_participant(user: User | AnonymousUser, program: MentorProgram) -> bool:
    if not _auth(user):
        return False
    return (
        program.mentees.filter(student_id=user.pk).exists()
        or program.mentors.filter(membership_id__in=mentor_membership_ids(user)).exists()
    )


def can_view_program(user: User | AnonymousUser, program: MentorProgram) -> bool:
    return (
        is_platform_admin(user)
        or can_manage_program(user, program)
        or is_program_participant(user, program)
    )


def can_create_program(user: User | AnonymousUser) -> bool:
    return bool(coordinator_institution_ids(user))


def programs_visible_qs(user: User | AnonymousUser) -> QuerySet[MentorProgram]:
    if not _auth(user):
        return MentorProgram.objects.none()
    if is_platform_admin(user):
        return MentorProgram.objects.all()
    return MentorProgram.objects.filter(
        Q(institution_id__in=coordinator_institution_ids(user))
        | Q(mentees__student=user)
        | Q(mentors__membership_id__in=mentor_membership_ids(user))
    ).distinct()


__all__ = [
    "can_create_program",
    "can_create_round",
    "can_manage_program",
    "can_manage_round",
    "can_rank_as_partner",
    "can_rank_as_student",
    "can_view_own_result",
    "can_view_program",
    "can_view_round",
    "programs_visible_qs",
    "rounds_visible_qs",
    "staff_host_ids",
]
