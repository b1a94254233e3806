"""Optimal assignment: maximise the total score under capacities and side constraints.

The model is an integer program with one 0/1 variable per scored (mentee, mentor) pair:

    maximise   Σ score·x
    subject to Σ_mentor x ≤ 1                 for each mentee
               Σ_mentee x ≤ capacity          for each mentor
               Σ_{mentees of inst. i} x ≤ N   for each (mentor, institution)   [optional]
               Σ (priority − share)·x ≥ 0     overall, or at each mentor        [optional]

Without side constraints this is a maximum-weight b-matching, solved exactly as a
rectangular assignment problem: every mentor becomes ``capacity`` seats, every mentee gets
one private "unassigned" seat of score 0, and SciPy's sparse LAPJV
(``scipy.sparse.csgraph.min_weight_full_bipartite_matching``) finds the cheapest full
matching of the mentees with cost ``C − score`` (a constant ``C`` above every score keeps
costs positive; it adds the same amount to every full matching, so the optimum is the
same). With side constraints the integer program goes to HiGHS (``scipy.optimize.milp``)
with a zero optimality gap, so the answer is proven optimal, not merely good (``status``
says which solver ran and what it proved). The tests check each against the other and
against a dense ``linear_sum_assignment`` on small markets.

For comparison with stability, both sides' preferences are read off the scores (higher
score preferred; ties by id) and the stable matching of that market is computed with the
same engine; the result reports how many blocking pairs the optimal assignment has there.
"""

from __future__ import annotations

import math
import time

import numpy as np

from .model import (
    Market,
    MarketError,
    OptimalResult,
    Placement,
    ScoredMarket,
    Student,
)


def _validate(
    sm: ScoredMarket,
) -> tuple[dict[str, int], dict[str, int], list[tuple[int, int, float]]]:
    mentors: dict[str, int] = {}
    for j, m in enumerate(sm.mentors):
        if not isinstance(m.id, str) or not m.id:
            raise MarketError(f"mentors[{j}]: a mentor needs a non-empty string id")
        if m.id in mentors:
            raise MarketError(f"mentors[{j}]: mentor id {m.id!r} appears twice")
        if isinstance(m.capacity, bool) or not isinstance(m.capacity, int):
            raise MarketError(f"mentors[{j}]: mentor {m.id!r} capacity must be a whole number")
        if m.capacity < 0:
            raise MarketError(f"mentors[{j}]: mentor {m.id!r} has negative capacity {m.capacity}")
        mentors[m.id] = j
    mentees: dict[str, int] = {}
    for i, e in enumerate(sm.mentees):
        if not isinstance(e.id, str) or not e.id:
            raise MarketError(f"mentees[{i}]: a mentee needs a non-empty string id")
        if e.id in mentees:
            raise MarketError(f"mentees[{i}]: mentee id {e.id!r} appears twice")
        mentees[e.id] = i
    seen: set[tuple[str, str]] = set()
    pairs: list[tuple[int, int, float]] = []
    for k, row in enumerate(sm.scores):
        if len(row) != 3:
            raise MarketError(f"scores[{k}]: expected [mentee, mentor, score]")
        e_id, m_id, s = row
        if e_id not in mentees:
            raise MarketError(f"scores[{k}]: unknown mentee {e_id!r}")
        if m_id not in mentors:
            raise MarketError(f"scores[{k}]: unknown mentor {m_id!r}")
        if isinstance(s, bool) or not isinstance(s, int | float) or not math.isfinite(s):
            raise MarketError(f"scores[{k}]: score {s!r} is not a finite number")
        if (e_id, m_id) in seen:
            raise MarketError(f"scores[{k}]: pair ({e_id!r}, {m_id!r}) is scored twice")
        seen.add((e_id, m_id))
        pairs.append((mentees[e_id], mentors[m_id], float(s)))
    c = sm.constraints
    if c.max_per_institution is not None and c.max_per_institution < 0:
        raise MarketError("constraints: max_per_institution must not be negative")
    if c.min_priority_share is not None and not 0 <= c.min_priority_share <= 1:
        raise MarketError("constraints: min_priority_share must be between 0 and 1")
    if c.priority_scope not in ("global", "mentor"):
        raise MarketError("constraints: priority_scope must be 'global' or 'mentor'")
    return mentees, mentors, pairs


def solve_optimal(sm: ScoredMarket, *, compare_stable: bool = True) -> OptimalResult:
    """The assignment of mentees to mentors with the largest total score (exact)."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    from .stable import solve_stable

    t0 = time.perf_counter()
    mentees, mentors, pairs = _validate(sm)
    n_e, n_m, n_x = len(mentees), len(mentors), len(pairs)
    ei = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=n_x)
    mj = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=n_x)
    score = np.fromiter((p[2] for p in pairs), dtype=np.float64, count=n_x)
    cols = np.arange(n_x)
    blocks = [
        sparse.csr_array((np.ones(n_x), (ei, cols)), shape=(n_e, n_x)),
        sparse.csr_array((np.ones(n_x), (mj, cols)), shape=(n_m, n_x)),
    ]
    upper = [np.ones(n_e), np.asarray([m.capacity for m in sm.mentors], dtype=np.float64)]
    lower = [np.full(n_e, -np.inf), np.full(n_m, -np.inf)]
    c = sm.constraints
    if c.max_per_institution is not None:
        inst = [sm.mentees[i].institution for i in range(n_e)]
        groups: dict[tuple[int, str], int] = {}
        rows = np.full(n_x, -1, dtype=np.int64)
        for k in range(n_x):
            name = inst[ei[k]]
            if name is None:
                continue
            rows[k] = groups.setdefault((int(mj[k]), name), len(groups))
        sel = rows >= 0
        g = len(groups)
        blocks.append(
            sparse.csr_array((np.ones(int(sel.sum())), (rows[sel], cols[sel])), shape=(g, n_x))
        )
        upper.append(np.full(g, float(c.max_per_institution)))
        lower.append(np.full(g, -np.inf))
    if c.min_priority_share:
        prio = np.asarray([1.0 if sm.mentees[i].priority else 0.0 for i in range(n_e)])
        coef = prio[ei] - c.min_priority_share
        if c.priority_scope == "global":
            blocks.append(sparse.csr_array(coef.reshape(1, -1)))
            upper.append(np.array([np.inf]))
            lower.append(np.array([0.0]))
        else:
            blocks.append(sparse.csr_array((coef, (mj, cols)), shape=(n_m, n_x)))
            upper.append(np.full(n_m, np.inf))
            lower.append(np.zeros(n_m))
    t1 = time.perf_counter()
    side = len(blocks) > 2
    caps = np.asarray([m.capacity for m in sm.mentors], dtype=np.int64)
    x = np.zeros(n_x)
    if n_x == 0:
        status = "optimal (nothing to assign)"
    elif not side:
        x = _assignment(ei, mj, score, caps, n_e)
        status = "optimal (assignment problem, sparse LAPJV)"
    else:
        a = sparse.vstack(blocks, format="csr")
        res = milp(
            c=-score,
            constraints=LinearConstraint(a, np.concatenate(lower), np.concatenate(upper)),
            integrality=np.ones(n_x),
            bounds=Bounds(0, 1),
            options={"mip_rel_gap": 0.0},
        )
        if res.x is None:
            raise MarketError(f"the solver found no assignment: {res.message}")
        if res.status == 0:
            status = "optimal (integer program, HiGHS, zero gap)"
        else:
            status = f"HiGHS status {res.status}: {res.message}"
        x = np.round(res.x)
    t2 = time.perf_counter()
    chosen = np.flatnonzero(x > 0.5)
    e_ids = [e.id for e in sm.mentees]
    m_ids = [m.id for m in sm.mentors]
    assignments: dict[str, str | None] = dict.fromkeys(e_ids)
    for k in chosen.tolist():
        assignments[e_ids[ei[k]]] = m_ids[mj[k]]
    total = float(score[chosen].sum())
    stats: dict[str, float | int | str | None] = {
        "mentees": n_e,
        "mentors": n_m,
        "scored_pairs": n_x,
        "assigned": len(chosen),
        "build_seconds": round(t1 - t0, 6),
        "solve_seconds": round(t2 - t1, 6),
    }
    if compare_stable:
        market = scores_to_market(sm)
        stable = solve_stable(market)
        from .verify import verify

        stats["blocking_pairs_optimal"] = len(verify(market, assignments).blocking_pairs)
        stats["blocking_pairs_stable"] = len(stable.blocking_pairs)
        lookup = {(sm.mentees[i].id, sm.mentors[j].id): s for i, j, s in pairs}
        stats["total_score_stable"] = round(
            sum(lookup[(e, m)] for e, m in stable.assignments.items() if m is not None), 9
        )
    return OptimalResult(
        assignments=assignments, total_score=round(total, 9), status=status, stats=stats
    )


def scores_to_market(sm: ScoredMarket) -> Market:
    """The two-sided market the scores imply: each side prefers higher scores (ties by id).

    Mentees play students, mentors play placements; side constraints are not part of it.
    """
    by_mentee: dict[str, list[tuple[float, str]]] = {e.id: [] for e in sm.mentees}
    by_mentor: dict[str, list[tuple[float, str]]] = {m.id: [] for m in sm.mentors}
    for e, m, s in sm.scores:
        by_mentee[e].append((-float(s), m))
        by_mentor[m].append((-float(s), e))
    return Market(
        students=tuple(Student(e, tuple(m for _, m in sorted(v))) for e, v in by_mentee.items()),
        placements=tuple(
            Placement(m.id, m.capacity, tuple(e for _, e in sorted(by_mentor[m.id])))
            for m in sm.mentors
        ),
    )


def _assignment(
    ei: np.ndarray, mj: np.ndarray, score: np.ndarray, caps: np.ndarray, n_e: int
) -> np.ndarray:
    """Exact maximum-score b-matching through the seat expansion (see module docstring)."""
    from scipy import sparse
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    seat_ptr = np.zeros(len(caps) + 1, dtype=np.int64)
    np.cumsum(caps, out=seat_ptr[1:])
    n_seats = int(seat_ptr[-1])
    reps = caps[mj]
    pair_of_edge = np.repeat(np.arange(len(ei)), reps)
    offset = np.arange(len(pair_of_edge)) - np.repeat(np.cumsum(reps) - reps, reps)
    big = float(max(score.max(initial=0.0), 0.0)) + 1.0
    rows = np.concatenate([ei[pair_of_edge], np.arange(n_e)])
    cols = np.concatenate([seat_ptr[mj[pair_of_edge]] + offset, n_seats + np.arange(n_e)])
    cost = np.concatenate([big - score[pair_of_edge], np.full(n_e, big)])
    graph = sparse.csr_array((cost, (rows, cols)), shape=(n_e, n_seats + n_e))
    r, c = min_weight_full_bipartite_matching(graph)
    x = np.zeros(len(ei))
    seat_owner = np.repeat(np.arange(len(caps)), caps)
    # map each matched (mentee, seat) back to its scored pair
    key = {
        (int(e), int(m)): k for k, (e, m) in enumerate(zip(ei.tolist(), mj.tolist(), strict=True))
    }
    for e, col in zip(r.tolist(), c.tolist(), strict=True):
        if col < n_seats:
            x[key[(e, int(seat_owner[col]))]] = 1.0
    return x
