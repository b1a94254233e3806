"""The lexical stage: inflection, punctuation, case, multi-word phrases, spans."""

from __future__ import annotations

import pytest

from tandem.skills.engine.extractor import Extractor
from tandem.skills.engine.lexical import LexicalMatcher
from tandem.skills.engine.taxonomy import ESCO_SKILL_PREFIX, Concept, Taxonomy
from tandem.skills.engine.text import stem, tokenize


def _concept(n: int, label: str, *alts: str, kind: str = "skill") -> Concept:
    return Concept(
        uri=f"{ESCO_SKILL_PREFIX}00000000-0000-0000-0000-{n:012d}",
        preferred_label=label,
        alt_labels=tuple(alts),
        kind=kind,
    )


def tiny_taxonomy() -> Taxonomy:
    return Taxonomy(
        version="test",
        concepts=(
            _concept(1, "manage projects", "project management"),
            _concept(2, "Python (computer programming)", kind="knowledge"),
            _concept(3, "R", kind="knowledge"),
            _concept(4, "C++", kind="knowledge"),
            _concept(5, "cope with stress", "handle stress"),
            _concept(6, "analyse data", "data analysis"),
            _concept(7, "teamwork principles", "teamwork"),
            _concept(8, "project management software"),
        ),
    )


@pytest.fixture(scope="module")
def matcher() -> LexicalMatcher:
    return LexicalMatcher(tiny_taxonomy())


def labels(matcher: LexicalMatcher, text: str) -> list[str]:
    return [matcher.taxonomy.concepts[h.concept].preferred_label for h in matcher.extract(text)]


@pytest.mark.parametrize("word", ["manage", "managed", "manages", "managing"])
def test_inflections_meet_one_stem(word):
    assert stem(word) == stem("manage")


def test_plural_and_gerund_forms_match_label(matcher):
    text = "Managing Projects and analysing datas"
    found = labels(matcher, text)
    assert "manage projects" in found
    assert "analyse data" in found


def test_punctuation_and_case_do_not_block_a_match(matcher):
    text = "Skills: PROJECT-MANAGEMENT; handle... stress!"
    found = labels(matcher, text)
    assert found[:2] == ["manage projects", "cope with stress"] or set(found[:2]) == {
        "manage projects",
        "cope with stress",
    }


def test_spans_point_at_the_original_text(matcher):
    text = "We want someone Managing projects, fluent in Python and C++."
    hits = {matcher.taxonomy.concepts[h.concept].preferred_label: h for h in matcher.extract(text)}
    (s, e) = hits["manage projects"].spans[0]
    assert text[s:e] == "Managing projects"
    (s, e) = hits["Python (computer programming)"].spans[0]
    assert text[s:e] == "Python"
    (s, e) = hits["C++"].spans[0]
    assert text[s:e] == "C++"


def test_short_labels_need_exact_case(matcher):
    assert "R" not in labels(matcher, "are r and you")
    assert "R" in labels(matcher, "statistics in R or SAS")


def test_longer_phrase_outranks_contained_phrase(matcher):
    hits = matcher.extract("experience with project management software")
    top = matcher.taxonomy.concepts[hits[0].concept].preferred_label
    assert top == "project management software"


def test_repeated_mentions_give_all_spans(matcher):
    text = "teamwork, more teamwork"
    (hit,) = [h for h in matcher.extract(text) if h.concept == 6]
    assert [text[s:e] for s, e in hit.spans] == ["teamwork", "teamwork"]


def test_no_match_gives_nothing(matcher):
    assert matcher.extract("") == []
    assert matcher.extract("the and of") == []


def test_tokenize_keeps_offsets():
    text = "Node.js, C# & e-commerce"
    assert [text[s:e] for _, s, e in tokenize(text)] == ["Node.js", "C#", "e", "commerce"]


def test_extractor_lexical_mode_returns_uris_and_top_k():
    ex = Extractor(tiny_taxonomy())
    out = ex.extract("Python, R, C++ and teamwork", top_k=2, mode="lexical")
    assert len(out) == 2
    assert all(m.uri.startswith("http://data.europa.eu/esco/skill/") for m in out)
    assert out[0].score >= out[1].score
    assert out[0].as_dict()["spans"] == [list(out[0].spans[0])]


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        Extractor(tiny_taxonomy()).extract("x", mode="magic")  # type: ignore[arg-type]
