"""The learned query adapter of the semantic stage (issue 17): the shipped weights, their
manifest, and the engine with the adapter on, off and absent. Reads nothing outside the repo."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from tandem.skills.engine import semantic
from tandem.skills.engine.semantic import (
    ADAPTER_MANIFEST,
    ADAPTER_PATH,
    adapt,
    adapter_enabled,
    load_adapter,
)


def _manifest() -> dict:
    return json.loads(ADAPTER_MANIFEST.read_text(encoding="utf-8"))


def test_shipped_weights_load_and_match_their_manifest():
    manifest = _manifest()
    assert hashlib.sha256(ADAPTER_PATH.read_bytes()).hexdigest() == manifest["file_sha256"]
    matrix = load_adapter(manifest["model_id"])
    assert matrix is not None
    assert matrix.shape == (384, 384) and matrix.dtype == np.float32
    assert hashlib.sha256(matrix.tobytes()).hexdigest() == manifest["matrix_sha256"]
    assert manifest["seed"] == 17
    assert "TECH" in manifest["not_used"] and "HOUSE" in manifest["not_used"]
    # Learned, but close to the identity it started from.
    assert 0 < np.linalg.norm(matrix - np.eye(384)) < np.linalg.norm(np.eye(384))


def test_adapter_is_absent_for_another_encoder_or_a_missing_file(tmp_path):
    assert load_adapter("m2v256.all-MiniLM-L6-v2") is None
    assert load_adapter(_manifest()["model_id"], tmp_path / "none.npz") is None


def test_setting_turns_the_adapter_off(monkeypatch):
    monkeypatch.delenv("TANDEM_SKILLS_ADAPTER", raising=False)
    assert adapter_enabled()
    for off in ("0", "off", "no"):
        monkeypatch.setenv("TANDEM_SKILLS_ADAPTER", off)
        assert not adapter_enabled()


def test_adapt_normalises_and_the_identity_changes_nothing():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    assert np.allclose(adapt(vecs, np.eye(384, dtype=np.float32)), vecs, atol=1e-6)
    out = adapt(vecs, 2 * np.eye(384, dtype=np.float32))
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)


def test_shipped_adapter_changes_a_ranking_deterministically():
    """Five fixed unit "concept" vectors and a query near their mean (seed 17, fifth draw):
    the shipped matrix swaps the third and fourth, always the same way. (A retrained
    adapter may need a new example: bench/skills_train.py prints the matrix's SHA-256.)"""
    matrix = load_adapter(_manifest()["model_id"])
    assert matrix is not None
    rng = np.random.default_rng(17)
    for _ in range(5):
        concepts = rng.normal(size=(5, 384)).astype(np.float32)
        concepts /= np.linalg.norm(concepts, axis=1, keepdims=True)
        query = (concepts.sum(axis=0) + 0.1 * rng.normal(size=384)).astype(np.float32)
        query /= np.linalg.norm(query)
    plain = np.argsort(-(concepts @ query), kind="stable").tolist()
    adapted = np.argsort(-(concepts @ adapt(query[None, :], matrix)[0]), kind="stable").tolist()
    assert plain == [2, 3, 0, 1, 4]
    assert adapted == [2, 3, 1, 0, 4]


@pytest.mark.skipif(not semantic.ml_available(), reason="needs the ML extra (.[ml])")
@pytest.mark.slow
def test_engine_runs_with_the_adapter_on_and_off(tmp_path):
    from tandem.skills.engine.esco import load_taxonomy
    from tandem.skills.engine.extractor import Extractor

    full = load_taxonomy()
    tax = full.subset(first=50)
    on = Extractor(tax, cache_dir=tmp_path, adapter=True)
    off = Extractor(tax, cache_dir=tmp_path, adapter=False)
    text = "Plan and monitor the spending of the department."
    assert off.semantic.adapter is None
    got_off = off.extract(text, mode="semantic", top_k=5)
    got_on = on.extract(text, mode="semantic", top_k=5)
    assert len(got_off) == len(got_on) == 5
    if on.semantic.adapter is not None:
        assert [m.score for m in got_on] != [m.score for m in got_off]
    assert on.extract(text, mode="semantic", top_k=5) == got_on
