"""Who may see, download and move an application.

Parties to an application (computed per application, from active memberships):

- **student**: the applicant;
- **host staff**: recruiters and supervisors of the opportunity's host organization;
- **host supervisor**: supervisors of the host organization;
- **coordinator**: career-office coordinators of the student's institution (the institution
  the application was made through).

Educators of the student's institution may *see* applications but not move them or read CVs.
Platform admins may see everything (read-only in the UI). Everything fails closed.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from tandem.messaging.data import SubjectType
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Membership, Role
from tandem.organizations.permissions import has_role, is_platform_admin, org_ids

from .models import Application, Stage

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


HOST_STAFF_ROLES = (Role.RECRUITER, Role.SUPERVISOR)
INSTITUTION_VIEWER_ROLES = (Role.COORDINATOR, Role.EDUCATOR)


class Party(enum.Enum):
    STUDENT = "student"
    HOST_STAFF = "host_staff"
    HOST_SUPERVISOR = "host_supervisor"
    COORDINATOR = "coordinator"


S = Stage
_HOST = frozenset({Party.HOST_STAFF})
_STUDENT = frozenset({Party.STUDENT})

#: The one table of legal moves: (from, to) → the parties that may make it.
TRANSITIONS: dict[tuple[Stage, Stage], frozenset[Party]] = {
    (S.SUBMITTED, S.UNDER_REVIEW): _HOST,
    (S.UNDER_REVIEW, S.SHORTLISTED): _HOST,
    (S.SHORTLISTED, S.INTERVIEW): _HOST,
    (S.INTERVIEW, S.OFFER): _HOST,
    # The host may turn an applicant down at any stage before an offer.
    (S.SUBMITTED, S.REJECTED): _HOST,
    (S.UNDER_REVIEW, S.REJECTED): _HOST,
    (S.SHORTLISTED, S.REJECTED): _HOST,
    (S.INTERVIEW, S.REJECTED): _HOST,
    # The student answers an offer.
    (S.OFFER, S.ACCEPTED): _STUDENT,
    (S.OFFER, S.DECLINED): _STUDENT,
    # The student may withdraw at any point before placement.
    (S.SUBMITTED, S.WITHDRAWN): _STUDENT,
    (S.UNDER_REVIEW, S.WITHDRAWN): _STUDENT,
    (S.SHORTLISTED, S.WITHDRAWN): _STUDENT,
    (S.INTERVIEW, S.WITHDRAWN): _STUDENT,
    (S.OFFER, S.WITHDRAWN): _STUDENT,
    (S.ACCEPTED, S.WITHDRAWN): _STUDENT,
    # Placement starts, then completes.
    (S.ACCEPTED, S.PLACED): frozenset({Party.HOST_STAFF, Party.COORDINATOR}),
    (S.PLACED, S.COMPLETED): frozenset({Party.HOST_SUPERVISOR, Party.COORDINATOR}),
}

TERMINAL_STAGES = frozenset({S.DECLINED, S.WITHDRAWN, S.REJECTED, S.COMPLETED})


def _authenticated(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def parties_of(user: User | AnonymousUser, application: Application) -> frozenset[Party]:
    """The parties ``user`` plays in ``application`` (one person may play several)."""
    if not _authenticated(user):
        return frozenset()
    parties: set[Party] = set()
    if application.student_id == user.pk:
        parties.add(Party.STUDENT)
    host_id = application.opportunity.host_id
    if has_role(user, host_id, HOST_STAFF_ROLES):
        parties.add(Party.HOST_STAFF)
    if has_role(user, host_id, [Role.SUPERVISOR]):
        parties.add(Party.HOST_SUPERVISOR)
    if has_role(user, application.institution_id, [Role.COORDINATOR]):
        parties.add(Party.COORDINATOR)
    return frozenset(parties)


def allowed_parties(from_stage: str, to_stage: str) -> frozenset[Party] | None:
    """The parties that may make this move, or None when the move is not in the table."""
    try:
        key = (Stage(from_stage), Stage(to_stage))
    except ValueError:
        return None
    return TRANSITIONS.get(key)


def next_stages_for(user: User | AnonymousUser, application: Application) -> list[Stage]:
    """Stages ``user`` may move ``application`` to from its current stage, in table order."""
    parties = parties_of(user, application)
    if not parties:
        return []
    return [
        to for (frm, to), who in TRANSITIONS.items() if frm == application.stage and parties & who
    ]


def can_view_application(user: User | AnonymousUser, application: Application) -> bool:
    if not _authenticated(user):
        return False
    if is_platform_admin(user) or application.student_id == user.pk:
        return True
    return has_role(user, application.opportunity.host_id, HOST_STAFF_ROLES) or has_role(
        user, application.institution_id, INSTITUTION_VIEWER_ROLES
    )


def can_download_cv(user: User | AnonymousUser, application: Application) -> bool:
    """The student, staff of the host organization, coordinators of the student's institution."""
    parties = parties_of(user, application)
    return bool(parties & {Party.STUDENT, Party.HOST_STAFF, Party.COORDINATOR})


#: Who records what became of a completed placement: the host's recruiters and workplace
#: supervisors, or a coordinator of the student's institution (e.g. from the graduate
#: first-destination survey).
HIRE_RECORDERS = frozenset({Party.HOST_STAFF, Party.COORDINATOR})


def can_record_hire(user: User | AnonymousUser, application: Application) -> bool:
    """A host staff member or an institution coordinator, once the placement is completed."""
    if application.stage != Stage.COMPLETED:
        return False
    return bool(parties_of(user, application) & HIRE_RECORDERS)


def can_move_application(
    user: User | AnonymousUser, application: Application, to_stage: str
) -> bool:
    who = allowed_parties(application.stage, to_stage)
    return bool(who and parties_of(user, application) & who)


def applications_scope(user: User | AnonymousUser) -> tuple[object, ...]:
    """What decides which applications :func:`restrict_applications` lets ``user`` see (a
    cache key part: equal scopes see the same applications)."""
    if not _authenticated(user):
        return ("none",)
    if is_platform_admin(user):
        return ("all",)
    return (
        user.pk,
        tuple(sorted(org_ids(user, HOST_STAFF_ROLES))),
        tuple(sorted(org_ids(user, INSTITUTION_VIEWER_ROLES))),
    )


def restrict_applications(
    user: User | AnonymousUser, qs: QuerySet[Application]
) -> QuerySet[Application]:
    """Only the applications ``user`` may see; an empty queryset when there is no scope."""
    if not _authenticated(user):
        return qs.none()
    if is_platform_admin(user):
        return qs
    condition = Q(student_id=user.pk)
    host_ids = org_ids(user, HOST_STAFF_ROLES)
    if host_ids:
        # A subquery on the postings' host index, not a join of every posting (issue 12).
        condition |= Q(
            opportunity_id__in=Opportunity.objects.filter(host_id__in=host_ids).values("pk")
        )
    institution_ids = org_ids(user, INSTITUTION_VIEWER_ROLES)
    if institution_ids:
        condition |= Q(institution_id__in=institution_ids)
    return qs.filter(condition)


def conversation_members(application: Application, institution_roles: tuple[str, ...]) -> set[int]:
    """The student, the host's recruiters and supervisors, and the institution's staff in
    ``institution_roles`` (active people only)."""
    staff = Membership.objects.filter(
        Q(organization_id=application.opportunity.host_id, role__in=HOST_STAFF_ROLES)
        | Q(organization_id=application.institution_id, role__in=institution_roles),
        is_active=True,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    return {application.student_id, *staff}


def conversation_subject() -> Any:
    """Conversations about an application: the parties who may see it (coordinators and
    educators of the student's institution, the host's recruiters and supervisors, the
    student)."""
    return SubjectType(
        key="application",
        label=gettext_lazy("application"),
        resolve=lambda public_id: (
            Application.objects.select_related("opportunity").filter(public_id=public_id).first()
        ),
        members=lambda a: conversation_members(a, INSTITUTION_VIEWER_ROLES),
        students=lambda a: {a.student_id},
        institutions=lambda a: {a.institution_id},
        partners=lambda a: {a.opportunity.host_id},
        title=lambda a: a.opportunity.title,
        link=lambda a: reverse("applications:detail", kwargs={"public_id": a.public_id}),
    )
