"""Who belongs where: the vocabulary every other app's permissions are built from.

All helpers fail closed: an anonymous or inactive user belongs nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Membership, Organization, Role

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.accounts.types import Actor

    from .models import Invitation


def is_platform_admin(user: Actor | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.is_superuser
    )


def active_memberships(user: Actor) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, is_active=True)


def org_ids(user: Actor, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the organizations where ``user`` holds one of ``roles`` (any role if None).

    Cached on the user object for the length of a request.
    """
    if not getattr(user, "is_authenticated", False):
        return set()
    cache: dict[tuple[str, ...] | None, set[int]] = user.__dict__.setdefault("_org_ids_cache", {})
    key = None if roles is None else tuple(sorted(roles))
    if key not in cache:
        qs = active_memberships(user)
        if roles is not None:
            qs = qs.filter(role__in=list(roles))
        cache[key] = set(qs.values_list("organization_id", flat=True))
    return cache[key]


def has_role(user: Actor, organization: Organization | int, roles: Iterable[str]) -> bool:
    org_id = organization if isinstance(organization, int) else organization.pk
    return org_id in org_ids(user, roles)


def roles_of(user: Actor) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(active_memberships(user).values_list("role", flat=True))


def coordinator_institution_ids(user: Actor) -> set[int]:
    return org_ids(user, [Role.COORDINATOR])


def partner_staff_org_ids(user: Actor) -> set[int]:
    """Partner organizations where the user recruits or supervises."""
    return org_ids(user, [Role.RECRUITER, Role.SUPERVISOR])


def student_institution_ids(user: Actor) -> set[int]:
    return org_ids(user, [Role.STUDENT])


def staff_institution_ids(user: Actor) -> set[int]:
    """Institutions where the user is an educator or coordinator."""
    return org_ids(user, [Role.EDUCATOR, Role.COORDINATOR])


def can_view_organization(user: Actor, organization: Organization) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def can_manage_organization(user: Actor, organization: Organization) -> bool:
    if is_platform_admin(user):
        return True
    roles = [Role.COORDINATOR] if organization.is_institution else [Role.RECRUITER]
    return has_role(user, organization, roles)


def can_set_mfa_policy(user: Actor, organization: Organization) -> bool:
    """Whether ``user`` may require MFA of ``organization``'s staff: an institution's
    coordinators, and platform admins."""
    if not organization.is_institution:
        return False
    return is_platform_admin(user) or has_role(user, organization, [Role.COORDINATOR])


def user_requires_mfa(user: Actor) -> bool:
    """Whether ``user`` is a coordinator or educator of an institution that requires MFA of
    its staff (registered with tandem.accounts.mfa_policy)."""
    return (
        active_memberships(user)
        .filter(
            role__in=[Role.COORDINATOR, Role.EDUCATOR], organization__require_mfa_for_staff=True
        )
        .exists()
    )


def can_vet_partner(user: Actor, institution: Organization) -> bool:
    return institution.is_institution and has_role(user, institution, [Role.COORDINATOR])


# --- Added for the organizations UI and API -------------------------------------------------
def manager_roles_for(organization: Organization) -> list[str]:
    """The role that manages an organization: coordinators for institutions, recruiters for
    partners."""
    return [Role.COORDINATOR] if organization.is_institution else [Role.RECRUITER]


def can_view_members(user: Actor, organization: Organization) -> bool:
    """Member lists are personal data: only the organization's own coordinators (institution)
    or recruiters (partner), and platform admins, may see them."""
    return can_manage_organization(user, organization)


def can_manage_members(user: Actor, organization: Organization) -> bool:
    return can_manage_organization(user, organization)


def can_create_organization(user: Actor) -> bool:
    return is_platform_admin(user)


def vetting_institutions_qs(user: Actor) -> QuerySet[Organization]:
    """Institutions whose partner vetting ``user`` may decide (coordinators only)."""
    ids = coordinator_institution_ids(user)
    if not ids:
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=ids, kind="institution")


def can_record_program_completion(user: Actor, organization: Organization) -> bool:
    """Program completion dates (which start the graduate first-destination survey) are set
    by the institution's coordinators and platform admins."""
    return organization.is_institution and can_manage_organization(user, organization)


def can_invite_members(user: Actor, organization: Organization) -> bool:
    """Invitations to a role (and their list and revocation) belong to the organization's
    managers, like its member list."""
    return can_manage_organization(user, organization)


def is_invitee(user: Actor, invitation: Invitation) -> bool:
    """Only the account whose e-mail address was invited may accept or decline."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.email) and user.email.strip().lower() == invitation.email


def can_change_account_access(user: Actor, organization: Organization, account: User) -> bool:
    """Deactivate or reactivate ``account`` from ``organization``'s member list: a platform
    admin, or the organization's managers when the account belongs to this organization
    only (an account with a role anywhere else is not theirs alone to switch off). Nobody
    switches off their own account this way, nor a platform admin's."""
    if getattr(user, "pk", None) == getattr(account, "pk", None):
        return False
    if getattr(account, "is_staff", False) and getattr(account, "is_superuser", False):
        return is_platform_admin(user)
    if is_platform_admin(user):
        return True
    if not can_manage_members(user, organization):
        return False
    elsewhere = Membership.objects.filter(user=account, is_active=True).exclude(
        organization=organization
    )
    here = Membership.objects.filter(user=account, is_active=True, organization=organization)
    return here.exists() and not elsewhere.exists()
