"""The skills of platform opportunities: extracted in the background, stored twice.

* :class:`~tandem.skills.models.OpportunityDemand` keeps each opportunity's ranked ESCO URIs
  with the fingerprint of the text they came from (the gap report reads it);
* :class:`~tandem.skills.models.OpportunitySkill` is its inverted index (concept →
  opportunities), which "For you" joins to a student's skills in the database.

Both are written here and only here, in bulk, never while serving a request: the services of
the opportunities app call :func:`opportunities_changed` inside their transaction, which
queues :func:`tandem.skills.tasks.refresh_opportunity_skills` once it commits; batch
extraction jobs (curricula) store their results through :func:`opportunity_skills_store`;
the big-world generator and ``tandem skills`` call :func:`opportunity_skills_refresh`.

The Opportunity model is reached through the foreign key of ``OpportunityDemand`` (skills
sits below opportunities in the app layers, so it imports nothing of that app).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import transaction

from tandem.core.changes import OPPORTUNITY_SKILLS_CHANGED, announce
from tandem.skills.models import OpportunityDemand, OpportunitySkill, SkillConcept

from .extraction import REQUEST_MODE, get_extractor

OPPORTUNITY_SKILLS = 10  # skills kept per opportunity (as for imported postings)
REFRESH_BATCH = 2000  # opportunities per read, extraction and transaction
VERSION_KEY = "skills:opportunity-skills-version"


def opportunity_model() -> Any:
    """The Opportunity model, through the foreign key that points at it."""
    return OpportunityDemand._meta.get_field("opportunity").related_model


def opportunity_text(opportunity: Any) -> str:
    """The text of an opportunity that the extractor reads; its hash is the fingerprint of
    :class:`OpportunityDemand`, so every writer must use this one."""
    return f"{opportunity.title}\n{opportunity.description}\n{opportunity.skills_wanted}"


def text_fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ExtractedSkills:
    """The skills found in one opportunity's text, ready to store."""

    opportunity_id: int
    fingerprint: str
    uris: tuple[str, ...]


def opportunity_skills_version() -> int:
    """A number that changes whenever any opportunity's stored skills change (a key part for
    caches derived from them, e.g. students' recommendation lists)."""
    return int(cache.get_or_set(VERSION_KEY, 1) or 1)


def _bump_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2)


def _concept_ids(uris: Iterable[str]) -> dict[str, int]:
    wanted = list(set(uris))
    out: dict[str, int] = {}
    for i in range(0, len(wanted), 5000):
        out.update(
            SkillConcept.objects.filter(uri__in=wanted[i : i + 5000]).values_list("uri", "pk")
        )
    return out


@transaction.atomic
def opportunity_skills_store(*, results: Sequence[ExtractedSkills], mode: str) -> int:
    """Store extracted skills (both tables) for these opportunities, in bulk; an unchanged
    row (same fingerprint, skills and mode) is left alone. Returns how many changed."""
    if not results:
        return 0
    ids = [r.opportunity_id for r in results]
    have = {d.opportunity_id: d for d in OpportunityDemand.objects.filter(opportunity_id__in=ids)}
    update: list[OpportunityDemand] = []
    create: list[OpportunityDemand] = []
    for r in results:
        uris = list(r.uris)
        d = have.get(r.opportunity_id)
        if d is None:
            create.append(
                OpportunityDemand(
                    opportunity_id=r.opportunity_id,
                    fingerprint=r.fingerprint,
                    skills=uris,
                    mode=mode,
                )
            )
        elif (d.fingerprint, list(d.skills), d.mode) != (r.fingerprint, uris, mode):
            d.fingerprint, d.skills, d.mode = r.fingerprint, uris, mode
            update.append(d)
    changed = update + create
    if not changed:
        return 0
    OpportunityDemand.objects.bulk_update(update, ["fingerprint", "skills", "mode"], batch_size=500)
    OpportunityDemand.objects.bulk_create(create, batch_size=500, ignore_conflicts=True)
    changed_ids = [d.opportunity_id for d in changed]
    concept_of = _concept_ids(u for d in changed for u in d.skills)
    OpportunitySkill.objects.filter(opportunity_id__in=changed_ids).delete()
    OpportunitySkill.objects.bulk_create(
        [
            OpportunitySkill(opportunity_id=d.opportunity_id, concept_id=concept_of[u], rank=i)
            for d in changed
            for i, u in enumerate(dict.fromkeys(d.skills))
            if u in concept_of
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    transaction.on_commit(_bump_version)
    # The apps above that rank opportunities by their skills (students' "For you") refresh.
    announce(OPPORTUNITY_SKILLS_CHANGED, ids=changed_ids)
    return len(changed)


def opportunity_skills_refresh(
    *, opportunity_ids: Iterable[int] | None = None, force: bool = False
) -> int:
    """Extract (lexical mode) and store the skills of these opportunities, or of all of them
    when ``opportunity_ids`` is None: in batches of :data:`REFRESH_BATCH`, each read with one
    query, extracted together and written with bulk statements in its own transaction. Only
    opportunities whose text changed since their skills were stored are extracted, unless
    ``force``. Deleted opportunities have nothing to refresh (their rows cascade away).
    Returns how many opportunities' stored skills changed. For background tasks, commands
    and generators, never for a request."""
    Opportunity = opportunity_model()
    qs = Opportunity.objects.order_by("pk")
    if opportunity_ids is not None:
        wanted = sorted(set(opportunity_ids))
        chunks: Iterable[list[int]] = (
            wanted[i : i + REFRESH_BATCH] for i in range(0, len(wanted), REFRESH_BATCH)
        )
    else:
        chunks = _all_id_chunks(qs)
    extractor = None
    changed = 0
    for chunk in chunks:
        rows = list(
            qs.filter(pk__in=chunk).values_list("pk", "title", "description", "skills_wanted")
        )
        stored = dict(
            OpportunityDemand.objects.filter(opportunity_id__in=chunk).values_list(
                "opportunity_id", "fingerprint"
            )
        )
        todo: list[tuple[int, str, str]] = []
        for pk, title, description, wanted_text in rows:
            text = f"{title}\n{description}\n{wanted_text}"
            fp = text_fingerprint(text)
            if force or stored.get(pk) != fp:
                todo.append((pk, text, fp))
        if not todo:
            continue
        extractor = extractor or get_extractor()
        found = extractor.extract_many(
            [t for _, t, _ in todo], top_k=OPPORTUNITY_SKILLS, mode=REQUEST_MODE
        )
        changed += opportunity_skills_store(
            results=[
                ExtractedSkills(pk, fp, tuple(m.uri for m in matches))
                for (pk, _t, fp), matches in zip(todo, found, strict=True)
            ],
            mode=REQUEST_MODE,
        )
    return changed


def _all_id_chunks(qs: Any) -> Iterable[list[int]]:
    after = 0
    while True:
        ids = list(qs.filter(pk__gt=after).values_list("pk", flat=True)[:REFRESH_BATCH])
        if not ids:
            return
        yield ids
        after = ids[-1]


def opportunities_changed(*, opportunity_ids: Iterable[int]) -> None:
    """Opportunities were created or their text or visibility changed: once the caller's
    transaction commits, refresh their skills in the background and let caches derived from
    them (students' recommendation lists) know. Call it inside the writing service."""
    from tandem.skills.tasks import refresh_opportunity_skills

    ids = sorted(set(opportunity_ids))
    if not ids:
        return
    transaction.on_commit(partial(refresh_opportunity_skills.enqueue, opportunity_ids=ids))
    transaction.on_commit(_bump_version)
