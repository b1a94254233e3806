"""Who may see and change a student's skill profile and course completions.

Least privilege (docs/profiles.md):

* a student sees and edits their own profile, and sees their own completions;
* educators and coordinators of an institution where the student is an active student see
  the profile read-only — the skills and where each comes from, but not the CV excerpts —
  and record completions of that institution's courses;
* partner staff never see profiles; platform admins get no special access either (they have
  the admin site and the personal-data export for requests).

Every predicate fails closed for anonymous or inactive users.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import (
    membership_rows,
    staff_institution_ids,
    student_institution_ids,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


def _active(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_student(user: User | AnonymousUser) -> bool:
    """Holds an active student membership of some institution (has a profile)."""
    return _active(user) and bool(student_institution_ids(user))


def institutions_of_student(student: User | AnonymousUser) -> set[int]:
    """Institutions where ``student`` is an active student."""
    if not getattr(student, "is_active", False):
        return set()
    return {
        m.organization_id
        for m in membership_rows(student)
        if m.role == Role.STUDENT and m.organization_kind == "institution"
    }


def can_edit_profile(user: User | AnonymousUser, student: User | AnonymousUser) -> bool:
    return is_student(user) and user.pk == student.pk


def can_view_profile(user: User | AnonymousUser, student: User | AnonymousUser) -> bool:
    if not _active(user):
        return False
    if user.pk == student.pk:
        return is_student(user)
    return bool(staff_institution_ids(user) & institutions_of_student(student))


def can_view_cv_evidence(user: User | AnonymousUser, student: User | AnonymousUser) -> bool:
    """CV excerpts are the student's own words: only the student sees them."""
    return can_edit_profile(user, student)


def can_record_completion(user: User | AnonymousUser, institution: Organization | int) -> bool:
    """Educators and coordinators of the institution whose course it is."""
    if not _active(user):
        return False
    inst_id = institution if isinstance(institution, int) else institution.pk
    return inst_id in staff_institution_ids(user)


def recording_institution_ids(user: User | AnonymousUser) -> set[int]:
    return staff_institution_ids(user) if _active(user) else set()
