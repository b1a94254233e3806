"""Who may see which dashboard, built on the organizations and partnerships vocabulary.

* Institution and program dashboards: coordinators and educators of the institution.
* Partner dashboard: recruiters of the partner organization.
* Partnership dashboard, health and review report: whoever may see the partnership.
* Highlights from free-text answers: coordinators only (institution side), as in surveys.
* Platform admins: everything. Everything else fails closed (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tandem.organizations.models import Organization, OrganizationKind, Role
from tandem.organizations.permissions import is_platform_admin, org_ids
from tandem.partnerships.models import Partnership
from tandem.partnerships.permissions import can_list_partnerships, can_view_partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


INSTITUTION_ROLES = (Role.COORDINATOR, Role.EDUCATOR)
PARTNER_ROLES = (Role.RECRUITER,)
FREE_TEXT_ROLES = (Role.COORDINATOR,)


def can_view_institution_dashboard(user: User | AnonymousUser, organization: Organization) -> bool:
    if organization.kind != OrganizationKind.INSTITUTION:
        return False
    return is_platform_admin(user) or organization.pk in org_ids(user, INSTITUTION_ROLES)


def can_view_partner_dashboard(user: User | AnonymousUser, organization: Organization) -> bool:
    if organization.kind != OrganizationKind.PARTNER:
        return False
    return is_platform_admin(user) or organization.pk in org_ids(user, PARTNER_ROLES)


def can_view_partnership_dashboard(user: User | AnonymousUser, partnership: Partnership) -> bool:
    return can_view_partnership(user, partnership)


def can_read_partnership_free_text(user: User | AnonymousUser, partnership: Partnership) -> bool:
    """Free-text survey answers may identify people: only coordinators of the partnership's
    institutions (whose surveys they are) and platform admins read highlights."""
    if is_platform_admin(user):
        return True
    institution_ids = {o.pk for o in partnership.institutions.all()}
    return bool(org_ids(user, FREE_TEXT_ROLES) & institution_ids)


def can_open_analytics(user: User | AnonymousUser) -> bool:
    """May ``user`` find something on the analytics index (the navigation link): a dashboard
    of an organization, or one of a partnership they may see."""
    if is_platform_admin(user):
        return True
    inst_ids, partner_ids = dashboard_organizations(user)
    return bool(inst_ids or partner_ids) or can_list_partnerships(user)


def dashboard_organizations(user: User | AnonymousUser) -> tuple[set[int], set[int]]:
    """(institution ids, partner ids) whose dashboards ``user`` may open."""
    return org_ids(user, INSTITUTION_ROLES), org_ids(user, PARTNER_ROLES)
