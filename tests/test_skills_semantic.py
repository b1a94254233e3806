"""The semantic stage on a 200-concept slice of ESCO: offline model, on-disk cache, ranking."""

from __future__ import annotations

import os

import numpy as np
import pytest

from tandem.skills.engine.esco import load_taxonomy
from tandem.skills.engine.extractor import Extractor
from tandem.skills.engine.semantic import (
    CONCEPT_WEIGHTS,
    SemanticIndex,
    adapt,
    embed,
    ml_available,
)

# slow: loads the sentence-embedding model and embeds 200 concepts.
pytestmark = [
    pytest.mark.skipif(not ml_available(), reason="needs the ML extra (.[ml])"),
    pytest.mark.slow,
    # One xdist worker takes the whole module: its tests share one extractor (module scope),
    # whose label embeddings would otherwise be computed once per worker.
    pytest.mark.xdist_group("skills_semantic"),
]

WANTED = ("cope with pressure", "manage budgets", "Java (computer programming)")


@pytest.fixture(scope="module")
def slice_200():
    full = load_taxonomy()
    chosen = [c.uri for c in full.concepts if c.preferred_label in WANTED]
    assert len(chosen) == len(WANTED)
    chosen += [c.uri for c in full.concepts[: 200 - len(chosen)]]
    tax = full.subset(chosen)
    assert len(tax) == 200
    return tax


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("skills-cache")


@pytest.fixture(scope="module")
def extractor(slice_200, cache_dir):
    ex = Extractor(slice_200, cache_dir=cache_dir)
    distinct = {lab for c in slice_200.concepts for lab in c.labels}
    assert ex.semantic.embedded_now == len(set(ex.semantic.texts)) >= len(distinct)
    assert ex.semantic.definitions_embedded_now == 200
    return ex


def test_model_loads_offline_and_embeddings_are_cached(extractor, slice_200, cache_dir):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert extractor.semantic.cache_path.parent == cache_dir
    again = SemanticIndex(slice_200, cache_dir=cache_dir)
    assert again.embedded_now == 0
    assert again.definitions_embedded_now == 0
    assert np.allclose(again.matrix, extractor.semantic.matrix, atol=1e-3)
    assert np.array_equal(again.definitions, extractor.semantic.definitions)
    assert extractor.semantic.matrix.shape[1] == 384
    assert extractor.semantic.definitions.shape == (200, 384)


def test_concept_score_is_the_weighted_mean_of_preferred_best_label_and_definition(
    extractor, slice_200
):
    index = extractor.semantic
    vec = embed(["Plan and monitor the spending of the department."])
    scores = index.chunk_concept_scores(vec)[0]
    if index.adapter is not None:  # the learned query adapter maps the text's vector first
        vec = adapt(vec, index.adapter)
    i = next(i for i, c in enumerate(slice_200.concepts) if c.preferred_label == "manage budgets")
    concept = slice_200.concepts[i]
    rows = [r for r, t in enumerate(index.texts) if index._owners[r] == i]
    label_cos = {index.texts[r]: float(vec[0] @ index.matrix[r]) for r in rows}
    assert index.definition_texts[i] == f"manage budgets: {concept.description}"
    assert concept.description
    pref = label_cos["manage budgets"]
    best = max(label_cos.values())
    definition = float(vec[0] @ index.definitions[i])
    w_pref, w_best, w_def = CONCEPT_WEIGHTS
    expected = (w_pref * pref + w_best * best + w_def * definition) / sum(CONCEPT_WEIGHTS)
    assert scores[i] == pytest.approx(expected, abs=1e-5)
    # A loose alternative label alone no longer decides: the score sits below the best label.
    assert scores[i] <= best + 1e-6


def test_semantic_mode_finds_paraphrases(extractor):
    text = "You keep calm when deadlines are tight and the pressure rises."
    (top, *_) = extractor.extract(text, top_k=3, mode="semantic")
    assert top.label == "cope with pressure"
    (s, e) = top.spans[0]
    assert text[s:e].startswith("You keep calm")


def test_combined_mode_uses_lexical_evidence_for_spans(extractor):
    text = "Responsibilities: manage budgets. Stack: Java."
    found = extractor.extract(text, top_k=5, mode="combined")
    labels = [m.label for m in found]
    assert labels[:2] == ["manage budgets", "Java (computer programming)"] or set(labels[:2]) == {
        "manage budgets",
        "Java (computer programming)",
    }
    budgets = next(m for m in found if m.label == "manage budgets")
    assert [text[s:e] for s, e in budgets.spans] == ["manage budgets"]
    assert found == sorted(found, key=lambda m: -m.score)


def test_batches_give_the_same_answer_as_single_texts(extractor):
    texts = ["manage budgets", "", "Java developer wanted"]
    many = extractor.extract_many(texts, top_k=2, mode="combined", batch_size=2)
    assert many[1] == []
    assert [m.uri for m in many[0]] == [m.uri for m in extractor.extract(texts[0], top_k=2)]
