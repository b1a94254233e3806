"""Reads of the skills taxonomy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from tandem.skills.engine.semantic import ml_available
from tandem.skills.engine.text import fold
from tandem.skills.models import (
    EscoRelease,
    OpportunityDemand,
    OpportunitySkill,
    SkillConcept,
    SkillExtraction,
    SkillGroup,
    SkillLabel,
)
from tandem.skills.permissions import can_browse_taxonomy, can_try_extractor


def concept_search(
    *, viewer: Any, query: str = "", group: SkillGroup | None = None
) -> QuerySet[SkillConcept]:
    """Current concepts whose preferred or alternative label contains ``query`` (folded),
    optionally under a hierarchy group, by preferred label."""
    if not can_browse_taxonomy(viewer):
        return SkillConcept.objects.none()
    qs = SkillConcept.objects.filter(is_current=True)
    if group is not None:
        qs = qs.filter(groups__code__startswith=group.code).distinct()
    q = fold(query.strip())
    if q:
        # One scan of the label table, not one correlated subquery per concept.
        qs = qs.filter(pk__in=SkillLabel.objects.filter(search__contains=q).values("concept_id"))
    return qs.order_by("preferred_label", "pk")


def concept_by_esco_id(esco_id: str | None) -> SkillConcept | None:
    """The concept with this ESCO id (what a skill picker posts), or ``None`` for no id or an
    unknown one. The taxonomy is public reference data: no viewer to check."""
    if not esco_id:
        return None
    return SkillConcept.objects.filter(esco_id=esco_id).first()


def concept_detail(*, viewer: Any, esco_id: str) -> SkillConcept | None:
    if not can_browse_taxonomy(viewer):
        return None
    return (
        SkillConcept.objects.filter(esco_id=esco_id)
        .prefetch_related(
            Prefetch("labels", queryset=SkillLabel.objects.order_by("-is_preferred", "label")),
            Prefetch("groups", queryset=SkillGroup.objects.select_related("parent__parent")),
        )
        .first()
    )


def group_children(*, viewer: Any, parent: SkillGroup | None) -> QuerySet[SkillGroup]:
    if not can_browse_taxonomy(viewer):
        return SkillGroup.objects.none()
    return SkillGroup.objects.filter(parent=parent).order_by("code")


def group_ancestors(group: SkillGroup | None) -> list[SkillGroup]:
    chain: list[SkillGroup] = []
    node = group
    while node is not None and len(chain) < 8:
        chain.append(node)
        node = node.parent
    return chain[::-1]


def latest_release() -> EscoRelease | None:
    return EscoRelease.objects.order_by("-created_at").first()


def extraction_mode() -> str:
    """``combined`` when the ML extra is installed, else ``lexical`` (without importing torch)."""
    return "combined" if ml_available() else "lexical"


def opportunity_skills(opportunities: Iterable[Any]) -> dict[int, list[str]]:
    """The stored ESCO URIs of each opportunity (best first), by opportunity pk; an
    opportunity whose skills have not been extracted yet is absent. Read-only: the skills are
    written in the background (``services.opportunities``), never here."""
    ids = [getattr(o, "pk", o) for o in opportunities]
    out: dict[int, list[str]] = {}
    for i in range(0, len(ids), 5000):
        out.update(
            (oid, list(skills))
            for oid, skills in OpportunityDemand.objects.filter(
                opportunity_id__in=ids[i : i + 5000]
            ).values_list("opportunity_id", "skills")
        )
    return out


def opportunities_asking_for(
    concept_ids: Any, *, limit: int, offset: int = 0, within: QuerySet[Any] | None = None
) -> list[tuple[int, int]]:
    """``(opportunity pk, how many of the concepts it asks for)`` for the opportunities that
    ask for at least one of ``concept_ids``, most overlap first (then by pk), rows
    ``offset`` to ``offset + limit``: one grouped query over the inverted index (by concept),
    whatever the number of opportunities. ``within`` (a queryset of opportunities) restricts
    them in the same query; on SQLite a visibility subquery there is evaluated for every
    opportunity, so callers filter a window of rows afterwards instead."""
    rows = OpportunitySkill.objects.filter(concept_id__in=concept_ids)
    if within is not None:
        rows = rows.filter(opportunity_id__in=within.values("pk"))
    # (opportunity, concept) is unique: a plain count, which PostgreSQL hashes, where a
    # DISTINCT count sorted the ~100,000 index rows of the big world first (0.7 → 0.4 s).
    return list(
        rows.values("opportunity_id")
        .annotate(n=Count("concept_id"))
        .order_by("-n", "opportunity_id")
        .values_list("opportunity_id", "n")[offset : offset + limit]
    )


def skill_extraction_for(*, viewer: Any, public_id: Any) -> SkillExtraction | None:
    """A queued or finished extraction, to the person who asked for it only (None for
    anyone else, and once it has expired)."""
    if not can_try_extractor(viewer):
        return None
    from tandem.skills.services.on_demand import KEEP_HOURS

    since = timezone.now() - dt.timedelta(hours=KEEP_HOURS)
    return SkillExtraction.objects.filter(
        public_id=public_id, requested_by=viewer, created_at__gte=since
    ).first()


def skill_extractions_export(user: Any) -> list[dict[str, Any]]:
    """A person's stored extractions (the personal-data registry)."""
    return [
        {
            "created_at": e.created_at,
            "mode": e.mode,
            "status": e.status,
            "text": e.text,
            "skills": [s.get("label") for s in e.skills],
        }
        for e in SkillExtraction.objects.filter(requested_by=user).order_by("created_at")
    ]
