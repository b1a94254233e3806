"""Who may do what with placement clearances and hours. Everything fails closed.

- **coordinators** of an institution set its clearance requirements, see the compliance
  board of its students, verify or reject clearances, set placement terms, read hours
  reports;
- the **student** uploads evidence for their own placements and logs their hours;
- **host staff** (recruiters, supervisors of the opportunity's host) see the clearances of
  the host's placements and verify those whose requirement says so;
- **workplace supervisors** of the host approve or return hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from tandem.applications.models import Application, Stage
from tandem.applications.permissions import conversation_members
from tandem.messaging.data import SubjectType
from tandem.organizations.models import Role
from tandem.organizations.permissions import has_role, is_platform_admin, org_ids

from .models import Clearance, ClearanceRequirement, HoursEntry

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

#: Applications that are (or are about to be) placements: clearances apply to them.
PLACEMENT_STAGES = frozenset({Stage.ACCEPTED, Stage.PLACED})
HOST_STAFF_ROLES = (Role.RECRUITER, Role.SUPERVISOR)


def _signed_in(user: Actor | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def coordinator_org_ids(user: Actor) -> set[int]:
    return org_ids(user, [Role.COORDINATOR])


def can_manage_requirements(user: Actor, institution_id: int) -> bool:
    return _signed_in(user) and has_role(user, institution_id, [Role.COORDINATOR])


def can_view_board(user: Actor) -> bool:
    return _signed_in(user) and (is_platform_admin(user) or bool(coordinator_org_ids(user)))


def can_view_placement(user: Actor, application: Application) -> bool:
    """The student, coordinators of their institution, host staff, platform admins."""
    if not _signed_in(user):
        return False
    if is_platform_admin(user) or application.student_id == user.pk:
        return True
    return has_role(user, application.institution_id, [Role.COORDINATOR]) or has_role(
        user, application.opportunity.host_id, HOST_STAFF_ROLES
    )


def can_upload_evidence(user: Actor, application: Application) -> bool:
    return (
        _signed_in(user)
        and application.student_id == user.pk
        and application.stage in PLACEMENT_STAGES
    )


def can_decide_clearance(
    user: Actor, application: Application, requirement: ClearanceRequirement
) -> bool:
    """A coordinator of the student's institution, or host staff where the requirement says."""
    if not _signed_in(user):
        return False
    if has_role(user, application.institution_id, [Role.COORDINATOR]):
        return True
    return requirement.host_may_verify and has_role(
        user, application.opportunity.host_id, HOST_STAFF_ROLES
    )


def can_download_evidence(user: Actor, clearance: Clearance) -> bool:
    application = clearance.application
    if not _signed_in(user):
        return False
    if application.student_id == user.pk:
        return True
    return can_decide_clearance(user, application, clearance.requirement)


def can_set_terms(user: Actor, application: Application) -> bool:
    return _signed_in(user) and has_role(user, application.institution_id, [Role.COORDINATOR])


def can_log_hours(user: Actor, application: Application) -> bool:
    return _signed_in(user) and application.student_id == user.pk


def can_decide_hours(user: Actor, entry: HoursEntry) -> bool:
    """A workplace supervisor of the opportunity's host organization."""
    return _signed_in(user) and has_role(
        user, entry.application.opportunity.host_id, [Role.SUPERVISOR]
    )


def supervisor_org_ids(user: Actor) -> set[int]:
    return org_ids(user, [Role.SUPERVISOR])


def can_review_hours(user: Actor) -> bool:
    return _signed_in(user) and bool(supervisor_org_ids(user))


def conversation_subject() -> Any:
    """Conversations about a placement (an accepted or placed application): the student,
    the coordinators of their institution, the host's recruiters and supervisors."""
    return SubjectType(
        key="placement",
        label=gettext_lazy("placement"),
        resolve=lambda public_id: (
            Application.objects.select_related("opportunity")
            .filter(public_id=public_id, stage__in=list(PLACEMENT_STAGES))
            .first()
        ),
        members=lambda a: conversation_members(a, (Role.COORDINATOR,)),
        students=lambda a: {a.student_id},
        institutions=lambda a: {a.institution_id},
        partners=lambda a: {a.opportunity.host_id},
        title=lambda a: a.opportunity.title,
        link=lambda a: reverse("placements:placement", kwargs={"public_id": a.public_id}),
    )
