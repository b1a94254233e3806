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

from .models import (
    AgreementStatus,
    Clearance,
    ClearanceRequirement,
    HoursEntry,
    Incident,
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


def can_send_hours_link(user: Actor, application: Application) -> bool:
    """Coordinators of the student's institution and host staff of the placement's host
    e-mail a supervisor a link to approve its hours without an account."""
    return _signed_in(user) and (
        has_role(user, application.institution_id, [Role.COORDINATOR])
        or has_role(user, application.opportunity.host_id, HOST_STAFF_ROLES)
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


# --- Site visits, incidents, minors, due diligence (issue 15; docs/decisions/0019) ----------
#: Faculty of a placement: educators and coordinators of the student's institution.
FACULTY_ROLES = (Role.EDUCATOR, Role.COORDINATOR)
#: Placements that are (or were) under way: visits and incidents belong to them.
ACTIVE_STAGES = frozenset({Stage.ACCEPTED, Stage.PLACED, Stage.COMPLETED})


def is_faculty(user: Actor, application: Application) -> bool:
    return _signed_in(user) and has_role(user, application.institution_id, FACULTY_ROLES)


def is_host_supervisor(user: Actor, application: Application) -> bool:
    return _signed_in(user) and has_role(user, application.opportunity.host_id, [Role.SUPERVISOR])


def can_schedule_visit(user: Actor, application: Application) -> bool:
    return is_faculty(user, application) and application.stage in ACTIVE_STAGES


def can_view_visits(user: Actor, application: Application) -> bool:
    """Faculty, the student, the host's supervisors (notes only where shared)."""
    return (
        is_faculty(user, application)
        or (_signed_in(user) and application.student_id == user.pk)
        or is_host_supervisor(user, application)
    )


def can_read_visit_notes(user: Actor, application: Application, *, shared: bool) -> bool:
    return is_faculty(user, application) or (shared and can_view_visits(user, application))


def can_report_incident(user: Actor, application: Application) -> bool:
    """The student, a supervisor of the host, or faculty, on a placement under way."""
    if application.stage not in ACTIVE_STAGES or not _signed_in(user):
        return False
    return (
        application.student_id == user.pk
        or is_host_supervisor(user, application)
        or is_faculty(user, application)
    )


def incident_handler_ids(application: Application, *, about_supervisor: bool) -> set[int]:
    """Who handles an incident: the institution's coordinators, the placement's faculty (the
    educators who visit it), and the host's supervisors unless the report is about them."""
    from tandem.organizations.models import Membership

    from .models import SiteVisit

    ids = set(
        Membership.objects.filter(
            organization_id=application.institution_id, role=Role.COORDINATOR, is_active=True
        ).values_list("user_id", flat=True)
    )
    visitors = SiteVisit.objects.filter(application=application, visitor__isnull=False)
    ids |= set(
        Membership.objects.filter(
            organization_id=application.institution_id,
            role=Role.EDUCATOR,
            is_active=True,
            user_id__in=visitors.values("visitor_id"),
        ).values_list("user_id", flat=True)
    )
    if not about_supervisor:
        ids |= set(
            Membership.objects.filter(
                organization_id=application.opportunity.host_id,
                role=Role.SUPERVISOR,
                is_active=True,
            ).values_list("user_id", flat=True)
        )
    return ids


def can_view_incident(user: Actor, incident: Incident) -> bool:
    """The reporter, and the incident's handlers. Not platform admins: access is restricted."""
    if not _signed_in(user):
        return False
    if incident.reporter_id == user.pk:
        return True
    return user.pk in incident_handler_ids(
        incident.application, about_supervisor=incident.about_supervisor
    )


def can_handle_incident(user: Actor, incident: Incident) -> bool:
    """Move an incident through review to closed: the institution's coordinators."""
    return _signed_in(user) and has_role(
        user, incident.application.institution_id, [Role.COORDINATOR]
    )


def can_download_incident_evidence(user: Actor, incident: Incident) -> bool:
    return can_view_incident(user, incident)


def can_manage_minors(user: Actor, institution_id: int) -> bool:
    """Record students' dates of birth and set the minors' rules: coordinators."""
    return _signed_in(user) and has_role(user, institution_id, [Role.COORDINATOR])


def can_manage_diligence(user: Actor, institution_id: int) -> bool:
    """The due-diligence checklist is part of vetting: the institution's coordinators."""
    return _signed_in(user) and has_role(user, institution_id, [Role.COORDINATOR])


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
