"""Who may do what with the skills taxonomy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


def can_browse_taxonomy(user: User | AnonymousUser) -> bool:
    """ESCO is public reference data: any signed-in, active user may browse it."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def can_try_extractor(user: User | AnonymousUser) -> bool:
    """Any signed-in, active user may run the skill extractor on a text of theirs (rate
    limited per person; a queued extraction is read only by the person who asked)."""
    return can_browse_taxonomy(user)
