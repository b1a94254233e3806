"""Who may see, edit, approve and apply to an opportunity.

The applications app builds on :func:`can_view_opportunity` and
:func:`can_apply_to_opportunity`. Every predicate fails closed for anonymous or inactive users.

Roles:
- partner staff (recruiters, supervisors) see every posting of their own partner; recruiters
  create and edit them;
- coordinators and educators see postings sent to their institutions (never drafts) and the
  projects their institution hosts (coordinators and educators create and edit those);
- coordinators decide on postings sent to their institution;
- students see and apply to published postings their institution approved, that they are
  eligible for (program, year of study), before the deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import (
    coordinator_institution_ids,
    has_role,
    is_platform_admin,
    membership_rows,
    partner_staff_org_ids,
    staff_institution_ids,
)

from .models import ApprovalStatus, Opportunity, OpportunityStatus
from .models import normalize_program as _norm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


def is_eligible(
    *,
    eligible_programs: Iterable[str] | None,
    min_year: int | None,
    max_year: int | None,
    program: str,
    year_of_study: int | None,
) -> bool:
    """Whether a student on ``program`` in ``year_of_study`` fits a posting's criteria.

    Programs compare case- and space-insensitively; an empty list means every program. A
    year limit excludes students whose year is unknown.
    """
    wanted = {_norm(p) for p in (eligible_programs or []) if str(p).strip()}
    if wanted and _norm(program or "") not in wanted:
        return False
    if min_year is not None and (year_of_study is None or year_of_study < min_year):
        return False
    return not (max_year is not None and (year_of_study is None or year_of_study > max_year))


def deadline_open(opportunity: Opportunity) -> bool:
    deadline = opportunity.application_deadline
    return deadline is None or deadline > timezone.now()


def student_memberships(user: User | AnonymousUser) -> list[tuple[int, str, int | None]]:
    """``(institution_id, program, year_of_study)`` for each active student membership,
    cached on the user object for the request."""
    return [
        (m.organization_id, m.program, m.year_of_study)
        for m in membership_rows(user)
        if m.role == Role.STUDENT and m.organization_kind == "institution"
    ]


def is_host_staff(user: User | AnonymousUser, opportunity: Opportunity) -> bool:
    """Staff of the host: recruiters/supervisors of a partner host, coordinators/educators of
    an institution host."""
    return opportunity.host_id in partner_staff_org_ids(
        user
    ) or opportunity.host_id in staff_institution_ids(user)


def host_roles(host: Organization) -> list[str]:
    """Roles that create and edit postings for ``host``."""
    if host.is_institution:
        return [Role.COORDINATOR, Role.EDUCATOR]
    return [Role.RECRUITER]


def can_create_opportunity_for(user: User | AnonymousUser, host: Organization) -> bool:
    """Recruiters post for their partner; coordinators and educators for projects their
    institution hosts. Platform admins may post for anyone."""
    return is_platform_admin(user) or has_role(user, host, host_roles(host))


def _creatable_host_ids(user: User | AnonymousUser) -> set[int]:
    return {
        m.organization_id
        for m in membership_rows(user)
        if (m.role == Role.RECRUITER and m.organization_kind == "partner")
        or (m.role in (Role.COORDINATOR, Role.EDUCATOR) and m.organization_kind == "institution")
    }


def can_create_some_opportunity(user: User | AnonymousUser) -> bool:
    """Whether ``user`` may post for some organization (no query past the memberships)."""
    return bool(_creatable_host_ids(user))


def creatable_hosts(user: User | AnonymousUser) -> list[Organization]:
    """Organizations ``user`` may post opportunities for."""
    ids = _creatable_host_ids(user)
    if not ids:
        return []
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def approved_institution_ids(opportunity: Opportunity) -> set[int]:
    return set(
        opportunity.approvals.filter(status=ApprovalStatus.APPROVED).values_list(
            "institution_id", flat=True
        )
    )


def apply_institution_ids(user: User | AnonymousUser, opportunity: Opportunity) -> set[int]:
    """Institutions through which ``user`` may apply: they study there, it approved the
    posting, and they meet its criteria. Status and deadline are not checked here."""
    memberships = student_memberships(user)
    if not memberships:
        return set()
    approved = approved_institution_ids(opportunity)
    return {
        inst_id
        for inst_id, program, year in memberships
        if inst_id in approved
        and is_eligible(
            eligible_programs=opportunity.eligible_programs,
            min_year=opportunity.min_year_of_study,
            max_year=opportunity.max_year_of_study,
            program=program,
            year_of_study=year,
        )
    }


def can_view_opportunity(user: User | AnonymousUser, opportunity: Opportunity) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_platform_admin(user) or is_host_staff(user, opportunity):
        return True
    staff = staff_institution_ids(user)
    if (
        staff
        and opportunity.status != OpportunityStatus.DRAFT
        and opportunity.approvals.filter(institution_id__in=staff).exists()
    ):
        return True
    if not student_memberships(user):
        return False
    if can_apply_to_opportunity(user, opportunity):
        return True
    # A student who already applied keeps sight of the posting after it closes.
    return (
        opportunity.status != OpportunityStatus.DRAFT
        and opportunity.applications.filter(student=user).exists()
    )


def can_edit_opportunity(user: User | AnonymousUser, opportunity: Opportunity) -> bool:
    """Recruiters of a partner host (coordinators/educators of an institution host), admins.
    Filled postings are read-only; the service also refuses them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_platform_admin(user) or has_role(
        user, opportunity.host_id, host_roles(opportunity.host)
    )


def can_submit_opportunity(user: User | AnonymousUser, opportunity: Opportunity) -> bool:
    return can_edit_opportunity(user, opportunity)


def can_close_opportunity(user: User | AnonymousUser, opportunity: Opportunity) -> bool:
    return can_edit_opportunity(user, opportunity)


def can_decide_opportunity(
    user: User | AnonymousUser, opportunity: Opportunity, institution: Organization
) -> bool:
    """A coordinator of ``institution``, which the posting was submitted to."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not institution.is_institution or institution.pk not in coordinator_institution_ids(user):
        return False
    return opportunity.approvals.filter(institution=institution).exists()


def can_apply_to_opportunity(user: User | AnonymousUser, opportunity: Opportunity) -> bool:
    """A student whose institution approved the posting, who meets its criteria, while it is
    published and its deadline has not passed."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if opportunity.status != OpportunityStatus.PUBLISHED or not deadline_open(opportunity):
        return False
    return bool(apply_institution_ids(user, opportunity))
