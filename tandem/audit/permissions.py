"""Who may read the audit trail: coordinators (their own institutions) and platform admins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tandem.organizations.permissions import coordinator_institution_ids, is_platform_admin

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def can_view_audit_trail(user: Actor) -> bool:
    return is_platform_admin(user) or bool(coordinator_institution_ids(user))
