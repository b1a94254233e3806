"""Reads of profiles, completions and skill-fit recommendations, scoped to the viewer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tandem.accounts.models import User
from tandem.applications.models import Application
from tandem.curricula.models import Course, MappingStatus, OutcomeSkill
from tandem.curricula.services import opportunity_demand_refresh
from tandem.opportunities.models import Opportunity
from tandem.opportunities.selectors import student_visible_opportunities
from tandem.organizations.models import Organization
from tandem.skills.models import SkillConcept, SkillGroup

from . import fit
from .models import CourseCompletion, ProfileSkill, RemovedSkill
from .permissions import (
    can_view_cv_evidence,
    can_view_profile,
    institutions_of_student,
    recording_institution_ids,
)


# --- Profiles -------------------------------------------------------------------------------
@dataclass
class SkillRow:
    """One skill of a profile with every piece of evidence for it."""

    concept: SkillConcept
    entries: list[ProfileSkill] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({e.source for e in self.entries})


@dataclass
class ProfileView:
    student: User
    skills: list[SkillRow]
    removed: list[SkillConcept]
    completions: list[CourseCompletion]
    show_cv_evidence: bool


def student_get_or_404(viewer: Any, public_id: Any) -> User:
    """A student whose profile ``viewer`` may see, else 404 (existence does not leak)."""
    student = User.objects.filter(public_id=public_id, is_active=True).first()
    if student is None or not can_view_profile(viewer, student):
        raise Http404
    return student


def profile_for(viewer: Any, student: User) -> ProfileView:
    """The profile as ``viewer`` may see it: skills (minus the student's removals) with their
    evidence, by label; CV excerpts blanked for anyone but the student."""
    if not can_view_profile(viewer, student):
        raise Http404
    show_cv = can_view_cv_evidence(viewer, student)
    removed_ids = set(
        RemovedSkill.objects.filter(student=student).values_list("concept_id", flat=True)
    )
    rows: dict[int, SkillRow] = {}
    entries = ProfileSkill.objects.filter(student=student).select_related(
        "concept", "course", "application__opportunity__host"
    )
    for e in entries.order_by("concept__preferred_label", "source", "pk"):
        if e.concept_id in removed_ids:
            continue
        if not show_cv:
            e.excerpt = ""
        rows.setdefault(e.concept_id, SkillRow(concept=e.concept)).entries.append(e)
    removed = (
        list(SkillConcept.objects.filter(pk__in=removed_ids).order_by("preferred_label"))
        if show_cv
        else []
    )
    return ProfileView(
        student=student,
        skills=list(rows.values()),
        removed=removed,
        completions=list(completions_of(viewer, student)),
        show_cv_evidence=show_cv,
    )


def completions_of(viewer: Any, student: User) -> QuerySet[CourseCompletion]:
    if not can_view_profile(viewer, student):
        return CourseCompletion.objects.none()
    return CourseCompletion.objects.filter(student=student).select_related(
        "student", "course__program", "institution"
    )


def completions_recorded_for(viewer: Any, *, q: str = "") -> QuerySet[CourseCompletion]:
    """Completions of the institutions where ``viewer`` records them (educators and
    coordinators), newest first."""
    ids = recording_institution_ids(viewer)
    if not ids:
        return CourseCompletion.objects.none()
    qs = CourseCompletion.objects.filter(institution_id__in=ids).select_related(
        "student", "course__program", "institution"
    )
    if q:
        qs = qs.filter(student__full_name__icontains=q) | qs.filter(course__title__icontains=q)
    return qs.order_by("-completed_on", "-pk")


def recording_institutions(viewer: Any) -> QuerySet[Organization]:
    """The institutions where ``viewer`` records course completions (educators and
    coordinators): the choices of the completions import."""
    return Organization.objects.filter(pk__in=recording_institution_ids(viewer))


def recordable_courses(viewer: Any) -> QuerySet[Course]:
    ids = recording_institution_ids(viewer)
    if not ids:
        return Course.objects.none()
    return (
        Course.objects.filter(program__institution_id__in=ids)
        .select_related("program__institution")
        .order_by("program__title", "code", "title")
    )


def recordable_students(viewer: Any) -> QuerySet[User]:
    """Active students of the institutions where ``viewer`` records completions."""
    ids = recording_institution_ids(viewer)
    if not ids:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id__in=ids,
            memberships__role="student",
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


# --- Recommendations ------------------------------------------------------------------------
@dataclass(frozen=True)
class TeachingCourse:
    public_id: Any
    code: str
    title: str


@dataclass(frozen=True)
class MissingSkill:
    concept: SkillConcept
    related: tuple[SkillConcept, ...]
    courses: tuple[TeachingCourse, ...]


@dataclass(frozen=True)
class Recommendation:
    opportunity: Opportunity
    score: float
    matched: tuple[SkillConcept, ...]
    missing: tuple[MissingSkill, ...]
    applied: bool

    @property
    def percent(self) -> int:
        return round(100 * self.score)


def held_concept_ids(student: User) -> set[int]:
    """Concepts on the student's profile, minus the ones they removed."""
    removed = set(RemovedSkill.objects.filter(student=student).values_list("concept_id", flat=True))
    held = set(ProfileSkill.objects.filter(student=student).values_list("concept_id", flat=True))
    return held - removed


def _concepts(ids: set[int], uris: set[str]) -> dict[str, SkillConcept]:
    """URI → concept (with its leaf groups prefetched) for the given ids and URIs."""
    leaf = SkillGroup.objects.filter(level__gte=fit.SIBLING_GROUP_LEVEL).only("code")
    qs = SkillConcept.objects.filter(pk__in=ids) | SkillConcept.objects.filter(uri__in=uris)
    return {
        c.uri: c
        for c in qs.prefetch_related(Prefetch("groups", queryset=leaf, to_attr="leaf_groups"))
    }


def _skill(c: SkillConcept) -> fit.Skill:
    groups = getattr(c, "leaf_groups", [])
    return fit.Skill(uri=c.uri, label=c.preferred_label, groups=frozenset(g.code for g in groups))


def recommendations_for(viewer: Any) -> list[Recommendation]:
    """Opportunities the student may see, ranked by the fit of their profile, each with the
    skills matched, the skills missing, and their institution's courses that teach each
    missing skill (confirmed outcome mappings). A bounded number of queries whatever the
    number of opportunities (once their skills have been extracted)."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return []
    visible = student_visible_opportunities(viewer)
    opportunities = list(visible.select_related("host").order_by("pk"))
    if not opportunities:
        return []
    demand = opportunity_demand_refresh(opportunities)
    held_ids = held_concept_ids(viewer)
    required_uris = {u for uris in demand.values() for u in uris}
    concepts = _concepts(held_ids, required_uris)
    by_pk = {c.pk: c for c in concepts.values()}
    held = [_skill(by_pk[i]) for i in sorted(held_ids) if i in by_pk]
    targets = [
        fit.Target(
            key=str(o.public_id),
            title=o.title,
            required=tuple(
                fit.RequiredSkill(_skill(concepts[u]))
                for u in demand.get(o.pk, [])
                if u in concepts
            ),
        )
        for o in opportunities
    ]
    fits = fit.rank(held, targets)

    missing_ids = {concepts[m.uri].pk for f in fits for m in f.missing}
    teaching: dict[int, list[TeachingCourse]] = defaultdict(list)
    if missing_ids:
        rows = (
            OutcomeSkill.objects.filter(
                status=MappingStatus.CONFIRMED,
                concept_id__in=missing_ids,
                outcome__course__program__institution_id__in=institutions_of_student(viewer),
            )
            .values_list(
                "concept_id",
                "outcome__course__public_id",
                "outcome__course__code",
                "outcome__course__title",
            )
            .distinct()
            .order_by("concept_id", "outcome__course__code", "outcome__course__title")
        )
        for concept_id, public_id, code, title in rows:
            course = TeachingCourse(public_id=public_id, code=code, title=title)
            if course not in teaching[concept_id]:
                teaching[concept_id].append(course)
    applied = set(
        Application.objects.filter(
            student=viewer, opportunity_id__in=visible.values("pk")
        ).values_list("opportunity_id", flat=True)
    )
    opp_by_key = {str(o.public_id): o for o in opportunities}
    out = []
    for f in fits:
        opp = opp_by_key[f.key]
        out.append(
            Recommendation(
                opportunity=opp,
                score=f.score,
                matched=tuple(concepts[s.uri] for s in f.matched),
                missing=tuple(
                    MissingSkill(
                        concept=concepts[m.uri],
                        related=tuple(concepts[u] for u in m.related),
                        courses=tuple(teaching.get(concepts[m.uri].pk, [])),
                    )
                    for m in f.missing
                ),
                applied=opp.pk in applied,
            )
        )
    return out
