"""Template context: the viewer's unread notification count for the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import UNREAD_CAP, unread_count


class Unread:
    """The count and how the header writes it ("99+" past the cap)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.label = f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count)


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: one indexed count query, only when a page shows the header.
    return {"nav_unread": SimpleLazyObject(lambda: Unread(unread_count(user)))}
