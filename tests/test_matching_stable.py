"""Stable matching: literature examples, the plain-Python reference, ties and the lottery."""

from __future__ import annotations

import numpy as np
import pytest

from tandem.matching.engine import (
    Market,
    MarketError,
    Placement,
    Student,
    compile_arrays,
    core,
    explain,
    solve_stable,
    verify,
)
from tandem.matching.engine.brute import all_stable, tiny_market
from tandem.matching.engine.generate import random_market, to_market
from tandem.matching.engine.reference import solve_reference

# Gale and Shapley (1962), example 2: three men, three women, cyclic preferences; every
# man gets his first choice in the man-optimal matching, every woman hers in the
# woman-optimal one, and a third stable matching lies between.
GS_CYCLIC = tiny_market(
    {"a": ["A", "B", "C"], "b": ["B", "C", "A"], "c": ["C", "A", "B"]},
    {"A": (1, ["b", "c", "a"]), "B": (1, ["c", "a", "b"]), "C": (1, ["a", "b", "c"])},
)


def test_gale_shapley_cyclic_example_both_sides():
    men = solve_stable(GS_CYCLIC)
    women = solve_stable(GS_CYCLIC, proposing="placements")
    assert men.assignments == {"a": "A", "b": "B", "c": "C"}
    assert women.assignments == {"a": "C", "b": "A", "c": "B"}
    assert men.stable and women.stable
    stable = all_stable(GS_CYCLIC)
    assert len(stable) == 3
    assert {"a": "B", "b": "C", "c": "A"} in stable


def test_gale_shapley_college_admissions_example():
    # Gale–Shapley's college admissions setting: a college with a quota, students it ranks
    # and a student it does not rank (unacceptable), which must never be assigned there.
    m = tiny_market(
        {"s1": ["X", "Y"], "s2": ["X", "Y"], "s3": ["X"], "s4": ["Y", "X"]},
        {"X": (2, ["s3", "s2", "s1"]), "Y": (1, ["s1", "s4", "s2"])},
    )
    r = solve_stable(m)
    assert r.assignments == {"s1": "Y", "s2": "X", "s3": "X", "s4": None}
    assert r.stable
    exp = explain(m, r.assignments)
    assert exp["s4"].placement is None
    assert [x.code for x in exp["s4"].reasons] == [
        "filled_with_higher_ranked",
        "not_ranked_by_placement",
    ]
    assert exp["s4"].open_seats == {}


def test_roth_1984_hospital_example_rural_hospital():
    # A small hospital–resident market where one hospital stays under-filled: in every
    # stable matching it gets the same residents (Roth 1986, rural hospitals theorem).
    m = tiny_market(
        {"r1": ["h1", "h2"], "r2": ["h1", "h2"], "r3": ["h1"], "r4": ["h2", "h1"]},
        {"h1": (2, ["r1", "r3", "r2", "r4"]), "h2": (3, ["r2", "r4", "r1"])},
    )
    a = solve_stable(m).assignments
    b = solve_stable(m, proposing="placements").assignments
    assert [s for s, p in a.items() if p == "h2"] == [s for s, p in b.items() if p == "h2"]
    assert a == {"r1": "h1", "r2": "h2", "r3": "h1", "r4": "h2"}


def test_unacceptable_pairs_are_never_matched():
    m = tiny_market({"s1": ["p1"], "s2": ["p1"]}, {"p1": (5, ["s2", "s3"]), "p2": (1, ["s1"])})
    with pytest.raises(MarketError, match="unknown student 's3'"):
        solve_stable(m)
    m = tiny_market({"s1": ["p1"], "s2": ["p1"]}, {"p1": (5, ["s2"]), "p2": (1, ["s1"])})
    r = solve_stable(m)
    assert r.assignments == {"s1": None, "s2": "p1"}
    assert r.stats["unfilled_seats"] == 5


def test_zero_capacity_and_empty_lists():
    m = tiny_market({"s1": ["p1", "p2"], "s2": []}, {"p1": (0, ["s1"]), "p2": (1, ["s1"])})
    for side in ("students", "placements"):
        r = solve_stable(m, proposing=side)
        assert r.assignments == {"s1": "p2", "s2": None}


@pytest.mark.parametrize("correlation", [0.0, 0.9])
@pytest.mark.parametrize("side", ["students", "placements"])
def test_kernels_equal_reference_on_random_markets(correlation, side):
    am = random_market(400, 40, capacity=4, list_length=6, correlation=correlation, seed=7)
    m = to_market(am)
    r = solve_stable(m, proposing=side)
    assert r.assignments == solve_reference(m, side)
    assert r.stable and r.blocking_pairs == ()


def test_array_path_equals_market_path():
    am = random_market(300, 30, capacity=3, list_length=5, seed=3)
    s_ptr, s_pref, s_prank, *_ = compile_arrays(am.s_ptr, am.s_pref, am.p_ptr, am.p_pref, am.cap)
    assign, _ = core.student_proposing(s_ptr, s_pref, s_prank, am.cap)
    r = solve_stable(to_market(am))
    expected = [int(p[1:]) if p else -1 for p in r.assignments.values()]
    assert assign.tolist() == expected
    assert core.count_blocking(s_ptr, s_pref, s_prank, am.cap, assign) == 0
    assign[int(np.flatnonzero(assign >= 0)[0])] = -1  # break it: the kernel must notice
    assert core.count_blocking(s_ptr, s_pref, s_prank, am.cap, assign) > 0


def test_ties_broken_by_seeded_single_lottery():
    # p ranks everyone equally: the lottery decides, the same seed gives the same result,
    # and a single lottery means one student wins both ties at once.
    m = tiny_market(
        {"a": ["p", "q"], "b": ["p", "q"], "c": ["q", "p"]},
        {"p": (1, [["a", "b", "c"]]), "q": (1, [["a", "b", "c"]])},
    )
    results = {}
    for seed in range(12):
        r1 = solve_stable(m, seed=seed)
        assert r1.assignments == solve_stable(m, seed=seed).assignments
        assert r1.assignments == solve_reference(m, "students", seed)
        assert r1.stable
        results[seed] = r1.assignments
    assert len({tuple(sorted(x.items(), key=lambda kv: kv[0])) for x in results.values()}) > 1
    # explanation mentions the lottery for a student who lost a tie
    r = solve_stable(m, seed=0)
    for sid, e in explain(m, r.assignments).items():
        assert all(x.code in ("lottery", "filled_with_higher_ranked") for x in e.reasons), sid


def test_lottery_is_documented_permutation():
    from tandem.matching.engine import lottery_for

    assert lottery_for(5, 42).tolist() == np.random.default_rng(42).permutation(5).tolist()


@pytest.mark.parametrize(
    ("m", "message"),
    [
        (
            tiny_market({"s1": ["p9"]}, {"p1": (1, [])}),
            "students[0]: student 's1' ranks unknown placement 'p9'",
        ),
        (tiny_market({"s1": ["p1", "p1"]}, {"p1": (1, [])}), "ranks placement 'p1' twice"),
        (tiny_market({"s1": []}, {"p1": (1, ["s1", ["s1"]])}), "ranks student 's1' twice"),
        (tiny_market({"s1": []}, {"p1": (-1, [])}), "negative capacity -1"),
        (
            Market((Student("s1"), Student("s1")), (Placement("p1", 1),)),
            "student id 's1' appears twice",
        ),
    ],
)
def test_bad_markets_are_refused_naming_the_record(m, message):
    with pytest.raises(MarketError, match=message.replace("[", r"\[").replace("]", r"\]")):
        solve_stable(m)


def test_checker_reports_every_kind_of_problem():
    m = tiny_market(
        {"a": ["p", "q"], "b": ["p"], "c": ["q"]}, {"p": (1, ["a", "b"]), "q": (1, ["a", "c"])}
    )
    v = verify(m, {"a": "q", "b": "p", "c": "q"})
    assert v.capacity_violations == ("q holds 2 students for 1 seats",)
    assert [(b.student, b.placement) for b in v.blocking_pairs] == [("a", "p")]
    v = verify(m, {"a": None, "b": None, "c": "p"})
    assert v.unacceptable_assignments == (("c", "p"),)
    assert not v.is_valid and not v.is_stable
    assert verify(m, solve_stable(m).assignments).is_stable


def test_stats_count_top_choices():
    r = solve_stable(GS_CYCLIC)
    assert r.stats["share_top1"] == 1.0
    assert r.stats["matched"] == 3 and r.stats["unfilled_seats"] == 0
