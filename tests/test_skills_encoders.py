"""The semantic stage's encoders: their cache keys never mix, the choice is validated, and
(slow) the int8 ONNX export agrees with the PyTorch MiniLM it is built from."""

from __future__ import annotations

import numpy as np
import pytest

from tandem.skills.engine import encoders
from tandem.skills.engine.semantic import encoder_name, ml_available


def test_cache_keys_of_the_encoders_never_match_each_others_files():
    ids = [encoders.model_id(n) for n in encoders.ENCODERS]
    assert len(set(ids)) == len(ids)
    # The embedding caches are found by glob("<model id>-*.npz"): no id may start with
    # another's id followed by "-".
    for a in ids:
        for b in ids:
            if a != b:
                assert not b.startswith(a + "-"), (a, b)
                assert not b.startswith(a + ".definitions"), (a, b)


def test_the_encoder_is_chosen_by_the_environment(monkeypatch):
    monkeypatch.delenv("TANDEM_SKILLS_ENCODER", raising=False)
    assert encoder_name() == encoders.default_encoder()
    if encoders.available("minilm-int8"):
        assert encoder_name() == "minilm-int8"
    monkeypatch.setenv("TANDEM_SKILLS_ENCODER", "static")
    assert encoder_name() == "static"
    monkeypatch.setenv("TANDEM_SKILLS_ENCODER", "gpt-9")
    with pytest.raises(ValueError, match="choose one of"):
        encoder_name()
    assert ml_available() is False  # an unknown encoder is no semantic stage
    assert encoders.dims("static") == 256 and encoders.dims("minilm-int8") == 384


@pytest.mark.slow
@pytest.mark.skipif(
    not (encoders.available("minilm") and encoders.available("minilm-int8")),
    reason="needs the ML extra with onnxruntime",
)
def test_the_int8_export_agrees_with_the_pytorch_model(tmp_path):
    path = encoders.build("minilm-int8", tmp_path)
    assert (path / "model-int8.onnx").is_file()
    assert not (path / "model.onnx").exists()  # the float32 export is not kept
    texts = [
        "Negotiate contracts with suppliers",
        "We use Python and SQL every day.",
        "cope with stress",
        "Java",
    ]
    ref = encoders.get("minilm", tmp_path).encode(texts, 16)
    fast = encoders.get("minilm-int8", tmp_path).encode(texts, 16)
    assert fast.shape == ref.shape == (4, 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    agreement = (ref * fast).sum(axis=1)
    assert agreement.min() > 0.95, agreement
    # A second build finds the artifact instead of exporting again.
    assert encoders.build("minilm-int8", tmp_path) == path


def test_top_indices_is_the_stable_full_sort_cut_to_k():
    from tandem.skills.engine.semantic import top_indices

    rng = np.random.default_rng(0)
    for t in range(500):
        n = int(rng.integers(1, 200))
        if t % 2:
            scores = rng.integers(0, 4, size=n).astype(np.float32)  # many ties
        else:
            scores = rng.random(n).astype(np.float32)
        k = int(rng.integers(0, n + 3))
        expected = np.argsort(-scores, kind="stable")[:k]
        assert np.array_equal(top_indices(scores, k), expected)
