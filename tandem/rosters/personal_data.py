"""Export and erasure of roster records about a person (registered in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from .models import RosterEnrollment, RosterUser


def export(user: Any) -> list[dict[str, Any]]:
    """Each roster identity of the person: institution, sourcedId, role, classes."""
    return [
        {
            "institution": identity.institution.name,
            "sourced_id": identity.sourced_id,
            "role": identity.role,
            "active": identity.is_active,
            "classes": [
                {"title": e.roster_class.title, "role": e.role, "active": e.is_active}
                for e in identity.enrollments.select_related("roster_class").order_by(
                    "roster_class__title", "pk"
                )
            ],
        }
        for identity in RosterUser.objects.filter(user=user)
        .select_related("institution")
        .order_by("pk")
    ]


def erase(user: Any) -> None:
    """The person's roster identities and enrollments go: a later import may find them again
    by e-mail only if the account still has the address (an erased account has none)."""
    RosterEnrollment.objects.filter(roster_user__user=user).delete()
    RosterUser.objects.filter(user=user).delete()
