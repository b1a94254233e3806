"""Every write of the profiles app: course completions, CV extraction, the student's own
decisions, and the rebuild of the entries derived from courses and placements.

Each service checks the actor (see ``permissions``), runs in one transaction and writes an
audit event. Audit events name no CV text and no grade: only what kind of change was made.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.applications.models import Application, Stage
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.curricula.extraction import extract_lexical
from tandem.curricula.models import Course, MappingStatus, OutcomeSkill
from tandem.curricula.services import opportunity_demand_refresh
from tandem.organizations.models import Membership, Organization, Role
from tandem.skills.models import SkillConcept

from .models import CourseCompletion, ProfileSkill, RemovedSkill, SkillSource
from .permissions import can_edit_profile, can_record_completion, institutions_of_student

logger = logging.getLogger(__name__)

MAX_GRADE_LENGTH = 20
MAX_CV_CHARS = 50_000
MAX_CV_PAGES = 30
CV_SKILLS = 25
EXCERPT_CONTEXT = 60
MAX_IMPORT_ROWS = 5000
IMPORT_COLUMNS = ("student_email", "course", "completed_on")


# --- Course completions ---------------------------------------------------------------------
def _clean_grade(grade: str) -> str:
    grade = " ".join((grade or "").split())
    if len(grade) > MAX_GRADE_LENGTH:
        raise DomainError(
            _("A grade has at most %(n)d characters.") % {"n": MAX_GRADE_LENGTH},
            fields={"grade": _("At most %(n)d characters.") % {"n": MAX_GRADE_LENGTH}},
        )
    return grade


def _check_completion(student: Any, course: Course, completed_on: date) -> None:
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
    *, actor: Any, student: User, course: Course, completed_on: date, grade: str = ""
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
    _rebuild(student)
    return completion


@transaction.atomic
def course_completion_delete(*, actor: Any, completion: CourseCompletion) -> None:
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
    _rebuild(student)


@dataclass
class CompletionImport:
    """What a CSV upload did: rows recorded, rows already recorded, bad rows by line."""

    created: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            _("The file is not UTF-8 text."), fields={"file": _("Save the file as UTF-8 CSV.")}
        ) from exc


def course_completions_import(
    *, actor: Any, institution: Organization, content: bytes
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
    if len(content) > settings.UPLOAD_MAX_BYTES:
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
        raise DomainError(
            _("The file is too large: the limit is %(limit)s.") % {"limit": limit},
            fields={"file": _("The file is too large: the limit is %(limit)s.") % {"limit": limit}},
        )
    reader = csv.DictReader(io.StringIO(_decode(content)))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    absent = [c for c in IMPORT_COLUMNS if c not in header]
    if absent:
        message = _("Missing columns: %(cols)s.") % {"cols": ", ".join(absent)}
        raise DomainError(message, fields={"file": [f"1: {message}"]}, code="bad_header")
    reader.fieldnames = header

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
    result = CompletionImport()
    rows: list[CourseCompletion] = []
    today = timezone.localdate()
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_IMPORT_ROWS:
            result.errors.append((line, _("More than %(n)d rows.") % {"n": MAX_IMPORT_ROWS}))
            break
        row = {k: (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
        if not any(row.values()):
            continue
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
        try:
            completed_on = date.fromisoformat(row.get("completed_on", ""))
        except ValueError:
            result.errors.append((line, _("completed_on is not a date (YYYY-MM-DD).")))
            continue
        if completed_on > today:
            result.errors.append((line, _("The completion date is in the future.")))
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
        raise DomainError(
            _("No row of the file could be recorded."),
            fields={"file": [f"{n}: {m}" for n, m in result.errors[:50]]},
            code="no_rows",
        )
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
            _rebuild(student)
    return result


# --- The student's profile ------------------------------------------------------------------
def _require_owner(actor: Any, student: Any) -> None:
    if not can_edit_profile(actor, student):
        raise PermissionDeniedError(_("Only the student edits their own profile."))


def pdf_text(content: bytes) -> str:
    """The text of a PDF (at most :data:`MAX_CV_PAGES` pages), or a DomainError."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not content.startswith(b"%PDF-"):
        raise DomainError(
            _("The CV must be a PDF document."), fields={"cv": _("Upload a PDF document.")}
        )
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise DomainError(
                _("The PDF is protected by a password."),
                fields={"cv": _("Upload a PDF without a password.")},
            )
        parts = []
        for page in reader.pages[:MAX_CV_PAGES]:
            parts.append(page.extract_text() or "")
            if sum(len(p) for p in parts) > MAX_CV_CHARS:
                break
    except DomainError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise DomainError(
            _("This PDF could not be read."), fields={"cv": _("This PDF could not be read.")}
        ) from exc
    return "\n".join(parts)


def cv_excerpt(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    if not spans:
        return ""
    start, end = spans[0]
    left, right = max(0, start - EXCERPT_CONTEXT), min(len(text), end + EXCERPT_CONTEXT)
    snippet = " ".join(text[left:right].split())
    prefix = "… " if left > 0 else ""
    suffix = " …" if right < len(text) else ""
    return (prefix + snippet + suffix)[:300]


@transaction.atomic
def profile_cv_extract(
    *, actor: Any, student: User, text: str = "", pdf: bytes | None = None
) -> int:
    """Find ESCO skills in the student's CV (pasted text or a PDF) and store them as CV
    suggestions, replacing the previous CV's. Keeps a short excerpt per skill as evidence;
    the CV text itself is discarded when this returns. Returns how many skills were found."""
    _require_owner(actor, student)
    if pdf is not None:
        if len(pdf) > settings.UPLOAD_MAX_BYTES:
            limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
            raise DomainError(
                _("The file is too large: the limit is %(limit)s.") % {"limit": limit},
                fields={"cv": _("The file is too large.")},
            )
        text = pdf_text(pdf)
        field_name = "cv"
    else:
        field_name = "text"
    text = (text or "")[:MAX_CV_CHARS]
    if not text.strip():
        raise DomainError(
            _("No text was found in the CV."),
            fields={field_name: _("Paste the text of your CV or upload a PDF with text.")},
        )
    matches = extract_lexical(text, top_k=CV_SKILLS)
    concepts = dict(
        SkillConcept.objects.filter(uri__in=[m.uri for m in matches], is_current=True).values_list(
            "uri", "pk"
        )
    )
    ProfileSkill.objects.filter(student=student, source=SkillSource.CV).delete()
    rows = [
        ProfileSkill(
            student=student,
            concept_id=concepts[m.uri],
            source=SkillSource.CV,
            excerpt=cv_excerpt(text, m.spans),
            score=round(m.score, 4),
        )
        for m in matches
        if m.uri in concepts
    ]
    ProfileSkill.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="profiles.cv.extract",
        target=student,
        organizations=institutions_of_student(student),
        changes={"skills": len(rows), "from": "pdf" if pdf is not None else "text"},
    )
    return len(rows)


@transaction.atomic
def profile_cv_clear(*, actor: Any, student: User) -> int:
    """Forget the skills (and excerpts) taken from the student's CV."""
    _require_owner(actor, student)
    removed, _by_model = ProfileSkill.objects.filter(
        student=student, source=SkillSource.CV
    ).delete()
    audit_record(
        actor=actor,
        action="profiles.cv.clear",
        target=student,
        organizations=institutions_of_student(student),
        changes={"skills": removed},
    )
    return removed


@transaction.atomic
def profile_skill_add(*, actor: Any, student: User, concept: SkillConcept) -> ProfileSkill:
    """The student says they have ``concept`` (chosen from ESCO). Undoes an earlier removal."""
    _require_owner(actor, student)
    if not concept.is_current:
        raise DomainError(
            _("This ESCO concept is no longer current."),
            fields={"concept": _("This ESCO concept is no longer current.")},
        )
    RemovedSkill.objects.filter(student=student, concept=concept).delete()
    entry, created = ProfileSkill.objects.get_or_create(
        student=student, concept=concept, source=SkillSource.DECLARED
    )
    if created:
        audit_record(
            actor=actor,
            action="profiles.skill.add",
            target=entry,
            organizations=institutions_of_student(student),
            changes={"skill": concept.uri},
        )
    return entry


@transaction.atomic
def profile_skill_remove(*, actor: Any, student: User, concept: SkillConcept) -> None:
    """The student removes ``concept`` from their profile. Its declared entry goes; evidence
    from the CV, courses and placements stays but is hidden, also after later rebuilds."""
    _require_owner(actor, student)
    ProfileSkill.objects.filter(
        student=student, concept=concept, source=SkillSource.DECLARED
    ).delete()
    removal, created = RemovedSkill.objects.get_or_create(student=student, concept=concept)
    if created:
        audit_record(
            actor=actor,
            action="profiles.skill.remove",
            target=removal,
            organizations=institutions_of_student(student),
            changes={"skill": concept.uri},
        )


@dataclass(frozen=True, slots=True)
class RebuildResult:
    added: int
    removed: int


def _wanted(student: User) -> set[tuple[str, int, int | None, int | None]]:
    """(source, concept id, course id, application id) of every derived entry due."""
    wanted: set[tuple[str, int, int | None, int | None]] = set()
    for concept_id, course_id in (
        OutcomeSkill.objects.filter(
            status=MappingStatus.CONFIRMED,
            outcome__course__completions__student=student,
        )
        .values_list("concept_id", "outcome__course_id")
        .distinct()
    ):
        wanted.add((SkillSource.COURSE, concept_id, course_id, None))
    placements = list(
        Application.objects.filter(student=student, stage=Stage.COMPLETED).select_related(
            "opportunity"
        )
    )
    if placements:
        demand = opportunity_demand_refresh([a.opportunity for a in placements])
        uris = {u for a in placements for u in demand.get(a.opportunity_id, [])}
        ids = dict(
            SkillConcept.objects.filter(uri__in=uris, is_current=True).values_list("uri", "pk")
        )
        for a in placements:
            for uri in demand.get(a.opportunity_id, []):
                if uri in ids:
                    wanted.add((SkillSource.PLACEMENT, ids[uri], None, a.pk))
    return wanted


def _rebuild(student: User) -> RebuildResult:
    wanted = _wanted(student)
    existing = {
        (source, concept_id, course_id, application_id): pk
        for pk, source, concept_id, course_id, application_id in ProfileSkill.objects.filter(
            student=student, source__in=[SkillSource.COURSE, SkillSource.PLACEMENT]
        ).values_list("pk", "source", "concept_id", "course_id", "application_id")
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        ProfileSkill.objects.filter(pk__in=stale).delete()
    new = [
        ProfileSkill(
            student=student,
            source=source,
            concept_id=concept_id,
            course_id=course_id,
            application_id=application_id,
        )
        for (source, concept_id, course_id, application_id) in sorted(
            wanted - set(existing), key=lambda k: (k[0], k[1], k[2] or 0, k[3] or 0)
        )
    ]
    ProfileSkill.objects.bulk_create(new)
    return RebuildResult(added=len(new), removed=len(stale))


@transaction.atomic
def profile_rebuild(*, actor: Any, student: User) -> RebuildResult:
    """Recompute the entries taken from completed courses (their confirmed outcome skills)
    and completed placements (the skills of the opportunity). Idempotent; the CV entries,
    the student's additions and removals are left as they are. The student, or staff who
    may record completions for one of the student's institutions, may ask for it."""
    staff_ok = any(can_record_completion(actor, i) for i in institutions_of_student(student))
    if not (can_edit_profile(actor, student) or staff_ok):
        raise PermissionDeniedError(_("You may not refresh this profile."))
    result = _rebuild(student)
    if result.added or result.removed:
        audit_record(
            actor=actor,
            action="profiles.rebuild",
            target=student,
            organizations=institutions_of_student(student),
            changes={"added": result.added, "removed": result.removed},
        )
    return result


def profile_rebuild_system(*, student: User) -> RebuildResult:
    """The same rebuild for the platform itself (demo world, maintenance): no actor check."""
    with transaction.atomic():
        return _rebuild(student)


# --- Personal data --------------------------------------------------------------------------
def profile_personal_data_export(user: Any) -> dict[str, Any]:
    """The person's completions, profile skills with their evidence, and removals."""
    return {
        "course_completions": [
            {
                "course": c.course.title,
                "course_code": c.course.code,
                "institution": c.institution.name,
                "completed_on": c.completed_on,
                "grade": c.grade,
            }
            for c in CourseCompletion.objects.filter(student=user).select_related(
                "course", "institution"
            )
        ],
        "skills": [
            {
                "skill": s.concept.uri,
                "label": s.concept.preferred_label,
                "source": s.source,
                "course": s.course.title if s.course else None,
                "placement": s.application.opportunity.title if s.application else None,
                "cv_excerpt": s.excerpt,
                "created_at": s.created_at,
            }
            for s in ProfileSkill.objects.filter(student=user).select_related(
                "concept", "course", "application__opportunity"
            )
        ],
        "removed_skills": [
            {"skill": r.concept.uri, "removed_at": r.created_at}
            for r in RemovedSkill.objects.filter(student=user).select_related("concept")
        ],
    }


def profile_personal_data_erase(user: Any) -> None:
    """A profile is wholly about its student: delete it. Completions the person recorded for
    others stay, unlinked from them."""
    ProfileSkill.objects.filter(student=user).delete()
    RemovedSkill.objects.filter(student=user).delete()
    CourseCompletion.objects.filter(student=user).delete()
    CourseCompletion.objects.filter(recorded_by=user).update(recorded_by=None)
