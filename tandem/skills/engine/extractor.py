"""Text → ranked ESCO skills with scores and evidence spans, in three modes.

* ``lexical``: label matches only (always available).
* ``semantic``: cosine similarity of text chunks to label embeddings (needs the ``ml`` extra).
* ``combined``: the semantic score plus a bonus for lexical evidence, so that an exact label
  mention lifts a concept and the embedding ranks paraphrases that no label spells out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from . import encoders
from .lexical import LexicalHit, LexicalMatcher
from .semantic import Progress, ProgressBar, SemanticIndex, ml_available, top_indices
from .taxonomy import Taxonomy
from .text import chunks

Mode = Literal["lexical", "semantic", "combined"]
MODES: tuple[Mode, ...] = ("lexical", "semantic", "combined")
# Weight of the lexical score in the combined mode (semantic score + weight × lexical score):
# chosen on SkillSkape dev together with the concept weights of the semantic stage, never on
# the TECH and HOUSE sets that docs/benchmarks.md reports.
LEXICAL_WEIGHT = 0.1


class ModeUnavailable(RuntimeError):
    """A semantic mode was asked for without the ``ml`` extra installed."""


@dataclass(frozen=True, slots=True)
class SkillMatch:
    """One extracted skill: ESCO URI, preferred label, score, evidence spans in the text."""

    uri: str
    label: str
    score: float
    spans: tuple[tuple[int, int], ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "uri": self.uri,
            "label": self.label,
            "score": round(self.score, 4),
            "spans": [list(s) for s in self.spans],
        }


class Extractor:
    """Builds the lexical matcher eagerly and the semantic index on first use."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        cache_dir: Path | None = None,
        lexical_weight: float = LEXICAL_WEIGHT,
        progress: Progress | None = None,
        encoder: str | None = None,
        adapter: bool | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.adapter = adapter  # None: TANDEM_SKILLS_ADAPTER (default on)
        self.encoder = encoder  # None: the configured one (semantic.encoder_name())
        self._progress = progress
        self.lexical = LexicalMatcher(taxonomy)
        self._cache_dir = cache_dir
        self._semantic: SemanticIndex | None = None
        self.lexical_weight = lexical_weight

    @staticmethod
    def available_modes() -> tuple[Mode, ...]:
        return MODES if ml_available() else ("lexical",)

    @staticmethod
    def default_mode() -> Mode:
        return "combined" if ml_available() else "lexical"

    @property
    def semantic_ready(self) -> bool:
        """Whether the semantic index is built and its encoder loaded in this process (a
        semantic extraction then costs milliseconds per short text, no start-up)."""
        index = self._semantic
        return index is not None and encoders.is_loaded(index.encoder, index.cache_dir)

    @property
    def semantic(self) -> SemanticIndex:
        if self._semantic is None:
            if not ml_available():
                raise ModeUnavailable(
                    "The semantic stage needs the ML extra: pip install torch==2.13.0 "
                    "then pip install -e '.[ml]'. The lexical mode works without it."
                )
            self._semantic = SemanticIndex(
                self.taxonomy,
                cache_dir=self._cache_dir,
                progress=self._progress,
                encoder=self.encoder,
                adapter=self.adapter,
            )
        return self._semantic

    def _match(self, idx: int, score: float, spans: Sequence[tuple[int, int]]) -> SkillMatch:
        c = self.taxonomy.concepts[idx]
        return SkillMatch(c.uri, c.preferred_label, float(score), tuple(spans))

    def extract(self, text: str, *, top_k: int = 5, mode: Mode | None = None) -> list[SkillMatch]:
        return self.extract_many([text], top_k=top_k, mode=mode)[0]

    def extract_many(
        self,
        texts: Sequence[str],
        *,
        top_k: int = 5,
        mode: Mode | None = None,
        batch_size: int = 64,
        progress: ProgressBar | None = None,
    ) -> list[list[SkillMatch]]:
        """Ranked skills per text; ``progress`` (if given) is updated as texts are done."""
        mode = mode or self.default_mode()
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if mode == "lexical":
            done = []
            for t in texts:
                hits = self.lexical.extract(t)[:top_k]
                done.append([self._match(h.concept, h.score, h.spans) for h in hits])
                if progress is not None:
                    progress.update(1)
            return done
        # Batches of at most ``batch_size`` texts and ~256 chunks bound the memory of the
        # chunks × labels similarity matrix on long postings.
        out: list[list[SkillMatch]] = []
        batch: list[str] = []
        chunk_count = 0
        for text in texts:
            n = max(1, len(text) // 200)
            if batch and (len(batch) >= batch_size or chunk_count + n > 256):
                out.extend(self._semantic_batch(batch, top_k, mode))
                if progress is not None:
                    progress.update(len(batch))
                batch, chunk_count = [], 0
            batch.append(text)
            chunk_count += n
        if batch:
            out.extend(self._semantic_batch(batch, top_k, mode))
            if progress is not None:
                progress.update(len(batch))
        return out

    def _semantic_batch(self, texts: list[str], top_k: int, mode: Mode) -> list[list[SkillMatch]]:
        index = self.semantic
        spans_per_text = [chunks(t) or ([(0, len(t))] if t.strip() else []) for t in texts]
        flat = [t[s:e] for t, spans in zip(texts, spans_per_text, strict=True) for s, e in spans]
        vecs = index.embed(flat) if flat else np.zeros((0, index.dims), dtype=np.float32)
        block = index.chunk_concept_scores(vecs) if flat else None  # all chunks at once
        out: list[list[SkillMatch]] = []
        pos = 0
        for text, spans in zip(texts, spans_per_text, strict=True):
            if not spans or block is None:
                out.append([])
                continue
            mine = block[pos : pos + len(spans)]
            pos += len(spans)
            best = mine.argmax(axis=0)
            scores = mine[best, np.arange(mine.shape[1])].copy()
            lex: dict[int, LexicalHit] = {}
            if mode == "combined":
                lex = {h.concept: h for h in self.lexical.extract(text)}
                for c, h in lex.items():
                    scores[c] += self.lexical_weight * h.score
            top = top_indices(scores, top_k)
            matches = []
            for c in top:
                ci = int(c)
                hit = lex.get(ci)
                evidence = hit.spans if hit else (spans[int(best[ci])],)
                matches.append(self._match(ci, float(scores[ci]), evidence))
            out.append(matches)
        return out
