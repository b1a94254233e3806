"""Optimal assignment: exact optimum checked against independent solvers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from tandem.matching.engine import (
    Constraints,
    MarketError,
    Mentee,
    Mentor,
    ScoredMarket,
    solve_optimal,
)


def dense_lsa_optimum(sm: ScoredMarket) -> float:
    """Independent answer: scipy's dense Hungarian-type solver on the seat expansion."""
    seats = [m.id for m in sm.mentors for _ in range(m.capacity)]
    n_e = len(sm.mentees)
    score = {(e, m): s for e, m, s in sm.scores}
    forbid = -1e9
    mat = np.full((n_e, len(seats) + n_e), forbid)
    for i, e in enumerate(sm.mentees):
        for j, m in enumerate(seats):
            if (e.id, m) in score:
                mat[i, j] = score[(e.id, m)]
        mat[i, len(seats) + i] = 0.0
    r, c = linear_sum_assignment(mat, maximize=True)
    return float(mat[r, c].sum())


def brute_optimum(sm: ScoredMarket) -> float:
    """Exhaustive answer honouring the side constraints (tiny markets)."""
    options = []
    for e in sm.mentees:
        options.append([None, *[(m, s) for ee, m, s in sm.scores if ee == e.id]])
    cap = {m.id: m.capacity for m in sm.mentors}
    c = sm.constraints
    best = -np.inf
    for combo in itertools.product(*options):
        count: dict = {}
        inst: dict = {}
        prio = [0, 0]
        per_mentor: dict = {}
        total = 0.0
        ok = True
        for e, x in zip(sm.mentees, combo, strict=True):
            if x is None:
                continue
            m, s = x
            count[m] = count.get(m, 0) + 1
            ok &= count[m] <= cap[m]
            if e.institution is not None:
                inst[(m, e.institution)] = inst.get((m, e.institution), 0) + 1
            prio[0] += e.priority
            prio[1] += 1
            pm = per_mentor.setdefault(m, [0, 0])
            pm[0] += e.priority
            pm[1] += 1
            total += s
        if c.max_per_institution is not None:
            ok &= all(v <= c.max_per_institution for v in inst.values())
        if c.min_priority_share:
            if c.priority_scope == "global":
                ok &= prio[0] >= c.min_priority_share * prio[1] - 1e-9
            else:
                ok &= all(a >= c.min_priority_share * b - 1e-9 for a, b in per_mentor.values())
        if ok:
            best = max(best, total)
    return best


def random_scored(rng, n_e, n_m, per, cap=2, **constraints):
    mentors = tuple(Mentor(f"m{j}", int(rng.integers(0, cap + 1))) for j in range(n_m))
    mentees = tuple(
        Mentee(f"e{i}", institution=f"i{i % 3}", priority=bool(rng.random() < 0.4))
        for i in range(n_e)
    )
    scores = []
    for i in range(n_e):
        for j in rng.choice(n_m, min(per, n_m), replace=False):
            scores.append((f"e{i}", f"m{j}", float(np.round(rng.normal(0.5, 0.5), 3))))
    return ScoredMarket(mentors, mentees, tuple(scores), Constraints(**constraints))


@pytest.mark.parametrize("seed", range(4))
def test_matches_dense_linear_sum_assignment(seed):
    sm = random_scored(np.random.default_rng(seed), 60, 15, 6, cap=4)
    r = solve_optimal(sm)
    assert r.total_score == pytest.approx(dense_lsa_optimum(sm), abs=1e-6)
    assert "optimal" in r.status
    load: dict = {}
    for _e, m in r.assignments.items():
        if m is not None:
            load[m] = load.get(m, 0) + 1
    assert all(load[m.id] <= m.capacity for m in sm.mentors if m.id in load)


def test_assignment_solver_and_integer_program_agree():
    # the same market solved by both exact methods (LAPJV vs HiGHS branch and bound): a
    # non-binding side constraint forces the integer program without changing the optimum
    sm = random_scored(np.random.default_rng(11), 80, 20, 5, cap=3)
    lapjv = solve_optimal(sm, compare_stable=False)
    forced = ScoredMarket(sm.mentors, sm.mentees, sm.scores, Constraints(max_per_institution=99))
    mip = solve_optimal(forced, compare_stable=False)
    assert "HiGHS" in mip.status and "LAPJV" in lapjv.status
    assert mip.total_score == pytest.approx(lapjv.total_score, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 10_000),
    st.sampled_from(
        [
            {},
            {"max_per_institution": 1},
            {"min_priority_share": 0.5},
            {"min_priority_share": 0.5, "priority_scope": "mentor"},
            {"max_per_institution": 1, "min_priority_share": 0.34},
        ]
    ),
)
def test_side_constraints_optimal_against_brute_force(seed, constraints):
    sm = random_scored(np.random.default_rng(seed), 5, 3, 2, cap=2, **constraints)
    r = solve_optimal(sm, compare_stable=False)
    assert r.total_score == pytest.approx(brute_optimum(sm), abs=1e-6)


def test_example_from_the_issue_and_stable_comparison():
    sm = ScoredMarket(
        (Mentor("m1", 1), Mentor("m2", 1)),
        (Mentee("e1"), Mentee("e2")),
        (("e1", "m1", 0.9), ("e1", "m2", 0.8), ("e2", "m1", 0.85), ("e2", "m2", 0.1)),
    )
    r = solve_optimal(sm)
    # total fit: e1→m2, e2→m1 (1.65) beats the stable e1→m1, e2→m2 (1.0)
    assert r.assignments == {"e1": "m2", "e2": "m1"}
    assert r.total_score == pytest.approx(1.65)
    assert r.stats["blocking_pairs_optimal"] == 1  # (e1, m1) both prefer each other
    assert r.stats["blocking_pairs_stable"] == 0
    assert r.stats["total_score_stable"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scores": (("e9", "m1", 1.0),)}, "unknown mentee 'e9'"),
        ({"scores": (("e1", "m9", 1.0),)}, "unknown mentor 'm9'"),
        ({"scores": (("e1", "m1", 1.0), ("e1", "m1", 2.0))}, "scored twice"),
        ({"scores": (("e1", "m1", float("nan")),)}, "not a finite number"),
        ({"mentors": (Mentor("m1", -2),)}, "negative capacity"),
    ],
)
def test_bad_scored_markets(kwargs, message):
    base = {"mentors": (Mentor("m1", 1),), "mentees": (Mentee("e1"),), "scores": ()}
    with pytest.raises(MarketError, match=message):
        solve_optimal(ScoredMarket(**(base | kwargs)))
