"""Who may read the audit trail: coordinators (their own institutions) and platform admins."""

from __future__ import annotations

from typing import Any

from tandem.organizations.permissions import coordinator_institution_ids, is_platform_admin


def can_view_audit_trail(user: Any) -> bool:
    return is_platform_admin(user) or bool(coordinator_institution_ids(user))
