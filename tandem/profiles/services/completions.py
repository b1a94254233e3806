"""Course completions: recorded one by one or from a CSV file by the institution's educators
and coordinators, and removed when recorded by mistake. Each change rebuilds the affected
students' course skills (see :mod:`.rebuild`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.audit.services import audit_record
from tandem.core.csv_import import CsvUpload, ImportResult, nothing_recorded, past_date
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.curricula.models import Course
from tandem.organizations.models import Membership, Organization, Role

from ..models import CourseCompletion
from ..permissions import can_record_completion, institutions_of_student
from .rebuild import rebuild_student

MAX_GRADE_LENGTH = 20
MAX_IMPORT_ROWS = 5000
IMPORT_COLUMNS = ("student_email", "course", "completed_on")


def _clean_grade(grade: str) -> str:
    grade = " ".join((grade or "").split())
    if len(grade) > MAX_GRADE_LENGTH:
        raise DomainError(
            _("A grade has at most %(n)d characters.") % {"n": MAX_GRADE_LENGTH},
            fields={"grade": _("At most %(n)d characters.") % {"n": MAX_GRADE_LENGTH}},
        )
    return grade


def _check_completion(student: User, course: Course, completed_on: date) -> None:
    institution_id = course.program.institution_id
    if institution_id not in institutions_of_student(student):
        raise DomainError(
            _("This person is not a student of the course's institution."),
            fields={"student": _("Choose a student of this institution.")},
        )
    if completed_on > timezone.localdate():
        raise DomainError(
            _("The completion date is in the future."),
            fields={"completed_on": _("The completion date is in the future.")},
        )


@transaction.atomic
def course_completion_record(
    *,
    actor: User | AnonymousUser,
    student: User,
    course: Course,
    completed_on: date,
    grade: str = "",
) -> CourseCompletion:
    """Record that ``student`` completed ``course`` (an educator or coordinator of the
    course's institution), then refresh the skills the student's profile takes from courses."""
    institution_id = course.program.institution_id
    if not can_record_completion(actor, institution_id):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution record completions.")
        )
    grade = _clean_grade(grade)
    _check_completion(student, course, completed_on)
    try:
        with transaction.atomic():
            assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
            completion = CourseCompletion.objects.create(
                student=student,
                course=course,
                institution_id=institution_id,
                completed_on=completed_on,
                grade=grade,
                recorded_by=actor,
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("This completion is already recorded."),
        ) from exc
    audit_record(
        actor=actor,
        action="profiles.completion.record",
        target=completion,
        organizations=[institution_id],
        changes={"course": str(course.public_id), "completed_on": completed_on.isoformat()},
    )
    rebuild_student(student)
    return completion


@transaction.atomic
def course_completion_delete(*, actor: User | AnonymousUser, completion: CourseCompletion) -> None:
    """Remove a completion recorded by mistake; the skills it gave go with it."""
    if not can_record_completion(actor, completion.institution_id):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution remove completions.")
        )
    student = completion.student
    audit_record(
        actor=actor,
        action="profiles.completion.delete",
        target=completion,
        organizations=[completion.institution_id],
        changes={"course": str(completion.course.public_id)},
    )
    completion.delete()
    rebuild_student(student)


@dataclass
class CompletionImport(ImportResult):
    """What a CSV upload did: rows recorded, rows already recorded, bad rows by line."""

    created: int = 0


def course_completions_import(
    *, actor: User | AnonymousUser, institution: Organization, content: bytes
) -> CompletionImport:
    """Record the completions of a CSV file (columns ``student_email``, ``course`` — the
    course code or title — ``completed_on`` as YYYY-MM-DD, optional ``grade``).

    Good rows are recorded, rows already recorded are skipped (uploading a file twice is
    harmless), and each bad row is reported with its line number (the header is line 1). A
    file with no good row records nothing and raises the line errors as a DomainError.
    """
    if not can_record_completion(actor, institution):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution record completions.")
        )
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
    result = CompletionImport()
    upload = CsvUpload(
        content, columns=IMPORT_COLUMNS, max_rows=MAX_IMPORT_ROWS, errors=result.errors
    )

    courses: dict[str, list[Course]] = {}
    for c in Course.objects.filter(program__institution=institution).select_related("program"):
        for key in {c.code.strip().casefold(), c.title.strip().casefold()} - {""}:
            courses.setdefault(key, []).append(c)
    students = {
        email.casefold(): uid
        for email, uid in Membership.objects.filter(
            organization=institution, role=Role.STUDENT, is_active=True, user__is_active=True
        ).values_list("user__email", "user_id")
    }
    done = set(
        CourseCompletion.objects.filter(institution=institution).values_list(
            "student_id", "course_id"
        )
    )
    rows: list[CourseCompletion] = []
    for line, row in upload:
        email, course_key = row.get("student_email", ""), row.get("course", "")
        student_id = students.get(email.casefold())
        if student_id is None:
            result.errors.append((line, _("No student of this institution has that e-mail.")))
            continue
        matches = courses.get(course_key.casefold(), [])
        if len(matches) != 1:
            result.errors.append(
                (
                    line,
                    _("No course has this code or title.")
                    if not matches
                    else _("Several courses have this code or title: use the title."),
                )
            )
            continue
        completed_on, problem = past_date(row.get("completed_on", ""))
        if completed_on is None:
            result.errors.append((line, problem))
            continue
        grade = " ".join(row.get("grade", "").split())
        if len(grade) > MAX_GRADE_LENGTH:
            result.errors.append(
                (line, _("A grade has at most %(n)d characters.") % {"n": MAX_GRADE_LENGTH})
            )
            continue
        course = matches[0]
        if (student_id, course.pk) in done:
            result.skipped += 1
            continue
        done.add((student_id, course.pk))
        rows.append(
            CourseCompletion(
                student_id=student_id,
                course=course,
                institution=institution,
                completed_on=completed_on,
                grade=grade,
                recorded_by=actor,
            )
        )
    if not rows and not result.skipped and result.errors:
        raise nothing_recorded(result.errors)
    with transaction.atomic():
        CourseCompletion.objects.bulk_create(rows, batch_size=1000)
        result.created = len(rows)
        audit_record(
            actor=actor,
            action="profiles.completion.import",
            target=institution,
            organizations=[institution],
            changes={"created": result.created, "skipped": result.skipped},
        )
        for student in User.objects.filter(pk__in={r.student_id for r in rows}):
            rebuild_student(student)
    return result
