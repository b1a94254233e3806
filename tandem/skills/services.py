"""Every write of the skills app."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

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


def esco_load(*, actor: object | None = None, labels_file: Path | None = None) -> EscoLoadResult:
    """Load (or refresh) ESCO from the installed data packages. Idempotent: a second run
    with the same data writes nothing; a run with changed data updates rows in place, so
    concept ids that other apps refer to stay stable. Records an :class:`EscoRelease`."""
    started = time.perf_counter()
    if labels_file is not None and not labels_file.is_file():
        raise FileNotFoundError(f"{labels_file}: no such ESCO label list")
    taxonomy = load_taxonomy(labels_file=labels_file, with_occupations=True)
    files = locate_files()
    return _store(taxonomy, source=files.source, started=started)


def _recovered(taxonomy: Taxonomy) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in taxonomy.concepts:
        counts[c.label_source] = counts.get(c.label_source, 0) + 1
    return counts


@transaction.atomic
def _store(taxonomy: Taxonomy, *, source: str, started: float) -> EscoLoadResult:
    fingerprint = taxonomy.fingerprint
    group_codes = _group_tree(taxonomy)
    n_labels = sum(len(dict.fromkeys(c.labels)) for c in taxonomy.concepts)
    latest = EscoRelease.objects.order_by("-created_at").first()
    counts_match = (
        latest is not None
        and latest.fingerprint == fingerprint
        and SkillConcept.objects.filter(is_current=True).count() == len(taxonomy.concepts)
        and SkillLabel.objects.count() == n_labels
        and Occupation.objects.count() == len(taxonomy.occupations)
    )
    if counts_match:
        return EscoLoadResult(
            version=ESCO_VERSION,
            source=source,
            concepts=len(taxonomy.concepts),
            labels=n_labels,
            groups=len(group_codes),
            occupations=len(taxonomy.occupations),
            recovered=_recovered(taxonomy),
            changed=False,
            seconds=time.perf_counter() - started,
        )

    # Hierarchy: upsert the nodes, then link parents.
    SkillGroup.objects.bulk_create(
        [
            SkillGroup(code=code, name=name, level=level)
            for code, (name, level, _) in group_codes.items()
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level"],
        batch_size=BATCH,
    )
    group_ids = dict(SkillGroup.objects.values_list("code", "id"))
    groups = list(SkillGroup.objects.all())
    for g in groups:
        parent = group_codes.get(g.code, ("", 0, None))[2]
        g.parent_id = group_ids.get(parent) if parent else None
    SkillGroup.objects.bulk_update(groups, ["parent"], batch_size=BATCH)

    # Concepts: upsert by URI so that ids stay stable across reloads.
    SkillConcept.objects.bulk_create(
        [
            SkillConcept(
                uri=c.uri,
                esco_id=_uuid(c.uri),
                preferred_label=c.preferred_label[:255],
                kind=c.kind,
                description=c.description,
                label_source=c.label_source,
                is_current=True,
            )
            for c in taxonomy.concepts
        ],
        update_conflicts=True,
        unique_fields=["uri"],
        update_fields=["preferred_label", "kind", "description", "label_source", "is_current"],
        batch_size=BATCH,
    )
    uris = [c.uri for c in taxonomy.concepts]
    SkillConcept.objects.exclude(uri__in=uris).update(is_current=False)
    concept_ids = dict(SkillConcept.objects.values_list("uri", "id"))

    # Labels and hierarchy links are rebuilt: nothing else points at them.
    SkillLabel.objects.all().delete()
    SkillLabel.objects.bulk_create(
        (
            SkillLabel(
                concept_id=concept_ids[c.uri],
                label=label[:500],
                search=fold(label)[:500],
                is_preferred=n == 0,
            )
            for c in taxonomy.concepts
            for n, label in enumerate(dict.fromkeys(c.labels))
        ),
        batch_size=BATCH,
    )
    through = SkillConcept.groups.through
    through.objects.all().delete()
    through.objects.bulk_create(
        (
            through(skillconcept_id=concept_ids[c.uri], skillgroup_id=group_ids[code])
            for c in taxonomy.concepts
            for code in dict.fromkeys(p[-1] for p in c.paths if p)
            if code in group_ids
        ),
        batch_size=BATCH,
    )

    Occupation.objects.bulk_create(
        [
            Occupation(
                uri=o.uri,
                esco_id=_uuid(o.uri),
                preferred_label=o.preferred_label[:255],
                text=o.text,
            )
            for o in taxonomy.occupations
        ],
        update_conflicts=True,
        unique_fields=["uri"],
        update_fields=["preferred_label", "text"],
        batch_size=BATCH,
    )

    recovered = _recovered(taxonomy)
    EscoRelease.objects.create(
        version=ESCO_VERSION,
        source=source,
        fingerprint=fingerprint,
        concept_count=len(taxonomy.concepts),
        label_count=n_labels,
        group_count=len(group_codes),
        occupation_count=len(taxonomy.occupations),
        recovered_label_counts=recovered,
    )
    return EscoLoadResult(
        version=ESCO_VERSION,
        source=source,
        concepts=len(taxonomy.concepts),
        labels=n_labels,
        groups=len(group_codes),
        occupations=len(taxonomy.occupations),
        recovered=recovered,
        changed=True,
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
