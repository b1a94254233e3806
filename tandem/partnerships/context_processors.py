"""Template context: whether the navigation links to partnerships."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import can_list_partnerships


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: evaluated (a cached membership query) only when a page shows the navigation.
    return {"nav_partnerships": SimpleLazyObject(lambda: can_list_partnerships(user))}
