"""Validate a :class:`Market` and turn it into integer CSR arrays for the kernels.

Validation names the record at fault (and, when the caller passes ``where`` labels, the
file line). Tie-breaking is done here, once, by a seeded lottery (single tie-breaking):
``lottery = numpy.random.default_rng(seed).permutation(n_students)`` gives every student
one number, and every placement orders the students it ranks equally by that number,
smallest first. The same seed always gives the same lottery and the same result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import core
from .model import Market, MarketError

IntArray = npt.NDArray[np.int32]
PtrArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class CompiledMarket:
    """A market as arrays (see :mod:`tandem.matching.engine.core` for the layout).

    Couple members have empty individual lists here; their couples are in ``couple_*``:
    ``couple_members`` is ``(n_c, 2)``, ``couple_pairs[couple_ptr[c]:couple_ptr[c+1]]`` the
    couple's ranked placement pairs as ``(n, 2)`` rows.
    """

    student_ids: tuple[str, ...]
    placement_ids: tuple[str, ...]
    s_ptr: PtrArray
    s_pref: IntArray
    s_prank: IntArray
    p_ptr: PtrArray
    p_pref: IntArray
    p_srank: IntArray
    cap: IntArray
    lottery: IntArray
    couple_members: IntArray
    couple_ptr: PtrArray
    couple_pairs: IntArray
    full_p_ptr: PtrArray
    full_p_pref: IntArray
    #: the lists as given (ids → indices only: no lottery, nothing dropped), for the
    #: array checker (``verify.verify_arrays``); ``raw_p_tier`` is None without ties
    raw: tuple[PtrArray, IntArray, PtrArray, IntArray, npt.NDArray[np.int64] | None] | None = None

    @property
    def n_students(self) -> int:
        return len(self.s_ptr) - 1

    @property
    def n_placements(self) -> int:
        return len(self.cap)


def lottery_for(n_students: int, seed: int) -> IntArray:
    """The documented single tie-breaking lottery: lower number wins a tie."""
    perm = np.random.default_rng(seed).permutation(n_students)
    return perm.astype(np.int32)


def compile_arrays(
    s_ptr: npt.ArrayLike,
    s_pref: npt.ArrayLike,
    p_ptr: npt.ArrayLike,
    p_pref: npt.ArrayLike,
    cap: npt.ArrayLike,
    *,
    p_tier: npt.ArrayLike | None = None,
    seed: int = 0,
) -> tuple[
    PtrArray, IntArray, IntArray, PtrArray, IntArray, IntArray, IntArray, PtrArray, IntArray
]:
    """Integer lists → the kernels' arrays (tie-break, cross-reference, drop unacceptable).

    ``p_tier`` (aligned with ``p_pref``) gives each placement entry its tier; equal tiers
    are ties, broken by the lottery. Without it the placement lists are already strict.
    Returns ``s_ptr, s_pref, s_prank, p_ptr, p_pref, p_srank, lottery`` and the placements'
    full strict lists ``full_p_ptr, full_p_pref`` (ranks in ``s_prank`` are positions there).
    """
    s_ptr_a = np.asarray(s_ptr, dtype=np.int64)
    s_pref_a = np.asarray(s_pref, dtype=np.int32)
    p_ptr_a = np.asarray(p_ptr, dtype=np.int64)
    p_pref_a = np.asarray(p_pref, dtype=np.int32)
    cap_a = np.asarray(cap, dtype=np.int32)
    n_s = len(s_ptr_a) - 1
    lottery = lottery_for(n_s, seed)
    if p_tier is not None:
        tier = np.asarray(p_tier, dtype=np.int64)
        owner = np.repeat(np.arange(len(p_ptr_a) - 1, dtype=np.int64), np.diff(p_ptr_a))
        order = np.lexsort((lottery[p_pref_a], tier, owner))
        p_pref_a = p_pref_a[order]
    s_prank, p_srank = core.link_ranks(s_ptr_a, s_pref_a, p_ptr_a, p_pref_a)
    s_ptr2, s_pref2, s_prank2 = core.compact(s_ptr_a, s_pref_a, s_prank)
    p_ptr2, p_pref2, p_srank2 = core.compact(p_ptr_a, p_pref_a, p_srank)
    del cap_a
    return s_ptr2, s_pref2, s_prank2, p_ptr2, p_pref2, p_srank2, lottery, p_ptr_a, p_pref_a


def _label(where: Sequence[str] | None, i: int, default: str) -> str:
    if where is not None and i < len(where):
        return where[i]
    return default


def compile_market(
    market: Market,
    *,
    seed: int = 0,
    where: Mapping[str, Sequence[str]] | None = None,
) -> CompiledMarket:
    """Validate ``market`` and compile it. Raises :class:`MarketError` naming the record.

    ``where`` optionally maps ``"students"``, ``"placements"``, ``"couples"`` to one label
    per record (such as ``"students.csv line 4"``) used in error messages.
    """
    where = where or {}
    ws, wp, wc = where.get("students"), where.get("placements"), where.get("couples")

    s_index: dict[str, int] = {}
    for i, st in enumerate(market.students):
        at = _label(ws, i, f"students[{i}]")
        if not isinstance(st.id, str) or not st.id:
            raise MarketError(f"{at}: a student needs a non-empty string id")
        if st.id in s_index:
            raise MarketError(f"{at}: student id {st.id!r} appears twice")
        s_index[st.id] = i
    p_index: dict[str, int] = {}
    for j, pl in enumerate(market.placements):
        at = _label(wp, j, f"placements[{j}]")
        if not isinstance(pl.id, str) or not pl.id:
            raise MarketError(f"{at}: a placement needs a non-empty string id")
        if pl.id in p_index:
            raise MarketError(f"{at}: placement id {pl.id!r} appears twice")
        if isinstance(pl.capacity, bool) or not isinstance(pl.capacity, int):
            raise MarketError(f"{at}: placement {pl.id!r} capacity must be a whole number")
        if pl.capacity < 0:
            raise MarketError(f"{at}: placement {pl.id!r} has negative capacity {pl.capacity}")
        p_index[pl.id] = j

    # couples first: their members' individual lists are left out of the singles market
    in_couple: dict[str, int] = {}
    members = np.zeros((len(market.couples), 2), dtype=np.int32)
    c_ptr = np.zeros(len(market.couples) + 1, dtype=np.int64)
    pairs: list[tuple[int, int]] = []
    for c, cp in enumerate(market.couples):
        at = _label(wc, c, f"couples[{c}]")
        if len(cp.members) != 2:
            raise MarketError(f"{at}: a couple has exactly two members")
        a, b = cp.members
        if a == b:
            raise MarketError(f"{at}: a couple needs two different students, got {a!r} twice")
        for m in (a, b):
            if m not in s_index:
                raise MarketError(f"{at}: couple names unknown student {m!r}")
            if m in in_couple:
                raise MarketError(f"{at}: student {m!r} is in more than one couple")
            in_couple[m] = c
        members[c] = (s_index[a], s_index[b])
        seen_pairs: set[tuple[str, str]] = set()
        for pair in cp.ranking:
            if len(pair) != 2:
                raise MarketError(f"{at}: couple ranking entry {list(pair)!r} is not a pair")
            for x in pair:
                if x not in p_index:
                    raise MarketError(f"{at}: couple ranks unknown placement {x!r}")
            key = (pair[0], pair[1])
            if key in seen_pairs:
                raise MarketError(f"{at}: couple ranks the pair {list(key)!r} twice")
            seen_pairs.add(key)
            pairs.append((p_index[pair[0]], p_index[pair[1]]))
        c_ptr[c + 1] = len(pairs)

    n_s = len(market.students)
    n_p = len(market.placements)
    # students: map ids at C speed; find the record only when something is wrong
    s_lists = [() if st.id in in_couple else st.ranking for st in market.students]
    s_len = np.fromiter(map(len, s_lists), dtype=np.int64, count=n_s)
    s_ptr = np.zeros(n_s + 1, dtype=np.int64)
    np.cumsum(s_len, out=s_ptr[1:])
    flat_ids = [x for r in s_lists for x in r]
    try:
        s_pref = np.fromiter(map(p_index.__getitem__, flat_ids), np.int32, len(flat_ids))
    except (KeyError, TypeError):
        for i, r in enumerate(s_lists):
            for x in r:
                if not isinstance(x, str) or x not in p_index:
                    at = _label(ws, i, f"students[{i}]")
                    sid = market.students[i].id
                    raise MarketError(
                        f"{at}: student {sid!r} ranks unknown placement {x!r}"
                    ) from None
        raise
    dup = _first_duplicate_row(s_ptr, s_pref, max(n_p, 1))
    if dup >= 0:
        r = s_lists[dup]
        twice = next(x for x in r if r.count(x) > 1)
        at = _label(ws, dup, f"students[{dup}]")
        raise MarketError(
            f"{at}: student {market.students[dup].id!r} ranks placement {twice!r} twice"
        )

    # placements: strict lists fast; lists with ties (tuple entries) the slow way
    p_lists: list[tuple[str, ...]] = []
    tie_tiers: dict[int, list[int]] = {}
    for j, pl in enumerate(market.placements):
        ranking = pl.ranking
        try:
            "".join(ranking)  # type: ignore[arg-type]
            p_lists.append(ranking)  # type: ignore[arg-type]
        except TypeError:
            flat: list[str] = []
            tiers: list[int] = []
            for t, entry in enumerate(ranking):
                group = (entry,) if isinstance(entry, str) else tuple(entry)
                flat.extend(group)
                tiers.extend([t] * len(group))
            p_lists.append(tuple(flat))
            tie_tiers[j] = tiers
    p_len = np.fromiter(map(len, p_lists), dtype=np.int64, count=n_p)
    p_ptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(p_len, out=p_ptr[1:])
    pflat = [x for r in p_lists for x in r]
    try:
        p_pref = np.fromiter(map(s_index.__getitem__, pflat), np.int32, len(pflat))
    except (KeyError, TypeError):
        for j, r in enumerate(p_lists):
            for x in r:
                if not isinstance(x, str) or x not in s_index:
                    at = _label(wp, j, f"placements[{j}]")
                    pid = market.placements[j].id
                    raise MarketError(
                        f"{at}: placement {pid!r} ranks unknown student {x!r}"
                    ) from None
        raise
    dup = _first_duplicate_row(p_ptr, p_pref, max(n_s, 1))
    if dup >= 0:
        r = p_lists[dup]
        twice = next(x for x in r if r.count(x) > 1)
        at = _label(wp, dup, f"placements[{dup}]")
        raise MarketError(
            f"{at}: placement {market.placements[dup].id!r} ranks student {twice!r} twice"
        )
    cap = np.asarray([pl.capacity for pl in market.placements], dtype=np.int32)
    p_tier = None
    if tie_tiers:
        p_tier = np.arange(len(p_pref), dtype=np.int64) - np.repeat(p_ptr[:-1], p_len)
        for j, tiers in tie_tiers.items():
            p_tier[p_ptr[j] : p_ptr[j + 1]] = tiers

    s_ptr2, s_pref2, s_prank, p_ptr2, p_pref2, p_srank, lottery, fp_ptr, fp_pref = compile_arrays(
        s_ptr,
        s_pref,
        p_ptr,
        p_pref,
        cap,
        p_tier=p_tier,
        seed=seed,
    )
    return CompiledMarket(
        student_ids=tuple(st.id for st in market.students),
        placement_ids=tuple(pl.id for pl in market.placements),
        s_ptr=s_ptr2,
        s_pref=s_pref2,
        s_prank=s_prank,
        p_ptr=p_ptr2,
        p_pref=p_pref2,
        p_srank=p_srank,
        cap=cap,
        lottery=lottery,
        couple_members=members,
        couple_ptr=c_ptr,
        couple_pairs=np.asarray(pairs, dtype=np.int32).reshape(-1, 2),
        full_p_ptr=fp_ptr,
        full_p_pref=fp_pref,
        raw=(s_ptr, s_pref, p_ptr, p_pref, p_tier),
    )


def _first_duplicate_row(ptr: PtrArray, items: IntArray, width: int) -> int:
    """The first row of a CSR list that holds an item twice, or -1."""
    if len(items) < 2:
        return -1
    owner = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
    key = np.sort(owner * width + items)
    same = np.flatnonzero(key[1:] == key[:-1])
    if len(same) == 0:
        return -1
    return int(key[same].min() // width)
