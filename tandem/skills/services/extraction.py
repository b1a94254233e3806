"""A lexical extractor over the ESCO taxonomy stored in the database, built once per process
and rebuilt when the stored taxonomy changes (a new ESCO load, concepts added or retired).

Requests use the lexical mode only: it answers in milliseconds once built, while the semantic
stage would load a sentence-embedding model inside a request.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from django.db.models import Count, Max

from tandem.skills.engine.extractor import Extractor, Mode, SkillMatch
from tandem.skills.engine.taxonomy import Concept, Taxonomy
from tandem.skills.models import SkillConcept, SkillLabel

REQUEST_MODE: Mode = "lexical"  # the mode used inside requests (see the module docstring)
_lock = threading.Lock()
_cached: tuple[tuple[object, ...], Extractor] | None = None


def _taxonomy_key() -> tuple[object, ...]:
    concepts = SkillConcept.objects.filter(is_current=True).aggregate(n=Count("pk"), m=Max("pk"))
    labels = SkillLabel.objects.aggregate(n=Count("pk"), m=Max("pk"))
    return (concepts["n"], concepts["m"], labels["n"], labels["m"])


def _build_taxonomy() -> Taxonomy:
    alts: dict[int, list[str]] = defaultdict(list)
    for cid, label in SkillLabel.objects.filter(
        is_preferred=False, concept__is_current=True
    ).values_list("concept_id", "label"):
        alts[cid].append(label)
    concepts = tuple(
        Concept(uri=uri, preferred_label=pref, alt_labels=tuple(sorted(alts[pk])), kind=kind)
        for pk, uri, pref, kind in SkillConcept.objects.filter(is_current=True)
        .order_by("pk")
        .values_list("pk", "uri", "preferred_label", "kind")
    )
    return Taxonomy(version="db", concepts=concepts)


def get_extractor() -> Extractor:
    """The process-wide lexical extractor for the stored taxonomy."""
    global _cached
    key = _taxonomy_key()
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, Extractor(_build_taxonomy()))
        return _cached[1]


def extract_lexical(text: str, *, top_k: int = 8) -> list[SkillMatch]:
    """Ranked ESCO skills for ``text`` (lexical mode)."""
    if not text.strip():
        return []
    return get_extractor().extract(text, top_k=top_k, mode=REQUEST_MODE)


def reset_extractor() -> None:
    """Forget the cached extractor (tests, or after loading ESCO in the same process)."""
    global _cached
    with _lock:
        _cached = None
