"""Who may do what with programs, courses, outcomes and their skill mappings.

* Educators and coordinators of the owning institution edit everything, including mappings.
* Students of the owning institution read.
* Platform admins read and edit.
Everyone else sees nothing (views answer 404, so that a program's existence does not leak).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import is_platform_admin, org_ids, staff_institution_ids

from .models import Program

READER_ROLES = (Role.STUDENT, Role.EDUCATOR, Role.COORDINATOR)


def reader_institution_ids(user: Any) -> set[int]:
    """Institutions whose curriculum ``user`` may read through membership."""
    return org_ids(user, READER_ROLES)


def visible_programs(user: Any) -> QuerySet[Program]:
    """Programs ``user`` may read; none for anonymous or inactive users."""
    if is_platform_admin(user):
        return Program.objects.all()
    ids = reader_institution_ids(user)
    if not ids:
        return Program.objects.none()
    return Program.objects.filter(institution_id__in=ids)


def can_view_program(user: Any, program: Program) -> bool:
    return is_platform_admin(user) or program.institution_id in reader_institution_ids(user)


def can_edit_program(user: Any, program: Program) -> bool:
    """Edit the program, its courses, outcomes and skill mappings."""
    return is_platform_admin(user) or program.institution_id in staff_institution_ids(user)


def creatable_institutions(user: Any) -> QuerySet[Organization]:
    """Institutions where ``user`` may create a program."""
    if is_platform_admin(user):
        return Organization.objects.filter(kind="institution")
    return Organization.objects.filter(pk__in=staff_institution_ids(user), kind="institution")


def can_create_program(user: Any, institution: Organization) -> bool:
    return institution.is_institution and (
        is_platform_admin(user) or institution.pk in staff_institution_ids(user)
    )
