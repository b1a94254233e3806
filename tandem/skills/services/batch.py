"""The extractor of background jobs: built from the stored taxonomy, in the best mode the
worker has, with the taxonomy's label embeddings cached on disk.

Requests use the lexical mode only (:mod:`.extraction`). A job runs in the worker, where
loading the sentence-embedding model once is affordable, so it uses the ``combined`` mode
when the ML extra is importable there, else ``lexical``. The label embeddings are cached
under ``<TANDEM_DATA_DIR>/cache/skills/`` in a file named after the model and the taxonomy
fingerprint (the engine's :class:`~tandem.skills.engine.semantic.SemanticIndex` does the
caching), so only the first job after a taxonomy change embeds the labels; the extractor is
also kept for the life of the worker process.

Only the public ``Extractor(...)`` / ``extract_many(...)`` API of the engine is used here.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tandem.skills.engine.extractor import Extractor, Mode, SkillMatch
from tandem.skills.engine.semantic import ml_available

from .extraction import _build_taxonomy, _taxonomy_key

# A combined-mode match is kept when the text mentions one of its labels (lexical evidence)
# or when its score reaches this floor. Without a floor the semantic stage always fills the
# top k, with cosines of 0.1–0.3 for unrelated skills; close paraphrases score 0.4 and more.
# Set a priori from a handful of examples, not tuned on the evaluation sets.
MIN_COMBINED_SCORE = 0.4
EMBED_BATCH = 64  # texts per embedding call (the engine also caps chunks per call)

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], BatchExtractor] | None = None


def job_mode() -> Mode:
    """``combined`` when the ML extra is importable in this process, else ``lexical``; the
    ``TANDEM_EXTRACTION_JOB_MODE=lexical`` setting keeps jobs lexical (a small machine)."""
    if getattr(settings, "EXTRACTION_JOB_MODE", "") == "lexical":
        return "lexical"
    return "combined" if ml_available() else "lexical"


def cache_dir() -> Path:
    """Where the taxonomy's label embeddings are cached (outside the source tree)."""
    return Path(settings.DATA_DIR) / "cache" / "skills"


@dataclass
class BatchExtractor:
    """An :class:`Extractor` over the stored taxonomy and the mode jobs use with it."""

    extractor: Extractor
    mode: Mode
    labels_embedded: int = 0  # labels this process embedded to build the index (0: cached)

    def extract(self, texts: Sequence[str], *, top_k: int) -> list[list[SkillMatch]]:
        """Ranked skills for each text, in batches of :data:`EMBED_BATCH` texts."""
        if self.mode == "lexical":
            return self.extractor.extract_many(list(texts), top_k=top_k, mode="lexical")
        found = self.extractor.extract_many(
            list(texts), top_k=top_k, mode=self.mode, batch_size=EMBED_BATCH
        )
        literal = self.extractor.extract_many(list(texts), top_k=10 * top_k, mode="lexical")
        out: list[list[SkillMatch]] = []
        for matches, lex in zip(found, literal, strict=True):
            mentioned = {x.uri for x in lex}
            out.append([m for m in matches if m.score >= MIN_COMBINED_SCORE or m.uri in mentioned])
        return out

    def extract_mode(
        self, texts: Sequence[str], *, top_k: int, mode: Mode
    ) -> list[list[SkillMatch]]:
        """As :meth:`extract`, in ``mode`` (one of this extractor's modes, or lexical)."""
        if mode == self.mode or mode == "lexical":
            return BatchExtractor(self.extractor, mode).extract(texts, top_k=top_k)
        if self.mode == "lexical":
            raise ValueError("this extractor has no semantic stage")
        return self.extractor.extract_many(
            list(texts), top_k=top_k, mode=mode, batch_size=EMBED_BATCH
        )


def warm_batch_extractor() -> BatchExtractor | None:
    """This process's extractor if its semantic stage is ready to answer at once (index
    built, encoder loaded, same taxonomy), else None. Never builds or loads anything."""
    cached = _cached
    if cached is None or cached[1].mode == "lexical":
        return None
    if not cached[1].extractor.semantic_ready:
        return None
    key = (*_taxonomy_key(), cached[1].mode, str(cache_dir()))
    return cached[1] if cached[0] == key else None


def get_batch_extractor(mode: Mode | None = None) -> BatchExtractor:
    """The worker's extractor for the stored taxonomy, rebuilt when the taxonomy changes.
    In a semantic mode the label embeddings are loaded (or computed once and cached) here."""
    global _cached
    mode = mode or job_mode()
    key = (*_taxonomy_key(), mode, str(cache_dir()))
    with _lock:
        if _cached is None or _cached[0] != key:
            extractor = Extractor(_build_taxonomy(), cache_dir=cache_dir())
            embedded = 0
            if mode != "lexical":
                embedded = extractor.semantic.embedded_now
            _cached = (key, BatchExtractor(extractor, mode, embedded))
            return _cached[1]
        return BatchExtractor(_cached[1].extractor, mode, 0)


def reset_batch_extractor() -> None:
    """Forget the process's extractor (tests; the disk cache stays)."""
    global _cached
    with _lock:
        _cached = None
