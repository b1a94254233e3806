"""Template context: the signed-in person's roles, for navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .permissions import is_platform_admin, roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None else set()
    return {
        "nav_roles": roles,
        "nav_is_admin": is_platform_admin(user),
        "nav_is_student": "student" in roles,
        "nav_is_coordinator": "coordinator" in roles,
        "nav_is_partner_staff": bool(roles & {"recruiter", "supervisor"}),
        "nav_is_institution_staff": bool(roles & {"coordinator", "educator"}),
    }
