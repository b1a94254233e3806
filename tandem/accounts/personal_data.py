"""Registry of personal data, for export and erasure on request.

Each app that stores personal data registers an exporter (and an eraser) here, so that a
new model with personal data is one registration away from being covered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]

_EXPORTERS: dict[str, Exporter] = {}
_ERASERS: dict[str, Eraser] = {}


def register(name: str, *, export: Exporter, erase: Eraser | None = None) -> None:
    _EXPORTERS[name] = export
    if erase is not None:
        _ERASERS[name] = erase


def export_personal_data(user: Any) -> dict[str, Any]:
    from .models import UserSession

    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.created_at,
            "last_login": user.last_login,
        },
        "sessions": [
            {"expires": expires}
            for expires in UserSession.objects.filter(user_id=user.pk)
            .order_by("expire_date")
            .values_list("expire_date", flat=True)
        ],
        "memberships": [
            {
                "organization": m.organization.name,
                "role": m.role,
                "program": m.program,
                "year_of_study": m.year_of_study,
                "completed_on": m.completed_on,
            }
            for m in user.memberships.select_related("organization")
        ],
    }
    for name, exporter in sorted(_EXPORTERS.items()):
        data[name] = exporter(user)
    return data


def erasers() -> dict[str, Eraser]:
    return dict(_ERASERS)
