"""Frozen data the skills app hands to other apps."""

from __future__ import annotations

from dataclasses import dataclass

# The extractor's result types, for apps that run extraction through the skills services and
# keep what it found (the engine itself is private to this app).
from tandem.skills.engine.extractor import Mode, SkillMatch

__all__ = ["EscoLoadResult", "Mode", "SkillMatch"]


@dataclass(frozen=True, slots=True)
class EscoLoadResult:
    """What one ``esco_load`` did."""

    version: str
    source: str
    concepts: int
    labels: int
    groups: int
    occupations: int
    recovered: dict[str, int]
    changed: bool
    seconds: float
    left_out: int = 0  # source concepts without an official preferred label, not loaded

    def summary(self) -> str:
        recovered = ", ".join(f"{k}: {v}" for k, v in sorted(self.recovered.items()))
        state = "loaded" if self.changed else "already up to date"
        return (
            f"ESCO {self.version} {state}: {self.concepts} concepts, {self.labels} labels, "
            f"{self.groups} hierarchy groups, {self.occupations} occupations "
            f"(preferred labels by source — {recovered}; {self.left_out} concepts without an "
            f"official label left out) in {self.seconds:.1f} s. "
            f"Source: {self.source}. This service uses the ESCO classification of the "
            "European Commission."
        )
