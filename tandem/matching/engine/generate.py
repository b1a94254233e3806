"""Seeded random markets for tests and benchmarks.

Placements have a latent quality ``q ~ N(0, 1)`` and students a latent score
``z ~ N(0, 1)``. With ``correlation = 0`` (uncorrelated) each student ranks ``list_length``
placements drawn uniformly, in random order, and each placement ranks its applicants in
random order. With ``correlation = c > 0`` students draw placements with probability
proportional to ``exp(2c·q)`` and order them by ``c·q + (1−c)·noise``; placements order
applicants by ``c·z + (1−c)·noise``. ``correlation=0.9`` is "strongly correlated".
Every placement ranks exactly the students who ranked it (all lists mutually acceptable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from .model import Couple, Market, Placement, Student


@dataclass(frozen=True, slots=True)
class ArrayMarket:
    """A market as integer lists (students ``0..n_s-1``, placements ``0..n_p-1``)."""

    s_ptr: npt.NDArray[np.int64]
    s_pref: npt.NDArray[np.int32]
    p_ptr: npt.NDArray[np.int64]
    p_pref: npt.NDArray[np.int32]
    cap: npt.NDArray[np.int32]

    @property
    def n_students(self) -> int:
        return len(self.s_ptr) - 1

    @property
    def n_placements(self) -> int:
        return len(self.cap)


@njit(cache=True)
def _draw_lists(n_s, length, cum, seed):  # type: ignore[no-untyped-def]
    np.random.seed(seed)
    out = np.empty(n_s * length, np.int32)
    total = cum[-1]
    for s in range(n_s):
        base = s * length
        count = 0
        while count < length:
            p = np.searchsorted(cum, np.random.random() * total, side="right")
            if p >= cum.shape[0]:
                p = cum.shape[0] - 1
            dup = False
            for i in range(count):
                if out[base + i] == p:
                    dup = True
                    break
            if not dup:
                out[base + count] = p
                count += 1
    return out


def random_market(
    n_students: int,
    n_placements: int,
    *,
    capacity: int = 10,
    list_length: int = 15,
    correlation: float = 0.0,
    seed: int = 0,
) -> ArrayMarket:
    """A seeded random market (see the module docstring)."""
    rng = np.random.default_rng(seed)
    length = min(list_length, n_placements)
    quality = rng.standard_normal(n_placements)
    z = rng.standard_normal(n_students)
    weights = np.exp(2.0 * correlation * quality) if correlation > 0 else np.ones(n_placements)
    cum = np.cumsum(weights)
    s_pref = _draw_lists(n_students, length, cum, int(rng.integers(2**31 - 1)))
    owner = np.repeat(np.arange(n_students, dtype=np.int64), length)
    noise = rng.random(n_students * length)
    util = correlation * quality[s_pref] + (1.0 - correlation) * noise
    order = np.lexsort((-util, owner))
    s_pref = s_pref[order]
    s_ptr = np.arange(0, n_students * length + 1, length, dtype=np.int64)
    # placements rank their applicants
    pnoise = rng.random(n_students * length)
    pkey = correlation * z[owner] + (1.0 - correlation) * pnoise
    porder = np.lexsort((-pkey, s_pref))
    p_pref = owner[porder].astype(np.int32)
    counts = np.bincount(s_pref, minlength=n_placements)
    p_ptr = np.zeros(n_placements + 1, dtype=np.int64)
    np.cumsum(counts, out=p_ptr[1:])
    cap = np.full(n_placements, capacity, dtype=np.int32)
    return ArrayMarket(s_ptr, s_pref.astype(np.int32), p_ptr, p_pref, cap)


def to_market(am: ArrayMarket) -> Market:
    """The same market with string ids ``s0…`` and ``p0…``."""
    sp = am.s_pref.tolist()
    pp = am.p_pref.tolist()
    s_ptr = am.s_ptr.tolist()
    p_ptr = am.p_ptr.tolist()
    students = tuple(
        Student(f"s{i}", tuple(f"p{x}" for x in sp[s_ptr[i] : s_ptr[i + 1]]))
        for i in range(am.n_students)
    )
    placements = tuple(
        Placement(f"p{j}", int(am.cap[j]), tuple(f"s{x}" for x in pp[p_ptr[j] : p_ptr[j + 1]]))
        for j in range(am.n_placements)
    )
    return Market(students, placements)


def with_couples(market: Market, n_couples: int, *, seed: int = 0) -> Market:
    """Turn ``2·n_couples`` random students into couples.

    Each couple ranks the pairs formed by walking both members' own lists side by side
    (first with first, second with second, …), each such pair followed by "both at the
    first member's choice" when the placement ranked both members.
    """
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(market.students), size=2 * n_couples, replace=False)
    ranked_by = {p.id: set(p.ranking) for p in market.placements}
    couples = []
    for k in range(n_couples):
        a = market.students[int(chosen[2 * k])]
        b = market.students[int(chosen[2 * k + 1])]
        pairs: list[tuple[str, str]] = []
        for pa, pb in zip(a.ranking, b.ranking, strict=False):
            for pair in ((pa, pb), (pa, pa)):
                if pair not in pairs and (pair[0] != pair[1] or b.id in ranked_by[pa]):
                    pairs.append(pair)
        couples.append(Couple((a.id, b.id), tuple(pairs)))
    return Market(market.students, market.placements, tuple(couples))
