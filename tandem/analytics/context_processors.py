"""Template context: whether the navigation links to analytics."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import can_open_analytics


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: evaluated (cached membership queries) only when a page shows the navigation.
    return {
        "nav_analytics": SimpleLazyObject(lambda: user is not None and can_open_analytics(user))
    }
