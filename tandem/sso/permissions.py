"""Who may configure single sign-on: platform admins only (a connection decides who becomes a
member of an organization, so an organization's own coordinators may not set it up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tandem.organizations.permissions import is_platform_admin

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def can_manage_sso(user: Actor | None) -> bool:
    return is_platform_admin(user)
