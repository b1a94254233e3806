"""Who may do what with the skills taxonomy."""

from __future__ import annotations

from typing import Any


def can_browse_taxonomy(user: Any) -> bool:
    """ESCO is public reference data: any signed-in, active user may browse it."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))
