"""Reads of profiles, completions and skill-fit recommendations, scoped to the viewer."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, overload

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Upper
from django.http import Http404

from tandem.accounts.models import User
from tandem.applications.models import Application
from tandem.core.fulltext import search_words
from tandem.core.listing_cache import cached_value
from tandem.curricula.models import Course, MappingStatus, OutcomeSkill
from tandem.opportunities.models import Opportunity
from tandem.opportunities.permissions import student_memberships
from tandem.opportunities.selectors import (
    student_visible_listing,
    student_visible_opportunities,
)
from tandem.organizations.models import Organization
from tandem.organizations.permissions import remember_memberships
from tandem.skills.models import OpportunitySkill, SkillConcept, SkillGroup
from tandem.skills.selectors import opportunities_asking_for, opportunity_skills
from tandem.skills.services import opportunity_skills_version

from . import fit
from .models import CourseCompletion, ProfileSkill, RemovedSkill, StudentRanking
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


def student_search(viewer: Any, text: str) -> QuerySet[User]:
    """Students whose profile ``viewer`` may see (:func:`~.permissions.can_view_profile`:
    educators and coordinators see their institutions' active students; nobody else sees
    anyone) whose name holds every word of ``text``, by name."""
    words = search_words(text)
    if not words:
        return User.objects.none()
    qs = recordable_students(viewer)
    for word in words:
        qs = qs.filter(full_name__icontains=word)
    return qs


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


RANKED_CANDIDATES = 300  # opportunities ranked by fit; the rest follow by title
CACHE_SECONDS = 3600
#: A page's cached explanations live at most this long (a change of a skill's label, made
#: without the ORM's signals by a taxonomy import, shows within it).
EXPLAIN_SECONDS = 600


def _reach(held: list[SkillConcept]) -> Any:
    """Concept ids (a subquery) that give credit for the skills held: the held concepts,
    concepts with the same preferred label (whatever the case), and concepts in the same leaf
    groups (siblings, half credit; see ``fit``)."""
    ids = {c.pk for c in held}
    # The held labels upper-cased by the database, as the index is (SQLite's upper() is ASCII
    # only, Python's is not).
    labels = (
        SkillConcept.objects.filter(pk__in=ids)
        .exclude(preferred_label="")
        .annotate(u=Upper("preferred_label"))
        .order_by()
        .values("u")
    )
    groups = {g.pk for c in held for g in getattr(c, "leaf_groups", [])}
    siblings = SkillConcept.groups.through.objects.filter(skillgroup_id__in=groups).values(
        "skillconcept_id"
    )
    # One upper() a row, matched by the functional index (skill_concept_label_upper), and no
    # ordering: the model's (by label) made PostgreSQL walk the label index with a heap fetch
    # a concept.
    return (
        SkillConcept.objects.alias(label_upper=Upper("preferred_label"))
        .filter(Q(pk__in=ids) | Q(label_upper__in=labels) | Q(pk__in=siblings))
        .order_by()
        .values("pk")
    )


def held_concepts(viewer: User) -> list[SkillConcept]:
    leaf = SkillGroup.objects.filter(level__gte=fit.SIBLING_GROUP_LEVEL).only("code")
    held = ProfileSkill.objects.filter(student=viewer).values("concept_id")
    removed = RemovedSkill.objects.filter(student=viewer).values("concept_id")
    return list(
        SkillConcept.objects.filter(pk__in=held)
        .exclude(pk__in=removed)
        .order_by("pk")
        .prefetch_related(Prefetch("groups", queryset=leaf, to_attr="leaf_groups"))
    )


def _targets(opportunities: list[Opportunity]) -> tuple[list[fit.Target], dict[str, SkillConcept]]:
    """The fit targets of these opportunities from their stored skills (read-only)."""
    demand = opportunity_skills(opportunities)
    concepts = _concepts(set(), {u for uris in demand.values() for u in uris})
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
    return targets, concepts


CANDIDATE_WINDOW = 2000  # index rows read per query while looking for visible candidates
CANDIDATE_WINDOWS = 5  # at most this many windows (a bounded number of queries)


def _candidates(reach: list[int], visible: QuerySet[Opportunity]) -> list[int]:
    """The (at most :data:`RANKED_CANDIDATES`) visible opportunities sharing the most concepts
    with ``reach``: windows of the inverted index by overlap, each filtered by visibility
    with one query on its ids (cheaper than a visibility subquery over every opportunity)."""
    out: list[int] = []
    if not reach:
        return out
    for window in range(CANDIDATE_WINDOWS):
        rows = opportunities_asking_for(
            reach, limit=CANDIDATE_WINDOW, offset=window * CANDIDATE_WINDOW
        )
        ids = [pk for pk, _n in rows]
        seen = set(visible.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        out += [pk for pk in ids if pk in seen]
        if len(out) >= RANKED_CANDIDATES or len(rows) < CANDIDATE_WINDOW:
            break
    return out[:RANKED_CANDIDATES]


def ranking_key(viewer: User, held: list[SkillConcept]) -> str:
    """The fingerprint of what a student's ranking is computed from: the concepts they hold
    and their student memberships (institution, program, year: what they may see). The key
    of a stored or cached ranking; when it changes, the stored one is not used."""
    memberships = sorted(student_memberships(viewer), key=repr)
    text = ",".join(str(c.pk) for c in held) + "|" + repr(memberships)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RankedEntry:
    """One opportunity of a ranking: its pk, its fit and how many skills matched in full."""

    pk: int
    score: float
    matched: int


def compute_ranking(
    viewer: User, visible: QuerySet[Opportunity], held: list[SkillConcept]
) -> list[RankedEntry]:
    """The ranking rule, in one place: the (at most :data:`RANKED_CANDIDATES`) visible
    opportunities found by the inverted index of opportunity skills, scored with ``fit``,
    best first. The background refresh (``services.recommendations``) stores it; a page
    computes it only when nothing is stored for the student's current skills."""
    if not held:
        return []
    candidates = _candidates(list(_reach(held).values_list("pk", flat=True)), visible)
    opps = list(Opportunity.objects.filter(pk__in=candidates).only("pk", "public_id", "title"))
    targets, _concepts_of = _targets(opps)
    by_key = {str(o.public_id): o.pk for o in opps}
    return [
        RankedEntry(by_key[f.key], f.score, len(f.matched))
        for f in fit.rank([_skill(c) for c in held], targets)
    ]


class RankingBatch:
    """:func:`compute_ranking` for many students at once (the background refresh and the
    bulk fills): the same rule — the visible opportunities sharing the most concepts with the
    student's reach (ties by pk, at most :data:`RANKED_CANDIDATES`), ranked by ``fit`` — with
    what students share read once: the inverted index of the concepts met, each distinct
    visibility (institution, program, year) as a mask over opportunity pks, each opportunity's
    fit target, and the ranking itself for students with the same skills and visibility.
    Where the request's evaluator stops after :data:`CANDIDATE_WINDOWS` windows of the index,
    this one reads the whole of it. Not for a request: it reads index rows by the hundred
    thousand."""

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._top = int(
            Opportunity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        self._postings: dict[int, Any] = {}  # concept pk → sorted opportunity pks (array)
        self._masks: dict[tuple[Any, ...], Any] = {}
        self._reach: dict[str, list[int]] = {}
        self._targets: dict[int, fit.Target] = {}
        self._pk_of: dict[str, int] = {}
        self._done: dict[tuple[Any, ...], list[RankedEntry]] = {}
        # (reach, visibility) → the candidates' fit targets: students whose skills differ but
        # reach the same concepts (siblings of one leaf group) share the index work.
        self._found: dict[tuple[Any, ...], list[fit.Target]] = {}
        self._required: dict[tuple[fit.RequiredSkill, ...], tuple[fit.RequiredSkill, ...]] = {}
        self._concepts: dict[int, SkillConcept] = {}
        self._held: dict[int, list[SkillConcept]] = {}
        self._upper: dict[int, str] = {}  # concept pk → upper(label), as the database has it
        self._same_label: dict[str, list[int]] = {}  # upper(label) → concept pks
        self._members: dict[int, list[int]] = {}  # leaf group pk → concept pks

    def prepare(self, students: list[User]) -> None:
        """Read what :meth:`rank` needs of these students with a few queries for all of
        them (their memberships and held concepts) instead of a few each."""
        remember_memberships(students)
        ids = [s.pk for s in students]
        held: dict[int, set[int]] = {pk: set() for pk in ids}
        for student_id, concept_id in ProfileSkill.objects.filter(student_id__in=ids).values_list(
            "student_id", "concept_id"
        ):
            held[student_id].add(concept_id)
        for student_id, concept_id in RemovedSkill.objects.filter(student_id__in=ids).values_list(
            "student_id", "concept_id"
        ):
            held[student_id].discard(concept_id)
        todo = {c for cs in held.values() for c in cs} - set(self._concepts)
        if todo:
            leaf = SkillGroup.objects.filter(level__gte=fit.SIBLING_GROUP_LEVEL).only("code")
            for c in SkillConcept.objects.filter(pk__in=todo).prefetch_related(
                Prefetch("groups", queryset=leaf, to_attr="leaf_groups")
            ):
                self._concepts[c.pk] = c
        self._held = {
            pk: [self._concepts[c] for c in sorted(cs) if c in self._concepts]
            for pk, cs in held.items()
        }

    def _load_postings(self, concept_ids: list[int]) -> None:
        np = self._np
        todo = [c for c in concept_ids if c not in self._postings]
        if not todo:
            return
        rows: dict[int, list[int]] = {c: [] for c in todo}
        for concept_id, opportunity_id in OpportunitySkill.objects.filter(
            concept_id__in=todo
        ).values_list("concept_id", "opportunity_id"):
            rows[concept_id].append(opportunity_id)
        for c, ids in rows.items():
            self._postings[c] = np.array(ids, dtype=np.int64)

    def _mask(self, student: User) -> Any:
        key = tuple(sorted(student_memberships(student), key=repr))
        mask = self._masks.get(key)
        if mask is None:
            np = self._np
            mask = np.zeros(self._top + 1, dtype=bool)
            ids = list(
                student_visible_opportunities(student)
                .filter(pk__lte=self._top)
                .values_list("pk", flat=True)
            )
            mask[np.array(ids, dtype=np.int64)] = True
            self._masks[key] = mask
        return key, mask

    def _candidates(self, reach: list[int], mask: Any) -> list[int]:
        np = self._np
        self._load_postings(reach)
        arrays = [self._postings[c] for c in reach if len(self._postings[c])]
        if not arrays:
            return []
        counts = np.bincount(np.concatenate(arrays), minlength=self._top + 1)[: self._top + 1]
        counts = np.where(mask, counts, 0)
        out: list[int] = []
        for n in range(int(counts.max()), 0, -1):
            out += np.flatnonzero(counts == n)[: RANKED_CANDIDATES - len(out)].tolist()
            if len(out) >= RANKED_CANDIDATES:
                break
        return out

    def _fit_targets(self, pks: list[int]) -> list[fit.Target]:
        todo = [pk for pk in pks if pk not in self._targets]
        for i in range(0, len(todo), 2000):
            opps = list(
                Opportunity.objects.filter(pk__in=todo[i : i + 2000]).only(
                    "pk", "public_id", "title"
                )
            )
            targets, _concepts = _targets(opps)
            for o, t in zip(opps, targets, strict=True):
                # Equal skill lists as one object: fit.rank_scores scores each list once.
                required = self._required.setdefault(t.required, t.required)
                if required is not t.required:
                    t = replace(t, required=required)
                self._targets[o.pk] = t
                self._pk_of[t.key] = o.pk
        return [self._targets[pk] for pk in pks if pk in self._targets]

    def _reach_of(self, held: list[SkillConcept]) -> list[int]:
        """What :func:`_reach` finds, from maps read once a batch (same-label concepts by the
        database's upper(), leaf-group members) instead of one query a skill set."""
        todo = [c.pk for c in held if c.pk not in self._upper]
        if todo:
            pairs = list(
                SkillConcept.objects.filter(pk__in=todo)
                .annotate(u=Upper("preferred_label"))
                .order_by()
                .values_list("pk", "u")
            )
            wanted = {u for _pk, u in pairs if u and u not in self._same_label}
            for pk, u in pairs:
                self._upper[pk] = u or ""
            for u in wanted:
                self._same_label[u] = []
            if wanted:
                for pk, u in (
                    SkillConcept.objects.alias(u=Upper("preferred_label"))
                    .filter(u__in=sorted(wanted))
                    .annotate(upper=Upper("preferred_label"))
                    .order_by()
                    .values_list("pk", "upper")
                ):
                    self._same_label[u].append(pk)
        groups = {g.pk for c in held for g in getattr(c, "leaf_groups", [])}
        new_groups = sorted(groups - set(self._members))
        for g in new_groups:
            self._members[g] = []
        if new_groups:
            for g, pk in SkillConcept.groups.through.objects.filter(
                skillgroup_id__in=new_groups
            ).values_list("skillgroup_id", "skillconcept_id"):
                self._members[g].append(pk)
        out = {c.pk for c in held}
        for c in held:
            if self._upper.get(c.pk):
                out.update(self._same_label.get(self._upper[c.pk], ()))
        for g in groups:
            out.update(self._members[g])
        return sorted(out)

    def held(self, student: User) -> list[SkillConcept]:
        """The concepts ``student`` holds (read by :meth:`prepare`, else now)."""
        held = self._held.get(student.pk)
        return held_concepts(student) if held is None else held

    def rank(self, student: User) -> tuple[str, list[RankedEntry]]:
        """``(ranking key, ranking)`` of one student (see :func:`compute_ranking`)."""
        held = self.held(student)
        key = ranking_key(student, held)
        if not held:
            return key, []
        vis_key, mask = self._mask(student)
        done = self._done.get((key, vis_key))
        if done is None:
            reach = self._reach.get(key)
            if reach is None:
                reach = self._reach[key] = self._reach_of(held)
            found = self._found.get((tuple(reach), vis_key))
            if found is None:
                found = self._found[(tuple(reach), vis_key)] = self._fit_targets(
                    self._candidates(reach, mask)
                )
            done = self._done[(key, vis_key)] = [
                RankedEntry(self._pk_of[t.key], score, matched)
                for t, score, matched in fit.rank_scores([_skill(c) for c in held], found)
            ]
        return key, done


def stored_ranking(viewer: User, held: list[SkillConcept]) -> list[int] | None:
    """The pks of the ranking stored for ``viewer`` by the background refresh, best first,
    or None when none is stored for their current skills. One query."""
    row = StudentRanking.objects.filter(student=viewer).values_list("skills_key", "entries").first()
    if row is None or row[0] != ranking_key(viewer, held):
        return None
    return [int(e[0]) for e in row[1]]


def _ranked(viewer: User, visible: QuerySet[Opportunity], held: list[SkillConcept]) -> list[int]:
    """Pks of the best-fitting visible opportunities, best first: the ranking stored in the
    background (``StudentRanking``) when there is one for the student's current skills, its
    postings re-checked against what the student may see now (one query); else — nothing
    stored yet, or the skills just changed and the refresh has not run — ranked in the request
    (:func:`compute_ranking`) and cached until their skills or any opportunity changes."""
    stored = stored_ranking(viewer, held)
    if stored is not None:
        if not stored:
            return []
        seen = set(visible.filter(pk__in=stored).values_list("pk", flat=True))
        return [pk for pk in stored if pk in seen]
    key = f"profiles:recs:{viewer.pk}:{opportunity_skills_version()}:{ranking_key(viewer, held)}"
    ranked: list[int] | None = cache.get(key)
    if ranked is None:
        ranked = [e.pk for e in compute_ranking(viewer, visible, held)]
        cache.set(key, ranked, CACHE_SECONDS)
    return ranked


class Recommendations(Sequence[Recommendation]):
    """The student's recommendations, best fit first, built a page at a time: the ranked
    candidates, then every other opportunity they may see by title (a fit of 0 unless the
    student's skills reach it beyond the ranked candidates). Slicing costs a bounded number
    of queries whatever the number of opportunities."""

    def __init__(
        self,
        viewer: User,
        visible: QuerySet[Opportunity],
        ranked: list[int],
        held: list[SkillConcept],
    ):
        self.viewer = viewer
        self.visible = visible
        self.ranked = ranked
        self.held = held
        self._rest = visible.exclude(pk__in=ranked).order_by("title", "public_id")
        self._len: int | None = None

    def __len__(self) -> int:
        if self._len is None:
            self._len = len(self.ranked) + self._rest.count()
        return self._len

    def capped_count(self, cap: int) -> int:
        """``len(self)``, counting no further than ``cap + 1`` (for
        :class:`~tandem.core.pagination.CappedPaginator`: the page then costs no count of
        every visible opportunity)."""
        if self._len is not None:
            return min(self._len, cap + 1)
        # The ranked postings are visible ones (re-checked when read), the rest is every
        # other visible posting: together, every visible posting — counted (capped) once per
        # visibility scope and cached until a posting changes (``core.listing_cache``).
        return max(len(self.ranked), student_visible_listing(self.viewer).capped_count(cap))

    def _pks(self, start: int, stop: int) -> list[int]:
        head = self.ranked[start:stop]
        if stop > len(self.ranked):
            lo = max(0, start - len(self.ranked))
            hi = stop - len(self.ranked)
            head += list(self._rest.values_list("pk", flat=True)[lo:hi])
        return head

    @overload
    def __getitem__(self, index: int) -> Recommendation: ...

    @overload
    def __getitem__(self, index: slice) -> list[Recommendation]: ...

    def __getitem__(self, index: int | slice) -> Recommendation | list[Recommendation]:
        if isinstance(index, slice):
            start = 0 if index.start is None else index.start
            if (
                index.step in (None, 1)
                and isinstance(start, int)
                and isinstance(index.stop, int)
                and 0 <= start <= index.stop
            ):
                # No count needed (``[:3]`` on the student's home included: counting every
                # visible posting took 4.5 s on SQLite at 100,000 postings).
                return self._build(self._pks(start, index.stop))
            start, stop, step = index.indices(len(self))
            if step != 1:
                return list(self)[index]
            return self._build(self._pks(start, stop))
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError(index)
        return self._build(self._pks(i, i + 1))[0]

    def __iter__(self) -> Iterator[Recommendation]:
        for start in range(0, len(self), 500):
            yield from self[start : start + 500]

    def _build(self, pks: list[int]) -> list[Recommendation]:
        if not pks:
            return []
        # Re-checked against what the student may see now (the ranking may be cached).
        by_pk = self.visible.select_related("host").in_bulk(pks)
        opportunities = [by_pk[pk] for pk in pks if pk in by_pk]
        # The page's explanations (fit, skills matched and missing, courses teaching them)
        # depend on the student's skills and memberships (the ranking key), the postings'
        # stored skills and the institution's courses: cached per student and page under
        # those (``core.listing_cache``), the postings themselves and "applied" read fresh.
        from .apps import EXPLANATIONS

        scope = (
            self.viewer.pk,
            ranking_key(self.viewer, self.held),
            opportunity_skills_version(),
            [o.pk for o in opportunities],
        )
        explained = cached_value(
            EXPLANATIONS, scope, lambda: self._explain(opportunities), timeout=EXPLAIN_SECONDS
        )
        applied = set(
            Application.objects.filter(student=self.viewer, opportunity_id__in=pks).values_list(
                "opportunity_id", flat=True
            )
        )
        return [
            Recommendation(
                opportunity=opp,
                score=score,
                matched=matched,
                missing=missing,
                applied=opp.pk in applied,
            )
            for opp, (score, matched, missing) in zip(opportunities, explained, strict=True)
        ]

    def _explain(
        self, opportunities: list[Opportunity]
    ) -> list[tuple[float, tuple[SkillConcept, ...], tuple[MissingSkill, ...]]]:
        """(fit, skills matched, skills missing with the courses teaching them) of each of
        ``opportunities`` for the student."""
        targets, concepts = _targets(opportunities)
        for c in self.held:
            concepts.setdefault(c.uri, c)
        held = [_skill(c) for c in self.held]
        fits = [fit.fit(held, t) for t in targets]
        missing_ids = {concepts[m.uri].pk for f in fits for m in f.missing}
        teaching = _teaching(self.viewer, missing_ids)
        return [
            (
                f.score,
                tuple(concepts[s.uri] for s in f.matched),
                tuple(
                    MissingSkill(
                        concept=concepts[m.uri],
                        related=tuple(concepts[u] for u in m.related),
                        courses=tuple(teaching.get(concepts[m.uri].pk, [])),
                    )
                    for m in f.missing
                ),
            )
            for f in fits
        ]


def _teaching(viewer: User, missing_ids: set[int]) -> dict[int, list[TeachingCourse]]:
    """The courses of the student's institutions that teach each missing concept."""
    teaching: dict[int, list[TeachingCourse]] = defaultdict(list)
    if not missing_ids:
        return teaching
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
    return teaching


def recommendations_for(viewer: Any) -> Sequence[Recommendation]:
    """Opportunities the student may see, ranked by the fit of their profile, each with the
    skills matched, the skills missing, and their institution's courses that teach each
    missing skill (confirmed outcome mappings). Read-only and a bounded number of queries
    whatever the number of opportunities: candidates come from the inverted index of stored
    opportunity skills (filled in the background), the best :data:`RANKED_CANDIDATES` are
    ranked with ``fit`` and cached, and the list is built a page at a time."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return []
    visible = student_visible_opportunities(viewer)
    held = held_concepts(viewer)
    return Recommendations(viewer, visible, _ranked(viewer, visible, held), held)
