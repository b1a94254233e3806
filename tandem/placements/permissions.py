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

from typing import TYPE_CHECKING

from tandem.applications.models import Application, Stage
from tandem.organizations.models import Role
from tandem.organizations.permissions import has_role, is_platform_admin, org_ids

from .models import (
    AgreementStatus,
    Clearance,
    ClearanceRequirement,
    HoursEntry,
    LearningAgreement,
    SignerRole,
)

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


# --- Learning agreements ----------------------------------------------------------------------
# Coordinators configure the templates; coordinators and educators of the student's
# institution prepare, edit (while a draft), send and amend agreements; each signer role signs
# its step in turn: the student, a workplace supervisor of the host, an educator or a
# coordinator of the institution. The parties (student, coordinators, the holders of a role in
# the signing order) see the agreement and download its signed PDF; nobody else does.
AGREEMENT_EDITOR_ROLES = (Role.COORDINATOR, Role.EDUCATOR)


def can_manage_agreement_templates(user: Actor, institution_id: int) -> bool:
    return _signed_in(user) and has_role(user, institution_id, [Role.COORDINATOR])


def can_prepare_agreement(user: Actor, application: Application) -> bool:
    return _signed_in(user) and has_role(user, application.institution_id, AGREEMENT_EDITOR_ROLES)


def holds_signer_role(user: Actor, application: Application, role: str) -> bool:
    """Whether ``user`` may sign for ``role`` on ``application``'s agreement."""
    if not _signed_in(user):
        return False
    if role == SignerRole.STUDENT:
        return application.student_id == user.pk
    if role == SignerRole.SUPERVISOR:
        return has_role(user, application.opportunity.host_id, [Role.SUPERVISOR])
    if role == SignerRole.EDUCATOR:
        return has_role(user, application.institution_id, [Role.EDUCATOR])
    if role == SignerRole.COORDINATOR:
        return has_role(user, application.institution_id, [Role.COORDINATOR])
    return False


def can_view_agreement(user: Actor, agreement: LearningAgreement) -> bool:
    application = agreement.application
    if not _signed_in(user):
        return False
    if application.student_id == user.pk or can_prepare_agreement(user, application):
        return True
    return any(holds_signer_role(user, application, r) for r in agreement.signing_order)


def can_edit_agreement(user: Actor, agreement: LearningAgreement) -> bool:
    return can_prepare_agreement(user, agreement.application)


def can_sign_agreement(user: Actor, agreement: LearningAgreement) -> bool:
    """Whether it is ``user``'s turn: the agreement is out for signature and they hold the
    role of the next step."""
    return (
        agreement.status == AgreementStatus.SIGNING
        and bool(agreement.awaiting_role)
        and holds_signer_role(user, agreement.application, agreement.awaiting_role)
    )
