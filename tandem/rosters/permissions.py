"""Who may import an institution's roster: its coordinators and platform admins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import has_role, is_platform_admin

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def can_import_roster(user: Actor, institution: Organization) -> bool:
    if not institution.is_institution:
        return False
    return is_platform_admin(user) or has_role(user, institution, [Role.COORDINATOR])
