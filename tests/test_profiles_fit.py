"""The pure skill-fit scoring: exact, hand-built cases (no database)."""

from __future__ import annotations

import pytest

from tandem.profiles.fit import (
    SIBLING_CREDIT,
    Missing,
    RequiredSkill,
    Skill,
    Target,
    fit,
    rank,
    rank_scores,
)

PY = Skill("esco:python", "Python", frozenset({"K0613", "S5.6.1"}))
SQL = Skill("esco:sql", "SQL", frozenset({"K0613"}))
R = Skill("esco:r", "R", frozenset({"K0613", "K0542"}))
STATS = Skill("esco:stats", "statistics", frozenset({"K0542"}))
TEAM = Skill("esco:team", "teamwork", frozenset({"S1.3.1"}))
NURSE = Skill("esco:nursing", "infection control", frozenset({"K0913"}))


def target(key, title, *skills, weights=None):
    weights = weights or [1.0] * len(skills)
    return Target(
        key=key,
        title=title,
        required=tuple(RequiredSkill(s, w) for s, w in zip(skills, weights, strict=True)),
    )


def test_full_match_partial_sibling_and_missing():
    # Needs Python, SQL, teamwork, infection control. Has Python (full) and, for SQL, the
    # sibling Python in K0613 (half); teamwork and infection control have no sibling held.
    f = fit([PY], target("a", "A", PY, SQL, TEAM, NURSE))
    assert f.score == (1 + SIBLING_CREDIT) / 4 == 0.375
    assert f.matched == (PY,)
    assert f.missing == (
        Missing("esco:sql", "SQL", ("esco:python",)),
        Missing("esco:team", "teamwork", ()),
        Missing("esco:nursing", "infection control", ()),
    )
    assert f.percent == 38


def test_weights_and_duplicates():
    # Weighted 3:1, the duplicate SQL entry ignored (the first wins), zero weight ignored.
    t = Target(
        key="b",
        title="B",
        required=(
            RequiredSkill(PY, 3.0),
            RequiredSkill(STATS, 1.0),
            RequiredSkill(PY, 5.0),
            RequiredSkill(TEAM, 0.0),
        ),
    )
    assert fit([STATS], t).score == 1 / 4
    assert fit([PY], t).score == 3 / 4
    assert fit([PY, STATS], t).score == 1.0
    # R is a sibling of both Python (K0613) and statistics (K0542): half of everything.
    assert fit([R], t).score == 0.5
    assert fit([R], t).missing[0].related == ("esco:r",)


def test_related_lists_every_held_sibling_sorted():
    f = fit([SQL, R, PY], target("c", "C", Skill("esco:ansible", "Ansible", frozenset({"K0613"}))))
    assert f.missing[0].related == ("esco:python", "esco:r", "esco:sql")
    assert f.score == SIBLING_CREDIT


def test_no_required_skills_scores_zero_and_no_skills_held():
    assert fit([PY], Target("d", "D", ())).score == 0.0
    f = fit([], target("e", "E", PY, SQL))
    assert f.score == 0.0 and f.matched == () and len(f.missing) == 2


def test_sibling_credit_can_be_turned_off():
    assert fit([PY], target("a", "A", PY, SQL), sibling_credit=0.0).score == 0.5


def test_rank_orders_by_score_then_full_matches_then_title_then_key():
    held = [PY, STATS]
    targets = [
        target("k3", "Zed", PY, SQL),  # 1 + 0.5 of 2 = 0.75, one full match
        target("k1", "Alpha", PY, STATS, TEAM, NURSE),  # 2 of 4 = 0.5, two full
        target("k2", "Beta", SQL, R),  # 0.5 + 0.5 of 2 = 0.5, no full match
        target("k5", "Same", PY),  # 1.0
        target("k4", "Same", STATS),  # 1.0: same title as k5, key decides
        target("k6", "Nothing", NURSE),  # 0
    ]
    ranked = rank(held, targets)
    assert [f.key for f in ranked] == ["k4", "k5", "k3", "k1", "k2", "k6"]
    assert [f.score for f in ranked] == [1.0, 1.0, 0.75, 0.5, 0.5, 0.0]
    # The order does not depend on the input order.
    assert rank(held, list(reversed(targets))) == ranked


@pytest.mark.parametrize("held", [[], [PY], [SQL], [PY, STATS], [R, TEAM], [NURSE, SQL, STATS]])
def test_rank_scores_is_rank_without_the_explanations(held):
    """The batch refresh's reduced ranking: the same order, scores and full-match counts,
    also when several targets ask for the same skills (scored once) and tie."""
    targets = [
        target("k3", "Zed", PY, SQL),
        target("k1", "Alpha", PY, STATS, TEAM, NURSE),
        target("k2", "Beta", SQL, R),
        target("k5", "Same", PY),
        target("k4", "Same", STATS),
        target("k7", "Same", PY),  # asks what k5 asks: same fit, the key decides
        target("k8", "Alpha", PY, STATS, TEAM, NURSE),
        target("k6", "Nothing", NURSE),
        target("k9", "Empty"),
        target("k0", "Weighted", PY, SQL, weights=[2.0, 1.0]),
    ]
    for order in (targets, list(reversed(targets))):
        got = [(t.key, score, matched) for t, score, matched in rank_scores(held, order)]
        assert got == [(f.key, f.score, len(f.matched)) for f in rank(held, order)]


@pytest.mark.parametrize("held", [[], [PY], [PY, SQL, R, STATS, TEAM, NURSE]])
def test_score_is_a_share(held):
    f = fit(held, target("x", "X", PY, SQL, STATS, NURSE))
    assert 0.0 <= f.score <= 1.0
    assert len(f.matched) + len(f.missing) == 4


# Two ESCO concepts with one preferred label (the same words filed twice, in different groups).
NETWORK_ICT = Skill("esco:network-ict", "network", frozenset({"K0612"}))
NETWORK_SOCIAL = Skill("esco:network-social", "Network ", frozenset({"S1.4.2"}))


def test_concepts_with_the_same_label_are_one_skill():
    # Holding either "network" matches an opportunity asking for the other: never the same
    # label both matched and missing.
    f = fit([NETWORK_ICT], target("n", "N", NETWORK_SOCIAL, SQL))
    assert f.matched == (NETWORK_SOCIAL,)
    assert [m.label for m in f.missing] == ["SQL"]
    assert f.score == 0.5
    # A posting whose "network" was read as both concepts asks for it once, not twice.
    both = target("n2", "N2", NETWORK_ICT, NETWORK_SOCIAL, SQL)
    for held in ([NETWORK_ICT], [NETWORK_SOCIAL], [NETWORK_ICT, NETWORK_SOCIAL]):
        g = fit(held, both)
        assert g.score == 0.5
        assert [s.uri for s in g.matched] == ["esco:network-ict"]
        assert [m.uri for m in g.missing] == ["esco:sql"]
    missing = fit([SQL], both)
    assert [m.label for m in missing.missing] == ["network"]
    assert missing.score == 0.5


def test_same_label_needs_the_same_words():
    # Labels compare case-insensitively with spaces folded, but nothing looser: "networks"
    # or an unlabelled concept stays a different skill.
    plural = Skill("esco:networks", "networks", frozenset())
    unlabelled = Skill("esco:anon", "", frozenset())
    assert fit([plural], target("p", "P", NETWORK_ICT)).score == 0.0
    assert fit([Skill("esco:anon2", "")], target("u", "U", unlabelled)).score == 0.0
    assert fit([unlabelled], target("u", "U", unlabelled)).score == 1.0
