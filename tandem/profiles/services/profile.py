"""The student's own changes to their profile: skills found in a CV (PDF or pasted text), and
skills they add or remove. Only the student makes them (``permissions.can_edit_profile``)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.skills.models import SkillConcept
from tandem.skills.services import extract_lexical

from ..models import ProfileSkill, RemovedSkill, SkillSource
from ..permissions import can_edit_profile, institutions_of_student
from .recommendations import students_skills_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


MAX_CV_CHARS = 50_000
MAX_CV_PAGES = 30
CV_SKILLS = 25
EXCERPT_CONTEXT = 60


def _require_owner(actor: User | AnonymousUser, student: User) -> None:
    if not can_edit_profile(actor, student):
        raise PermissionDeniedError(_("Only the student edits their own profile."))


def check_cv_size(size: int) -> None:
    """A DomainError on the ``cv`` field if a CV file of ``size`` bytes is over the upload
    limit (callers that hold an upload check before reading it)."""
    if size > settings.UPLOAD_MAX_BYTES:
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
        raise DomainError(
            _("The file is too large: the limit is %(limit)s.") % {"limit": limit},
            fields={"cv": _("The file is too large.")},
        )


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
    except Exception as exc:
        # pypdf meets hostile bytes with many more exceptions (AttributeError, RecursionError,
        # zlib.error, …; found by tests/test_core_file_parsers_fuzz.py): still the user's file.
        raise DomainError(
            _("This PDF could not be read."), fields={"cv": _("This PDF could not be read.")}
        ) from exc
    # A PDF's text may hold NUL characters or lone surrogates, which no database stores.
    text = "\n".join(parts).replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


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
    *, actor: User | AnonymousUser, student: User, text: str = "", pdf: bytes | None = None
) -> int:
    """Find ESCO skills in the student's CV (pasted text or a PDF) and store them as CV
    suggestions, replacing the previous CV's. Keeps a short excerpt per skill as evidence;
    the CV text itself is discarded when this returns. Returns how many skills were found."""
    _require_owner(actor, student)
    if pdf is not None:
        check_cv_size(len(pdf))
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
    students_skills_changed(student_ids=[student.pk])
    audit_record(
        actor=actor,
        action="profiles.cv.extract",
        target=student,
        organizations=institutions_of_student(student),
        changes={"skills": len(rows), "from": "pdf" if pdf is not None else "text"},
    )
    return len(rows)


@transaction.atomic
def profile_cv_clear(*, actor: User | AnonymousUser, student: User) -> int:
    """Forget the skills (and excerpts) taken from the student's CV."""
    _require_owner(actor, student)
    removed, _by_model = ProfileSkill.objects.filter(
        student=student, source=SkillSource.CV
    ).delete()
    students_skills_changed(student_ids=[student.pk])
    audit_record(
        actor=actor,
        action="profiles.cv.clear",
        target=student,
        organizations=institutions_of_student(student),
        changes={"skills": removed},
    )
    return removed


@transaction.atomic
def profile_skill_add(
    *, actor: User | AnonymousUser, student: User, concept: SkillConcept
) -> ProfileSkill:
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
    students_skills_changed(student_ids=[student.pk])
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
def profile_skill_remove(
    *, actor: User | AnonymousUser, student: User, concept: SkillConcept
) -> None:
    """The student removes ``concept`` from their profile. Its declared entry goes; evidence
    from the CV, courses and placements stays but is hidden, also after later rebuilds."""
    _require_owner(actor, student)
    ProfileSkill.objects.filter(
        student=student, concept=concept, source=SkillSource.DECLARED
    ).delete()
    removal, created = RemovedSkill.objects.get_or_create(student=student, concept=concept)
    students_skills_changed(student_ids=[student.pk])
    if created:
        audit_record(
            actor=actor,
            action="profiles.skill.remove",
            target=removal,
            organizations=institutions_of_student(student),
            changes={"skill": concept.uri},
        )
