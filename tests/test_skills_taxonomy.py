"""Reading ESCO from the installed data packages (no database)."""

from __future__ import annotations

import collections

import pytest

from tandem.skills.engine import esco
from tandem.skills.engine.lexical import LexicalMatcher


@pytest.fixture(scope="module")
def taxonomy():
    return esco.load_taxonomy()


def test_all_13939_concepts_with_labels_and_hierarchy(taxonomy):
    assert len(taxonomy) == 13_939
    assert len({c.uri for c in taxonomy.concepts}) == 13_939
    assert all(c.uri.startswith("http://data.europa.eu/esco/skill/") for c in taxonomy.concepts)
    assert sum(len(c.alt_labels) for c in taxonomy.concepts) > 83_000
    sources = collections.Counter(c.label_source for c in taxonomy.concepts)
    assert sources["ojd"] == 13_188
    assert sources["ojd"] + sources["label-file"] + sources["heuristic"] == 13_939
    placed = [c for c in taxonomy.concepts if c.paths]
    assert len(placed) == 13_188
    assert taxonomy.groups["S1"] == "communication, collaboration and creativity"


def test_transversal_concepts_missing_from_the_structured_file_are_recovered(taxonomy):
    by_label = {c.preferred_label: c for c in taxonomy.concepts}
    initiative = by_label["show initiative"]
    assert initiative.label_source in {"label-file", "heuristic"}
    assert initiative.description.startswith("Be proactive")
    matcher = LexicalMatcher(taxonomy)
    found = {taxonomy.concepts[h.concept].uri for h in matcher.extract("You show initiative.")}
    assert initiative.uri in found


def test_labels_file_recovers_exact_preferred_labels(taxonomy):
    if esco.default_labels_file() is None:
        pytest.skip("shared/data/skills-eval/skills_en_label.txt not beside the repository")
    sources = collections.Counter(c.label_source for c in taxonomy.concepts)
    assert sources["label-file"] == 500


def test_without_labels_file_recovery_falls_back_to_the_segmenter():
    tax = esco.load_taxonomy(use_default_labels_file=False)
    sources = collections.Counter(c.label_source for c in tax.concepts)
    assert sources == {"ojd": 13_188, "heuristic": 751}


def test_occupations_skip_isco_groups():
    occupations = list(esco.read_occupations(esco.locate_files().ese_occupations))
    assert len(occupations) == 3_039
    assert all("/esco/occupation/" in o.uri for o in occupations)
    assert occupations[0].preferred_label == "technical director"


def test_definition_start():
    words = ["enterprise", "risk", "management", "ERM", "A", "plan-based", "business", "strategy."]
    assert esco.definition_start(words) == 4
