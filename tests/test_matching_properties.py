"""Property-based tests over random small markets (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.matching.engine import solve_stable, verify
from tandem.matching.engine.brute import all_stable, tiny_market
from tandem.matching.engine.reference import solve_reference

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def small_markets(draw, max_students: int = 5, max_placements: int = 4, ties: bool = False):
    """Random markets with incomplete lists, capacities 0–3 and (optionally) ties."""
    n_s = draw(st.integers(1, max_students))
    n_p = draw(st.integers(1, max_placements))
    s_ids = [f"s{i}" for i in range(n_s)]
    p_ids = [f"p{j}" for j in range(n_p)]
    students = {s: draw(st.permutations(p_ids))[: draw(st.integers(0, n_p))] for s in s_ids}
    placements = {}
    for p in p_ids:
        order = draw(st.permutations(s_ids))[: draw(st.integers(0, n_s))]
        ranking: list = []
        i = 0
        while i < len(order):
            size = draw(st.integers(1, 3)) if ties else 1
            group = order[i : i + size]
            ranking.append(group[0] if len(group) == 1 else list(group))
            i += size
        placements[p] = (draw(st.integers(0, 3)), ranking)
    return tiny_market(students, placements)


def _rank(m, sid, p):
    st_ = next(s for s in m.students if s.id == sid)
    return len(st_.ranking) if p is None else st_.ranking.index(p)


@SETTINGS
@given(small_markets(ties=True), st.integers(0, 3))
def test_both_sides_stable_and_equal_to_reference(m, seed):
    for side in ("students", "placements"):
        r = solve_stable(m, proposing=side, seed=seed)
        assert verify(m, r.assignments).is_stable
        assert r.assignments == solve_reference(m, side, seed)


@SETTINGS
@given(small_markets(max_students=4, max_placements=3))
def test_student_optimal_and_placement_optimal_against_brute_force(m):
    stable = all_stable(m)
    assert stable, "a stable matching always exists without couples"
    s_opt = solve_stable(m).assignments
    p_opt = solve_stable(m, proposing="placements").assignments
    assert s_opt in stable and p_opt in stable
    for sid in s_opt:
        ranks = [_rank(m, sid, a[sid]) for a in stable]
        assert _rank(m, sid, s_opt[sid]) == min(ranks)  # best stable partner
        assert _rank(m, sid, p_opt[sid]) == max(ranks)  # worst stable partner


@SETTINGS
@given(small_markets(max_students=6, max_placements=4))
def test_lattice_and_rural_hospitals(m):
    s_opt = solve_stable(m).assignments
    p_opt = solve_stable(m, proposing="placements").assignments
    # every student weakly prefers the student-optimal matching
    for sid in s_opt:
        assert _rank(m, sid, s_opt[sid]) <= _rank(m, sid, p_opt[sid])
    # rural hospitals: same students matched, same seats filled, and an under-filled
    # placement holds exactly the same students in both
    assert {s for s, p in s_opt.items() if p} == {s for s, p in p_opt.items() if p}
    for pl in m.placements:
        a = {s for s, p in s_opt.items() if p == pl.id}
        b = {s for s, p in p_opt.items() if p == pl.id}
        assert len(a) == len(b)
        if len(a) < pl.capacity:
            assert a == b


@SETTINGS
@given(small_markets(max_students=6, max_placements=4, ties=True), st.data())
def test_array_checker_agrees_with_python_checker(m, data):
    # any assignment (not only stable ones): each student gets None or a random placement
    import numpy as np

    from tandem.matching.engine import compile_market
    from tandem.matching.engine.verify import verify_arrays

    p_ids = [p.id for p in m.placements]
    assignments = {s.id: data.draw(st.sampled_from([None, *p_ids]), label=s.id) for s in m.students}
    cm = compile_market(m)
    index = {p: j for j, p in enumerate(p_ids)}
    assign = np.asarray(
        [index[assignments[s.id]] if assignments[s.id] else -1 for s in m.students],
        dtype=np.int32,
    )
    bs, bp, unacceptable, overfull = verify_arrays(*cm.raw, cm.cap, assign)
    v = verify(m, assignments)
    assert {(cm.student_ids[s], p_ids[p]) for s, p in zip(bs, bp, strict=True)} == {
        (b.student, b.placement) for b in v.blocking_pairs
    }
    assert unacceptable == len(v.unacceptable_assignments)
    assert overfull == len(v.capacity_violations)
