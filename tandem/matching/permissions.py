"""Who may do what in match rounds and mentor programs. Everything fails closed.

- **coordinators** of a round's institution open, edit, run, review, publish and cancel it;
- **students** of that institution (active student membership) see an open round and rank
  its opportunities before the student deadline; they see their own result once published;
- **host staff** (recruiters and supervisors of an opportunity's host) rank the students who
  ranked that opportunity, before the partner deadline;
- mentor programs: coordinators of the institution manage them; participants (a mentor or
  mentee with a profile) see their own profile and, once published, their own pairs;
  applicants (and nominees) see the program and their own application. Who may apply is
  the program's eligibility: students of the institution (of the chosen programmes and
  years) as mentees; as mentors, per ``mentor_source``, staff (mentors, recruiters,
  supervisors) of the institution's partners in a partnership that has not concluded, the
  institution's own educators and coordinators, or nobody (invited only: nominations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.opportunities.models import Opportunity
from tandem.opportunities.permissions import is_eligible, student_memberships
from tandem.organizations.models import Role
from tandem.organizations.permissions import (
    MembershipRow,
    coordinator_institution_ids,
    is_platform_admin,
    membership_rows,
    partner_staff_org_ids,
    student_institution_ids,
)
from tandem.partnerships.models import Partnership, PartnershipStatus

from .models import (
    ApplicationStatus,
    MatchRound,
    MentorProgram,
    MentorSource,
    ProgramApplication,
    ProgramStatus,
    RoundStatus,
)

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
    return {m.pk for m in membership_rows(user) if m.role == Role.MENTOR}


def is_program_participant(user: User | AnonymousUser, program: MentorProgram) -> bool:
    if not _auth(user):
        return False
    return (
        program.mentees.filter(student_id=user.pk).exists()
        or program.mentors.filter(
            membership__user_id=user.pk or 0, membership__is_active=True
        ).exists()
    )


def is_program_applicant(user: User | AnonymousUser, program: MentorProgram) -> bool:
    """Has applied or was nominated (whatever the decision)."""
    return _auth(user) and program.applications.filter(user_id=user.pk or 0).exists()


def can_view_program(user: User | AnonymousUser, program: MentorProgram) -> bool:
    return (
        is_platform_admin(user)
        or can_manage_program(user, program)
        or is_program_participant(user, program)
        or is_program_applicant(user, program)
        or (
            # while it accepts applications: the institution's students (so that one who is
            # not eligible is told why) and everyone who may apply
            program.status == ProgramStatus.OPEN
            and (
                program.institution_id in student_institution_ids(user)
                or bool(program_application_kinds(user, program))
            )
        )
    )


# --- Mentor programs: eligibility ---------------------------------------------------------
MENTOR_PARTNER_ROLES = frozenset({Role.MENTOR, Role.RECRUITER, Role.SUPERVISOR})
MENTOR_INSTITUTION_ROLES = frozenset({Role.EDUCATOR, Role.COORDINATOR})


def partner_ids_of_institution(institution_id: int) -> set[int]:
    """Partners in a partnership (not concluded) with the institution."""
    return set(
        Partnership.objects.filter(institutions=institution_id)
        .exclude(status=PartnershipStatus.CONCLUDED)
        .values_list("partners", flat=True)
    ) - {None}


def mentee_membership_for(
    user: User | AnonymousUser, program: MentorProgram
) -> MembershipRow | None:
    """The user's student membership that makes them eligible as a mentee, or None."""
    for row in membership_rows(user):
        if (
            row.role == Role.STUDENT
            and row.organization_id == program.institution_id
            and is_eligible(
                eligible_programs=program.mentee_programmes,
                min_year=program.mentee_min_year,
                max_year=program.mentee_max_year,
                program=row.program,
                year_of_study=row.year_of_study,
            )
        ):
            return row
    return None


def mentor_membership_for(
    user: User | AnonymousUser, program: MentorProgram, *, nominated: bool = False
) -> MembershipRow | None:
    """The membership through which the user may mentor in the program, or None.

    ``nominated``: a coordinator's nomination admits any active mentor, partner staff or
    institution staff membership whatever ``mentor_source`` says."""
    rows = membership_rows(user)
    source = program.mentor_source
    if nominated:
        return next(
            (
                r
                for r in rows
                if r.role in MENTOR_PARTNER_ROLES
                or (
                    r.role in MENTOR_INSTITUTION_ROLES
                    and r.organization_id == program.institution_id
                )
            ),
            None,
        )
    if source in (MentorSource.INSTITUTION, MentorSource.BOTH):
        for r in rows:
            if r.role in MENTOR_INSTITUTION_ROLES and r.organization_id == program.institution_id:
                return r
    if source in (MentorSource.PARTNERS, MentorSource.BOTH):
        candidates = [r for r in rows if r.role in MENTOR_PARTNER_ROLES]
        if candidates:
            partners = partner_ids_of_institution(program.institution_id)
            # a mentor membership first: that is the role the person mentors in
            candidates.sort(key=lambda r: r.role != Role.MENTOR)
            for r in candidates:
                if r.organization_id in partners:
                    return r
    return None


def program_application_kinds(user: User | AnonymousUser, program: MentorProgram) -> list[str]:
    """As what the user may apply to the program ("mentee", "mentor"), ignoring the window
    and any earlier application. Programs in draft take no applications."""
    if not _auth(user) or program.status in (ProgramStatus.DRAFT, ProgramStatus.CLOSED):
        return []
    kinds = []
    if mentee_membership_for(user, program) is not None:
        kinds.append("mentee")
    if mentor_membership_for(user, program) is not None:
        kinds.append("mentor")
    return kinds


def application_window_open(program: MentorProgram) -> bool:
    """Accepting applications now: status "open" and within the window (if set)."""
    now = timezone.now()
    return (
        program.status == ProgramStatus.OPEN
        and (program.opens_at is None or program.opens_at <= now)
        and (program.closes_at is None or now < program.closes_at)
    )


def can_decide_application(user: User | AnonymousUser, application: ProgramApplication) -> bool:
    return can_manage_program(user, application.program)


def can_respond_to_nomination(user: User | AnonymousUser, application: ProgramApplication) -> bool:
    return (
        _auth(user)
        and application.user_id == user.pk
        and application.status == ApplicationStatus.NOMINATED
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
        | Q(mentors__membership__user=user, mentors__membership__is_active=True)
        | Q(applications__user=user)
    ).distinct()


__all__ = [
    "application_window_open",
    "can_create_program",
    "can_create_round",
    "can_decide_application",
    "can_manage_program",
    "can_manage_round",
    "can_rank_as_partner",
    "can_rank_as_student",
    "can_respond_to_nomination",
    "can_view_own_result",
    "can_view_program",
    "can_view_round",
    "mentee_membership_for",
    "mentor_membership_for",
    "program_application_kinds",
    "programs_visible_qs",
    "rounds_visible_qs",
    "staff_host_ids",
]
