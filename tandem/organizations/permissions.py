"""Who belongs where: the vocabulary every other app's permissions are built from.

All helpers fail closed: an anonymous or inactive user belongs nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

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


class MembershipRow(NamedTuple):
    """One active membership, as the permission helpers need it."""

    pk: int
    organization_id: int
    role: str
    organization_kind: str
    program: str
    year_of_study: int | None


#: Where :func:`membership_rows` keeps a person's memberships on their user object.
_MEMO = "_membership_rows_memo"


def membership_rows(user: Actor | None) -> tuple[MembershipRow, ...]:
    """Every active membership of ``user`` (none for anonymous or inactive users).

    One query, remembered on the user object — so for the length of a request, since every
    request loads its own ``request.user``; never across requests. The services that grant or
    end a membership forget it on the user object they were given (:func:`forget_memberships`).
    Every helper below reads it, so a page asks the database who the viewer is only once.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    rows: tuple[MembershipRow, ...] | None = user.__dict__.get(_MEMO)
    if rows is None:
        rows = tuple(
            MembershipRow(*values)
            for values in active_memberships(user).values_list(
                "pk", "organization_id", "role", "organization__kind", "program", "year_of_study"
            )
        )
        user.__dict__[_MEMO] = rows
    return rows


def remember_memberships(users: Iterable[User]) -> None:
    """Load the active memberships of many users with one query and remember each user's on
    their object, as :func:`membership_rows` does one at a time (for background jobs that go
    through thousands of users; never across requests)."""
    wanted = {u.pk: u for u in users if u.is_active}
    rows: dict[int, list[MembershipRow]] = {pk: [] for pk in wanted}
    for user_id, pk, org_id, role, kind, program, year in Membership.objects.filter(
        user_id__in=list(wanted), is_active=True
    ).values_list(
        "user_id", "pk", "organization_id", "role", "organization__kind", "program", "year_of_study"
    ):
        rows[user_id].append(MembershipRow(pk, org_id, role, kind, program, year))
    for pk, user in wanted.items():
        user.__dict__[_MEMO] = tuple(rows[pk])


def forget_memberships(user: Actor | None) -> None:
    """Drop the memberships remembered on ``user`` (after they changed)."""
    if user is not None:
        user.__dict__.pop(_MEMO, None)


def org_ids(user: Actor, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the organizations where ``user`` holds one of ``roles`` (any role if None)."""
    if roles is None:
        return {m.organization_id for m in membership_rows(user)}
    wanted = set(roles)
    return {m.organization_id for m in membership_rows(user) if m.role in wanted}


def has_role(user: Actor, organization: Organization | int, roles: Iterable[str]) -> bool:
    org_id = organization if isinstance(organization, int) else organization.pk
    return org_id in org_ids(user, roles)


def roles_of(user: Actor) -> set[str]:
    return {m.role for m in membership_rows(user)}


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
