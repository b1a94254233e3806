"""Programs and their courses: create, change, delete.

The rules on a title, code and description are the model's (checked by
:func:`~tandem.core.validation.validated`); that a title is unique within its institution or
program is the database's, so two concurrent creates end in one row and one 409.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.validation import conflict_on_integrity, validated
from tandem.organizations.models import Organization

from ..models import Course, Program
from ..permissions import can_create_program
from .access import require_edit

if TYPE_CHECKING:
    from tandem.accounts.models import User

TEXT_FIELDS = ["title", "code", "description", "updated_at"]

# The row a title is unique under, and what a second use of the title is told.
TITLE_SCOPE = {
    Program: (
        "institution",
        gettext_lazy("This institution already has a program with that title."),
    ),
    Course: ("program", gettext_lazy("This program already has a course with that title.")),
}


def _save_titled(obj: Program | Course, *, title: str, code: str, description: str) -> None:
    """Set the text fields of a program or course, check them and save; a title already used
    under the same institution (program) or program (course) is a conflict."""
    parent, taken = TITLE_SCOPE[type(obj)]
    before = obj.title, obj.code, obj.description
    obj.title, obj.code, obj.description = title.strip(), code.strip(), description.strip()
    try:
        validated(obj, exclude=[parent])
        with conflict_on_integrity(str(taken), field="title"):
            obj.save(update_fields=TEXT_FIELDS if obj.pk else None)
    except DomainError:
        obj.title, obj.code, obj.description = before  # the caller's object stays as it was
        raise


# --- Programs -------------------------------------------------------------------------------
@transaction.atomic
def program_create(
    *, actor: User, institution: Organization, title: str, code: str = "", description: str = ""
) -> Program:
    """Create a program owned by ``institution``."""
    if not can_create_program(actor, institution):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution may create programs.")
        )
    program = Program(institution=institution)
    _save_titled(program, title=title, code=code, description=description)
    audit_record(
        actor=actor,
        action="curricula.program.create",
        target=program,
        organizations=[institution],
        changes={"title": program.title},
    )
    return program


@transaction.atomic
def program_update(
    *, actor: User, program: Program, title: str, code: str = "", description: str = ""
) -> Program:
    """Change a program's title, code or description."""
    require_edit(actor, program)
    _save_titled(program, title=title, code=code, description=description)
    audit_record(
        actor=actor,
        action="curricula.program.update",
        target=program,
        organizations=[program.institution_id],
        changes={"title": program.title, "code": program.code},
    )
    return program


@transaction.atomic
def program_delete(*, actor: User, program: Program) -> None:
    """Delete a program with its courses, outcomes and mappings."""
    require_edit(actor, program)
    audit_record(
        actor=actor,
        action="curricula.program.delete",
        target=program,
        organizations=[program.institution_id],
    )
    program.delete()


# --- Courses --------------------------------------------------------------------------------
@transaction.atomic
def course_create(
    *, actor: User, program: Program, title: str, code: str = "", description: str = ""
) -> Course:
    """Add a course to a program."""
    require_edit(actor, program)
    course = Course(program=program)
    _save_titled(course, title=title, code=code, description=description)
    audit_record(
        actor=actor,
        action="curricula.course.create",
        target=course,
        organizations=[program.institution_id],
        changes={"program": str(program.public_id), "title": course.title},
    )
    return course


@transaction.atomic
def course_update(
    *, actor: User, course: Course, title: str, code: str = "", description: str = ""
) -> Course:
    """Change a course's title, code or description."""
    require_edit(actor, course.program)
    _save_titled(course, title=title, code=code, description=description)
    audit_record(
        actor=actor,
        action="curricula.course.update",
        target=course,
        organizations=[course.program.institution_id],
        changes={"title": course.title, "code": course.code},
    )
    return course


@transaction.atomic
def course_delete(*, actor: User, course: Course) -> None:
    """Delete a course with its outcomes and mappings."""
    require_edit(actor, course.program)
    audit_record(
        actor=actor,
        action="curricula.course.delete",
        target=course,
        organizations=[course.program.institution_id],
    )
    course.delete()
