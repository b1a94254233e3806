"""REST endpoints for skill profiles (mounted at /api/v1/profiles by tandem.api.main).

Same rules as the pages: ``/me…`` is for students (403 for anyone else); a student profile
the caller may not see is a 404; broken rules are 400 with field messages.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status, UploadedFile

from tandem.accounts.models import User
from tandem.core.dates import Date
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.curricula.models import Course
from tandem.skills.models import SkillConcept

from . import selectors, services
from .permissions import can_edit_profile, recording_institution_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


router = Router(tags=["profiles"])


# --- Schemas --------------------------------------------------------------------------------
class EvidenceOut(Schema):
    source: str
    course_id: UUID | None = None
    course_title: str | None = None
    opportunity_id: UUID | None = None
    opportunity_title: str | None = None
    cv_excerpt: str = ""


class ProfileSkillOut(Schema):
    skill_uri: str
    skill_label: str
    evidence: list[EvidenceOut]


class CompletionOut(Schema):
    id: UUID
    student_id: UUID
    course_id: UUID
    course_title: str
    institution_id: UUID
    completed_on: date
    grade: str


class ProfileOut(Schema):
    student_id: UUID
    student_name: str
    skills: list[ProfileSkillOut]
    removed_skill_uris: list[str]
    completions: list[CompletionOut]


class SkillRef(Schema):
    uri: str
    label: str


class TeachingCourseOut(Schema):
    id: UUID
    code: str
    title: str


class MissingOut(SkillRef):
    related: list[SkillRef]
    courses: list[TeachingCourseOut]


class RecommendationOut(Schema):
    opportunity_id: UUID
    title: str
    host: str
    score: float
    applied: bool
    matched: list[SkillRef]
    missing: list[MissingOut]


class SkillIn(Schema):
    skill_uri: str = Field(..., max_length=200)


class CvTextIn(Schema):
    text: str = Field(..., max_length=services.MAX_CV_CHARS)


class CvOut(Schema):
    skills_found: int


class RebuildOut(Schema):
    added: int
    removed: int


class CompletionIn(Schema):
    student_id: UUID
    course_id: UUID
    completed_on: Date
    grade: str = Field("", max_length=services.MAX_GRADE_LENGTH)


# --- Helpers --------------------------------------------------------------------------------
def _me(request: HttpRequest) -> User:
    user = request.user
    if not can_edit_profile(user, user):
        raise PermissionDeniedError(_("Only students have a skill profile."))
    return user  # type: ignore[return-value]


def _profile(viewer: User | AnonymousUser, student: User) -> dict[str, Any]:
    view = selectors.profile_for(viewer, student)
    return {
        "student_id": student.public_id,
        "student_name": student.full_name,
        "skills": [
            {
                "skill_uri": row.concept.uri,
                "skill_label": row.concept.preferred_label,
                "evidence": [
                    {
                        "source": e.source,
                        "course_id": e.course.public_id if e.course else None,
                        "course_title": e.course.title if e.course else None,
                        "opportunity_id": e.application.opportunity.public_id
                        if e.application
                        else None,
                        "opportunity_title": e.application.opportunity.title
                        if e.application
                        else None,
                        "cv_excerpt": e.excerpt,
                    }
                    for e in row.entries
                ],
            }
            for row in view.skills
        ],
        "removed_skill_uris": [c.uri for c in view.removed],
        "completions": [_completion(c) for c in view.completions],
    }


def _completion(c: Any) -> dict[str, Any]:
    return {
        "id": c.public_id,
        "student_id": c.student.public_id,
        "course_id": c.course.public_id,
        "course_title": c.course.title,
        "institution_id": c.institution.public_id,
        "completed_on": c.completed_on,
        "grade": c.grade,
    }


def _concept(uri: str) -> SkillConcept:
    concept = SkillConcept.objects.filter(uri=uri).first()
    if concept is None:
        raise DomainError(
            _("Unknown ESCO concept."), fields={"skill_uri": _("No ESCO concept has this URI.")}
        )
    return concept


# --- Endpoints ------------------------------------------------------------------------------
@router.get("/me", response=ProfileOut)
def my_profile(request: HttpRequest) -> Any:
    """Your skills profile: each skill with its evidence, your removals, your completions."""
    me = _me(request)
    return _profile(request.user, me)


@router.get("/me/opportunities", response=list[RecommendationOut])
def my_opportunities(request: HttpRequest) -> Any:
    """Opportunities open to you, best skill fit first, with matched and missing skills and
    the courses of your institution that teach each missing skill."""
    _me(request)
    return [
        {
            "opportunity_id": r.opportunity.public_id,
            "title": r.opportunity.title,
            "host": r.opportunity.host.name,
            "score": round(r.score, 6),
            "applied": r.applied,
            "matched": [{"uri": c.uri, "label": c.preferred_label} for c in r.matched],
            "missing": [
                {
                    "uri": m.concept.uri,
                    "label": m.concept.preferred_label,
                    "related": [{"uri": c.uri, "label": c.preferred_label} for c in m.related],
                    "courses": [
                        {"id": c.public_id, "code": c.code, "title": c.title} for c in m.courses
                    ],
                }
                for m in r.missing
            ],
        }
        for r in selectors.recommendations_for(request.user)
    ]


@router.post("/me/skills", response={201: ProfileOut})
def skill_add(request: HttpRequest, payload: SkillIn) -> Any:
    """Add an ESCO skill (by URI) to your profile; undoes an earlier removal."""
    me = _me(request)
    services.profile_skill_add(actor=request.user, student=me, concept=_concept(payload.skill_uri))
    return Status(201, _profile(request.user, me))


@router.post("/me/skills/remove", response=ProfileOut)
def skill_remove(request: HttpRequest, payload: SkillIn) -> Any:
    """Remove a skill from your profile; it stays removed after rebuilds."""
    me = _me(request)
    services.profile_skill_remove(
        actor=request.user, student=me, concept=_concept(payload.skill_uri)
    )
    return _profile(request.user, me)


@router.post("/me/cv", response=CvOut)
def cv_text(request: HttpRequest, payload: CvTextIn) -> Any:
    """Find skills in the text of your CV (replacing those of the previous CV). The text is
    not stored."""
    me = _me(request)
    return {
        "skills_found": services.profile_cv_extract(
            actor=request.user, student=me, text=payload.text
        )
    }


@router.post("/me/cv/pdf", response=CvOut)
def cv_pdf(request: HttpRequest, cv: File[UploadedFile]) -> Any:
    """Find skills in your CV as a PDF (multipart/form-data, field ``cv``), replacing those of
    the previous CV. The same checks as the page: a PDF, within the upload limit, not
    password-protected, with text. The file is not stored."""
    me = _me(request)
    services.check_cv_size(cv.size or 0)
    return {
        "skills_found": services.profile_cv_extract(actor=request.user, student=me, pdf=cv.read())
    }


@router.post("/me/rebuild", response=RebuildOut)
def rebuild(request: HttpRequest) -> Any:
    """Recompute the skills from your completed courses and placements."""
    me = _me(request)
    result = services.profile_rebuild(actor=request.user, student=me)
    return {"added": result.added, "removed": result.removed}


@router.get("/students/{student_id}", response=ProfileOut)
def student_profile(request: HttpRequest, student_id: UUID) -> Any:
    """A student's profile, read-only, for the educators and coordinators of their
    institution (without CV excerpts)."""
    student = selectors.student_get_or_404(request.user, student_id)
    return _profile(request.user, student)


@router.get("/completions", response=list[CompletionOut])
def completion_list(request: HttpRequest) -> Any:
    """Completions you may see: your own as a student, your institutions' as staff."""
    user = request.user
    if recording_institution_ids(user):
        qs = selectors.completions_recorded_for(user)
    elif can_edit_profile(user, user):
        qs = selectors.completions_of(user, user)  # type: ignore[arg-type]
    else:
        return []
    return [_completion(c) for c in qs[:500]]


@router.post("/completions", response={201: CompletionOut})
def completion_create(request: HttpRequest, payload: CompletionIn) -> Any:
    """Record that a student of your institution completed one of its courses."""
    course = selectors.recordable_courses(request.user).filter(public_id=payload.course_id).first()
    if course is None:
        if not recording_institution_ids(request.user):
            raise PermissionDeniedError(
                _("Only educators and coordinators record course completions.")
            )
        raise Http404
    student = (
        selectors.recordable_students(request.user).filter(public_id=payload.student_id).first()
    )
    if student is None:
        raise DomainError(
            _("This person is not a student of the course's institution."),
            fields={"student_id": _("Choose a student of this institution.")},
        )
    completion = services.course_completion_record(
        actor=request.user,
        student=student,
        course=Course.objects.select_related("program").get(pk=course.pk),
        completed_on=payload.completed_on,
        grade=payload.grade,
    )
    completion = (
        type(completion)
        .objects.select_related("student", "course", "institution")
        .get(pk=completion.pk)
    )
    return Status(201, _completion(completion))
