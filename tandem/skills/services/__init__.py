"""Every write of the skills app."""

from __future__ import annotations

import time
import uuid

from django.db import transaction

from tandem.skills.data import EscoLoadResult
from tandem.skills.engine.esco import ESCO_VERSION, load_taxonomy, locate_files
from tandem.skills.engine.taxonomy import Taxonomy
from tandem.skills.engine.text import fold
from tandem.skills.models import (
    EscoRelease,
    Occupation,
    SkillConcept,
    SkillGroup,
    SkillLabel,
)

ROOT_GROUPS = {
    "S": "skills",
    "K": "knowledge",
    "T": "transversal skills and competences",
    "L": "language skills and knowledge",
    "A": "attitudes and values",
}
BATCH = 2000


def _uuid(uri: str) -> uuid.UUID:
    return uuid.UUID(uri.rstrip("/").rsplit("/", 1)[-1])


def esco_load(*, actor: object | None = None) -> EscoLoadResult:
    """Load (or refresh) ESCO from the installed data packages and the label file shipped
    with Tandem. Idempotent: a second run with the same data writes nothing; a run with
    changed data (e.g. corrected labels) updates rows in place, so concept ids that other apps
    refer to stay stable; a concept no longer in the taxonomy stays, marked not current,
    without labels. Records an :class:`EscoRelease`."""
    started = time.perf_counter()
    taxonomy = load_taxonomy(with_occupations=True)
    files = locate_files()
    return _store(taxonomy, source=files.source, started=started)


def _recovered(taxonomy: Taxonomy) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in taxonomy.concepts:
        counts[c.label_source] = counts.get(c.label_source, 0) + 1
    return counts


@transaction.atomic
def _store(taxonomy: Taxonomy, *, source: str, started: float) -> EscoLoadResult:
    """Bring the tables in line with ``taxonomy``, writing only the differences."""
    changes = 0
    group_codes = _group_tree(taxonomy)

    # Hierarchy nodes, then their parent links.
    existing_groups = {g.code: g for g in SkillGroup.objects.all()}
    new_groups = [
        SkillGroup(code=code, name=name, level=level)
        for code, (name, level, _) in group_codes.items()
        if code not in existing_groups
    ]
    SkillGroup.objects.bulk_create(new_groups, batch_size=BATCH)
    changes += len(new_groups)
    groups = {g.code: g for g in SkillGroup.objects.all()}
    dirty_groups = []
    for code, (name, level, parent) in group_codes.items():
        g = groups[code]
        parent_id = groups[parent].pk if parent else None
        if (g.name, g.level, g.parent_id) != (name, level, parent_id):
            g.name, g.level, g.parent_id = name, level, parent_id
            dirty_groups.append(g)
    SkillGroup.objects.bulk_update(dirty_groups, ["name", "level", "parent"], batch_size=BATCH)
    changes += len(dirty_groups)

    # Concepts, matched by URI so that the ids other apps hold stay stable.
    fields = ("preferred_label", "kind", "description", "label_source", "is_current")
    existing = {c.uri: c for c in SkillConcept.objects.only("id", "uri", *fields)}
    to_create, to_update = [], []
    for c in taxonomy.concepts:
        values = (c.preferred_label[:255], c.kind, c.description, c.label_source, True)
        row = existing.get(c.uri)
        if row is None:
            to_create.append(
                SkillConcept(
                    uri=c.uri, esco_id=_uuid(c.uri), **dict(zip(fields, values, strict=True))
                )
            )
        elif tuple(getattr(row, f) for f in fields) != values:
            for f, v in zip(fields, values, strict=True):
                setattr(row, f, v)
            to_update.append(row)
    SkillConcept.objects.bulk_create(to_create, batch_size=BATCH)
    SkillConcept.objects.bulk_update(to_update, list(fields), batch_size=BATCH)
    uris = {c.uri for c in taxonomy.concepts}
    gone = [row.pk for uri, row in existing.items() if uri not in uris and row.is_current]
    SkillConcept.objects.filter(pk__in=gone).update(is_current=False)
    changes += len(to_create) + len(to_update) + len(gone)
    concept_ids = dict(SkillConcept.objects.values_list("uri", "id"))

    # Labels: (concept, label, is_preferred) rows, added and removed by difference.
    wanted_labels = {
        (concept_ids[c.uri], label[:500], n == 0)
        for c in taxonomy.concepts
        for n, label in enumerate(dict.fromkeys(c.labels))
    }
    have_labels = {
        (cid, label, pref): pk
        for pk, cid, label, pref in SkillLabel.objects.values_list(
            "id", "concept_id", "label", "is_preferred"
        )
    }
    stale = [pk for key, pk in have_labels.items() if key not in wanted_labels]
    for i in range(0, len(stale), BATCH):
        SkillLabel.objects.filter(pk__in=stale[i : i + BATCH]).delete()
    SkillLabel.objects.bulk_create(
        (
            SkillLabel(concept_id=cid, label=label, search=fold(label)[:500], is_preferred=pref)
            for cid, label, pref in sorted(wanted_labels - have_labels.keys())
        ),
        batch_size=BATCH,
    )
    changes += len(stale) + len(wanted_labels - have_labels.keys())

    # Concept ↔ hierarchy links.
    through = SkillConcept.groups.through
    wanted_links = {
        (concept_ids[c.uri], groups[code].pk)
        for c in taxonomy.concepts
        for code in {p[-1] for p in c.paths if p}
        if code in groups
    }
    have_links = {
        (cid, gid): pk
        for pk, cid, gid in through.objects.values_list("id", "skillconcept_id", "skillgroup_id")
    }
    stale_links = [pk for key, pk in have_links.items() if key not in wanted_links]
    for i in range(0, len(stale_links), BATCH):
        through.objects.filter(pk__in=stale_links[i : i + BATCH]).delete()
    through.objects.bulk_create(
        (
            through(skillconcept_id=cid, skillgroup_id=gid)
            for cid, gid in sorted(wanted_links - have_links.keys())
        ),
        batch_size=BATCH,
    )
    changes += len(stale_links) + len(wanted_links - have_links.keys())

    # Occupations.
    have_occ = {
        uri: (label, text)
        for uri, label, text in Occupation.objects.values_list("uri", "preferred_label", "text")
    }
    new_occ = [
        Occupation(
            uri=o.uri, esco_id=_uuid(o.uri), preferred_label=o.preferred_label[:255], text=o.text
        )
        for o in taxonomy.occupations
        if have_occ.get(o.uri) != (o.preferred_label[:255], o.text)
    ]
    Occupation.objects.bulk_create(
        new_occ,
        update_conflicts=True,
        unique_fields=["uri"],
        update_fields=["preferred_label", "text"],
        batch_size=BATCH,
    )
    changes += len(new_occ)

    recovered = _recovered(taxonomy)
    if changes:
        EscoRelease.objects.create(
            version=ESCO_VERSION,
            source=source,
            fingerprint=taxonomy.fingerprint,
            concept_count=len(taxonomy.concepts),
            label_count=len(wanted_labels),
            group_count=len(group_codes),
            occupation_count=len(taxonomy.occupations),
            recovered_label_counts=recovered,
        )
    return EscoLoadResult(
        version=ESCO_VERSION,
        source=source,
        concepts=len(taxonomy.concepts),
        labels=len(wanted_labels),
        groups=len(group_codes),
        occupations=len(taxonomy.occupations),
        recovered=recovered,
        left_out=len(taxonomy.left_out),
        changed=bool(changes),
        seconds=time.perf_counter() - started,
    )


def _group_tree(taxonomy: Taxonomy) -> dict[str, tuple[str, int, str | None]]:
    """code → (name, level, parent code) for every node named or used by a path."""
    tree: dict[str, tuple[str, int, str | None]] = {}
    for code, name in ROOT_GROUPS.items():
        tree[code] = (name, 0, None)
    for c in taxonomy.concepts:
        for path in c.paths:
            for level, code in enumerate(path):
                if code not in tree:
                    parent = path[level - 1] if level else None
                    name = taxonomy.groups.get(code, code)
                    tree[code] = (name, level, parent)
    for code, name in taxonomy.groups.items():
        if code not in tree:
            parent = code.rsplit(".", 1)[0] if "." in code else code[0]
            tree[code] = (name, code.count(".") + 1, parent if parent in tree else None)
    return tree


# Extraction and the stored skills of opportunities (submodules; re-exported here so that
# other apps import them from ``tandem.skills.services``).
from .batch import BatchExtractor, get_batch_extractor, job_mode, reset_batch_extractor  # noqa: E402
from .extraction import REQUEST_MODE, extract_lexical, get_extractor, reset_extractor  # noqa: E402
from .on_demand import (  # noqa: E402
    ExtractionAnswer,
    modes_available,
    skill_extraction_run,
    skill_extractions_erase,
    skills_extract,
)
from .opportunities import (  # noqa: E402
    OPPORTUNITY_SKILLS,
    ExtractedSkills,
    opportunities_changed,
    opportunity_skills_refresh,
    opportunity_skills_store,
    opportunity_skills_version,
    opportunity_text,
    text_fingerprint,
)

__all__ = [
    "OPPORTUNITY_SKILLS",
    "REQUEST_MODE",
    "BatchExtractor",
    "ExtractedSkills",
    "ExtractionAnswer",
    "esco_load",
    "extract_lexical",
    "get_batch_extractor",
    "get_extractor",
    "job_mode",
    "modes_available",
    "opportunities_changed",
    "opportunity_skills_refresh",
    "opportunity_skills_store",
    "opportunity_skills_version",
    "opportunity_text",
    "reset_batch_extractor",
    "reset_extractor",
    "skill_extraction_run",
    "skill_extractions_erase",
    "skills_extract",
    "text_fingerprint",
]
