"""Stable many-to-one matching (students ↔ placements with seats).

``solve_stable`` validates and compiles the market, runs deferred acceptance (student- or
placement-proposing; with couples, the procedure in :mod:`.couples`), then runs the
independent checker of :mod:`.verify` on the result, so ``stable`` in the result is a
verified fact, not a claim of the solver.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np

from . import core
from .compile import CompiledMarket, IntArray, compile_market
from .couples import solve_with_couples
from .model import BlockingPair, Market, MarketError, Placement, Proposing, StableResult, Student
from .verify import verify, verify_arrays


def solve_compiled(cm: CompiledMarket, proposing: Proposing = "students") -> tuple[IntArray, int]:
    """Run a kernel on a compiled market without couples; returns ``(assign, proposals)``."""
    if proposing == "students":
        assign, proposals = core.student_proposing(cm.s_ptr, cm.s_pref, cm.s_prank, cm.cap)
    else:
        assign, proposals = core.placement_proposing(
            cm.p_ptr, cm.p_pref, cm.p_srank, cm.cap, cm.n_students
        )
    return assign, int(proposals)


def warm_up() -> None:
    """Compile (or load from the on-disk cache) every kernel on a tiny market."""
    m = Market(
        students=(Student("a", ("x",)), Student("b", ("x", "y"))),
        placements=(Placement("x", 1, ("b", "a")), Placement("y", 1, (("a", "b"),))),
    )
    cm = compile_market(m)
    solve_compiled(cm, "students")
    solve_compiled(cm, "placements")
    core.count_blocking(cm.s_ptr, cm.s_pref, cm.s_prank, cm.cap, np.full(2, -1, np.int32))
    core.first_blocking_single(
        cm.s_ptr,
        cm.s_pref,
        cm.s_prank,
        cm.cap,
        np.full(2, -1, np.int32),
        np.full(2, -1, np.int32),
        np.zeros(2, np.int32),
    )


def solve_stable(
    market: Market,
    *,
    proposing: Proposing = "students",
    seed: int = 0,
    check: bool = True,
    where: Mapping[str, Sequence[str]] | None = None,
) -> StableResult:
    """The stable matching of ``market`` (student-optimal when ``proposing="students"``).

    Raises :class:`MarketError` on bad input. Placement-proposing is offered for markets
    without couples only.
    """
    if proposing not in ("students", "placements"):
        raise MarketError(f"proposing must be 'students' or 'placements', not {proposing!r}")
    t0 = time.perf_counter()
    cm = compile_market(market, seed=seed, where=where)
    t1 = time.perf_counter()
    message = ""
    extra: dict[str, int] = {}
    if len(cm.couple_members):
        if proposing != "students":
            raise MarketError("with couples only student-proposing matching is available")
        outcome = solve_with_couples(cm, seed=seed)
        assign, proposals = outcome.assign, outcome.steps
        if not outcome.found_stable:
            message = f"no stable matching was found: {outcome.message}"
        extra = outcome.extra
        algorithm = "couples: singles deferred acceptance + sequential couples + repair"
    else:
        assign, proposals = solve_compiled(cm, proposing)
        algorithm = f"{proposing}-proposing deferred acceptance"
    t2 = time.perf_counter()
    ids = cm.placement_ids
    assignments: dict[str, str | None] = {
        sid: (ids[p] if p >= 0 else None)
        for sid, p in zip(cm.student_ids, assign.tolist(), strict=True)
    }
    stable = True
    blocking: tuple[BlockingPair, ...] = ()
    if check and not len(cm.couple_members) and cm.raw is not None:
        bs, bp, unacceptable, overfull = verify_arrays(*cm.raw, cm.cap, assign)
        if unacceptable or overfull:  # a solver bug: never hide it
            raise AssertionError(f"solver produced an invalid matching ({market!r:.200})")
        blocking = tuple(
            BlockingPair(cm.student_ids[s], ids[p])
            for s, p in zip(bs.tolist(), bp.tolist(), strict=True)
        )
        stable = not blocking
    elif check:
        report = verify(market, assignments)
        blocking = report.blocking_pairs
        stable = report.is_stable
        if not report.is_valid:  # a solver bug: never hide it
            raise AssertionError(f"solver produced an invalid matching: {report}")
    elif message:
        stable = False
    t3 = time.perf_counter()
    if message and stable:
        message = ""
    if not stable and not message:
        message = "no stable matching was found"
    stats = match_stats(market, assignments, cm)
    stats.update(
        {
            "proposing": proposing,
            "seed": seed,
            "algorithm": algorithm,
            "proposals": proposals,
            "blocking_pairs": len(blocking),
            "compile_seconds": round(t1 - t0, 6),
            "solve_seconds": round(t2 - t1, 6),
            "verify_seconds": round(t3 - t2, 6),
            **extra,
        }
    )
    return StableResult(
        assignments=assignments,
        stable=stable,
        blocking_pairs=tuple(blocking),
        stats=stats,
        proposing=proposing,
        seed=seed,
        message=message,
    )


def match_stats(
    market: Market, assignments: dict[str, str | None], cm: CompiledMarket | None = None
) -> dict[str, float | int | str | None]:
    """Share matched, share with their first / top-three choice, unfilled seats."""
    pair_rank: dict[str, int] = {}
    for cp in market.couples:
        a, b = cp.members
        cur = (assignments.get(a), assignments.get(b))
        for i, pair in enumerate(cp.ranking):
            if tuple(pair) == cur:
                pair_rank[a] = pair_rank[b] = i
                break
    n = len(market.students)
    matched = top1 = top3 = 0
    for st in market.students:
        p = assignments.get(st.id)
        if p is None:
            continue
        matched += 1
        r = pair_rank.get(st.id)
        if r is None:
            r = st.ranking.index(p) if p in st.ranking else 10**9
        top1 += r == 0
        top3 += r < 3
    seats = sum(max(pl.capacity, 0) for pl in market.placements)
    return {
        "students": n,
        "placements": len(market.placements),
        "couples": len(market.couples),
        "seats": seats,
        "matched": matched,
        "unmatched": n - matched,
        "share_matched": round(matched / n, 6) if n else 0.0,
        "share_top1": round(top1 / n, 6) if n else 0.0,
        "share_top3": round(top3 / n, 6) if n else 0.0,
        "unfilled_seats": seats - matched,
    }
