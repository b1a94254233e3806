"""Couples (joint applicants): guarantees, the no-stable-matching case, validation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine import Couple, MarketError, explain, solve_stable, verify
from tandem.matching.engine.brute import all_stable, tiny_market


def test_no_stable_matching_exists_and_is_reported():
    # Roth (1984) / Roth and Sotomayor (1990): one couple, one single, two one-seat
    # hospitals; every matching is blocked.
    m = tiny_market(
        {"m1": [], "m2": [], "m3": ["h1", "h2"]},
        {"h1": (1, ["m1", "m3", "m2"]), "h2": (1, ["m3", "m2", "m1"])},
        (Couple(("m1", "m2"), (("h1", "h2"),)),),
    )
    assert all_stable(m) == []
    r = solve_stable(m)
    assert r.stable is False
    assert "no stable matching was found" in r.message
    assert r.blocking_pairs
    assert verify(m, r.assignments).is_valid  # still a valid (if unstable) matching


def test_couple_displaces_singles_and_result_is_stable():
    m = tiny_market(
        {"a": [], "b": [], "s1": ["p1", "p2"], "s2": ["p2", "p1"], "s3": ["p1", "p2"]},
        {"p1": (1, ["a", "s1", "s3"]), "p2": (2, ["s2", "b", "s1", "s3"])},
        (Couple(("a", "b"), (("p1", "p2"), ("p2", "p2"))),),
    )
    r = solve_stable(m)
    assert r.stable, r.message
    assert r.assignments["a"] == "p1" and r.assignments["b"] == "p2"
    assert r.assignments in all_stable(m)
    e = explain(m, r.assignments)
    assert e["a"].rank == 0


def test_same_site_pair_needs_two_seats():
    m = tiny_market(
        {"a": [], "b": [], "s": ["p"]},
        {"p": (2, ["s", "a", "b"]), "q": (2, ["a", "b"])},
        (Couple(("a", "b"), (("p", "p"), ("q", "q"))),),
    )
    r = solve_stable(m)
    assert r.stable
    assert r.assignments == {"a": "q", "b": "q", "s": "p"}
    reasons = explain(m, r.assignments)["a"].reasons
    assert reasons and reasons[0].placement == "p"


@pytest.mark.parametrize(
    ("couples", "message"),
    [
        ((Couple(("a", "zz"), ()),), "couple names unknown student 'zz'"),
        ((Couple(("a", "b"), ()), Couple(("b", "s"), ())), "'b' is in more than one couple"),
        ((Couple(("a", "b"), (("p", "nowhere"),)),), "unknown placement 'nowhere'"),
        ((Couple(("a", "b"), (("p", "p"), ("p", "p"))),), "ranks the pair"),
        ((Couple(("a", "a"), ()),), "two different students"),
    ],
)
def test_bad_couples_are_refused(couples, message):
    m = tiny_market({"a": [], "b": [], "s": []}, {"p": (2, [])}, couples)
    with pytest.raises(MarketError, match=message):
        solve_stable(m)


def test_placement_proposing_with_couples_is_refused():
    m = tiny_market({"a": [], "b": []}, {"p": (2, ["a", "b"])}, (Couple(("a", "b"), ()),))
    with pytest.raises(MarketError, match="only student-proposing"):
        solve_stable(m, proposing="placements")


@st.composite
def couple_markets(draw):
    n_s = draw(st.integers(0, 3))
    n_p = draw(st.integers(1, 3))
    singles = [f"s{i}" for i in range(n_s)]
    everyone = [*singles, "a", "b"]
    p_ids = [f"p{j}" for j in range(n_p)]
    students = {s: draw(st.permutations(p_ids))[: draw(st.integers(0, n_p))] for s in singles}
    students |= {"a": [], "b": []}
    placements = {
        p: (draw(st.integers(0, 2)), draw(st.permutations(everyone))[: draw(st.integers(0, 5))])
        for p in p_ids
    }
    all_pairs = [(p, q) for p in p_ids for q in p_ids]
    pairs = draw(st.permutations(all_pairs))[: draw(st.integers(0, len(all_pairs)))]
    return tiny_market(students, placements, (Couple(("a", "b"), tuple(pairs)),))


@settings(max_examples=150, deadline=None)
@given(couple_markets())
def test_couples_claims_are_always_true(m):
    r = solve_stable(m)
    v = verify(m, r.assignments)
    assert v.is_valid  # capacities, acceptability, couple together
    assert r.stable == v.is_stable
    if not all_stable(m):
        assert not r.stable and r.message


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("correlation", [0.0, 0.9])
def test_couples_in_a_generated_market(correlation, seed):
    from tandem.matching.engine.generate import random_market, to_market, with_couples

    am = random_market(2000, 200, capacity=10, list_length=8, correlation=correlation, seed=seed)
    m = with_couples(to_market(am), 40, seed=5)
    r = solve_stable(m, seed=1)
    v = verify(m, r.assignments)
    assert v.is_valid  # always a valid matching, couples together
    assert r.stable == v.is_stable  # the claim is the checker's verdict
    assert r.stable or r.message.startswith("no stable matching was found")
    assert r.assignments == solve_stable(m, seed=1).assignments  # reproducible


def test_finds_a_stable_matching_whenever_one_exists_on_small_markets():
    # 200 seeded random markets with two couples: brute force decides whether a stable
    # matching exists; the procedure must then find one (it did on all of them).
    import random

    rng = random.Random(0)
    exists = found = 0
    for _ in range(200):
        n_s, n_p = rng.randint(0, 3), rng.randint(1, 3)
        singles = [f"s{i}" for i in range(n_s)]
        everyone = [*singles, "a", "b", "c", "d"]
        p_ids = [f"p{j}" for j in range(n_p)]
        students = {s: rng.sample(p_ids, rng.randint(0, n_p)) for s in singles}
        students |= {x: [] for x in "abcd"}
        placements = {
            p: (rng.randint(0, 2), rng.sample(everyone, rng.randint(0, len(everyone))))
            for p in p_ids
        }
        pairs = [(p, q) for p in p_ids for q in p_ids]
        couples = tuple(
            Couple(members, tuple(rng.sample(pairs, rng.randint(0, len(pairs)))))
            for members in (("a", "b"), ("c", "d"))
        )
        m = tiny_market(students, placements, couples)
        if all_stable(m):
            exists += 1
            found += solve_stable(m).stable
    assert exists > 150
    assert found == exists
