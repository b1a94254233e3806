"""Compiled kernels (numba, ``cache=True``) over CSR arrays.

Layout (all ``int32`` unless said): students ``0..n_s-1``, placements ``0..n_p-1``.

* ``s_ptr`` (``n_s+1``), ``s_pref``: student ``s`` ranks ``s_pref[s_ptr[s]:s_ptr[s+1]]``,
  best first, only mutually acceptable placements.
* ``s_prank``: aligned with ``s_pref``; the rank (0 = best) the placement gives that student,
  after the tie-breaking lottery, so no lookup is needed while proposing.
* ``p_ptr``, ``p_pref``, ``p_srank``: the same from the placements' side (``p_srank`` = the
  student's rank of the placement).
* ``cap`` (``n_p``): seats.

The kernels are the textbook deferred-acceptance algorithm, written so that each proposal
costs O(log capacity): one pass over the proposals actually made.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_I32 = np.int32


@njit(cache=True, nogil=True)
def student_proposing(s_ptr, s_pref, s_prank, cap):  # type: ignore[no-untyped-def]
    """Student-proposing deferred acceptance; returns ``assign`` (placement or -1).

    Each placement keeps the students it holds in a max-heap on its rank of them (root = the
    worst held), stored in one flat array with ``cap[p]`` slots per placement. A rejected or
    displaced student goes on proposing at once (McVitie–Wilson order), which gives the same,
    student-optimal, result as any other order.
    """
    n_s = s_ptr.shape[0] - 1
    n_p = cap.shape[0]
    h_ptr = np.zeros(n_p + 1, np.int64)
    for p in range(n_p):
        h_ptr[p + 1] = h_ptr[p] + max(cap[p], 0)
    heap_rank = np.empty(h_ptr[n_p], np.int32)
    heap_stu = np.empty(h_ptr[n_p], np.int32)
    h_size = np.zeros(n_p, np.int32)
    nxt = s_ptr[:-1].copy()
    assign = np.full(n_s, -1, np.int32)
    proposals = 0
    for s0 in range(n_s):
        s = s0
        while s >= 0:
            k = nxt[s]
            if k >= s_ptr[s + 1]:
                break  # list exhausted: s stays unmatched
            nxt[s] = k + 1
            proposals += 1
            p = s_pref[k]
            r = s_prank[k]
            c = cap[p]
            if c <= 0:
                continue
            base = h_ptr[p]
            size = h_size[p]
            if size < c:
                # sift up
                i = size
                while i > 0:
                    parent = (i - 1) >> 1
                    if heap_rank[base + parent] >= r:
                        break
                    heap_rank[base + i] = heap_rank[base + parent]
                    heap_stu[base + i] = heap_stu[base + parent]
                    i = parent
                heap_rank[base + i] = r
                heap_stu[base + i] = s
                h_size[p] = size + 1
                assign[s] = p
                s = -1
            elif heap_rank[base] > r:
                evicted = heap_stu[base]
                # replace the root and sift down
                i = 0
                while True:
                    left = 2 * i + 1
                    if left >= c:
                        break
                    child = left
                    right = left + 1
                    if right < c and heap_rank[base + right] > heap_rank[base + left]:
                        child = right
                    if heap_rank[base + child] <= r:
                        break
                    heap_rank[base + i] = heap_rank[base + child]
                    heap_stu[base + i] = heap_stu[base + child]
                    i = child
                heap_rank[base + i] = r
                heap_stu[base + i] = s
                assign[s] = p
                assign[evicted] = -1
                s = evicted
            # else: rejected, s proposes to its next choice
    return assign, proposals


@njit(cache=True, nogil=True)
def placement_proposing(p_ptr, p_pref, p_srank, cap, n_s):  # type: ignore[no-untyped-def]
    """Placement-proposing deferred acceptance; returns ``assign`` per student.

    A placement with a free seat proposes to the next student on its list; the student
    keeps the best offer so far and releases the placement it held, which proposes again.
    """
    n_p = cap.shape[0]
    assign = np.full(n_s, -1, np.int32)
    cur = np.full(n_s, np.iinfo(np.int32).max, np.int32)
    held = np.zeros(n_p, np.int32)
    nxt = p_ptr[:-1].copy()
    stack = np.empty(n_p + n_s + 1, np.int32)
    top = 0
    for p in range(n_p - 1, -1, -1):
        stack[top] = p
        top += 1
    proposals = 0
    while top > 0:
        top -= 1
        p = stack[top]
        end = p_ptr[p + 1]
        while held[p] < cap[p] and nxt[p] < end:
            k = nxt[p]
            nxt[p] = k + 1
            proposals += 1
            s = p_pref[k]
            r = p_srank[k]
            if r < cur[s]:
                old = assign[s]
                assign[s] = p
                cur[s] = r
                held[p] += 1
                if old >= 0:
                    held[old] -= 1
                    stack[top] = old
                    top += 1
    return assign, proposals


@njit(cache=True, nogil=True)
def link_ranks(s_ptr, s_pref, p_ptr, p_pref):  # type: ignore[no-untyped-def]
    """Cross-reference both sides' lists.

    Returns ``s_prank`` (for each student entry, the placement's rank of that student, -1 if
    the placement does not rank them) and ``p_srank`` (for each placement entry, the position
    in the student's list, -1 if the student does not rank it). ``p_pref`` must already be
    in the placement's strict order (ties broken).

    The placement lists are first regrouped by student (a counting sort: one pass, one
    scattered write per entry), so that each student's two short lists are then joined
    while both sit in cache — much faster than scanning a student's row from every
    placement entry on large markets.
    """
    n_s = s_ptr.shape[0] - 1
    n_p = p_ptr.shape[0] - 1
    m = p_pref.shape[0]
    s_prank = np.full(s_pref.shape[0], -1, np.int32)
    p_srank = np.full(m, -1, np.int32)
    # bucket the placement entries by student: t_ptr / t_idx (entry index)
    t_ptr = np.zeros(n_s + 1, np.int64)
    for idx in range(m):
        t_ptr[p_pref[idx] + 1] += 1
    for s in range(n_s):
        t_ptr[s + 1] += t_ptr[s]
    fill = t_ptr[:-1].copy()
    t_idx = np.empty(m, np.int64)
    t_owner = np.empty(m, np.int32)
    for p in range(n_p):
        for idx in range(p_ptr[p], p_ptr[p + 1]):
            s = p_pref[idx]
            t_idx[fill[s]] = idx
            t_owner[fill[s]] = p
            fill[s] += 1
    for s in range(n_s):
        for j in range(t_ptr[s], t_ptr[s + 1]):
            p = t_owner[j]
            idx = t_idx[j]
            for k in range(s_ptr[s], s_ptr[s + 1]):
                if s_pref[k] == p:
                    s_prank[k] = idx - p_ptr[p]
                    p_srank[idx] = k - s_ptr[s]
                    break
    return s_prank, p_srank


@njit(cache=True, nogil=True)
def compact(ptr, pref, other_rank):  # type: ignore[no-untyped-def]
    """Drop entries whose ``other_rank`` is -1 (not mutually acceptable) from a CSR list."""
    n = ptr.shape[0] - 1
    keep = 0
    for k in range(pref.shape[0]):
        if other_rank[k] >= 0:
            keep += 1
    new_ptr = np.zeros(n + 1, np.int64)
    new_pref = np.empty(keep, np.int32)
    new_rank = np.empty(keep, np.int32)
    j = 0
    for i in range(n):
        for k in range(ptr[i], ptr[i + 1]):
            if other_rank[k] >= 0:
                new_pref[j] = pref[k]
                new_rank[j] = other_rank[k]
                j += 1
        new_ptr[i + 1] = j
    return new_ptr, new_pref, new_rank


@njit(cache=True, nogil=True)
def count_blocking(s_ptr, s_pref, s_prank, cap, assign):  # type: ignore[no-untyped-def]
    """Count blocking (student, placement) pairs of ``assign`` (fast, for large markets).

    The independent checker in ``verify.py`` lists them by id; this kernel only counts, and
    is used by the benchmarks and the optimal-vs-stable comparison.
    """
    n_s = s_ptr.shape[0] - 1
    n_p = cap.shape[0]
    worst = np.full(n_p, -1, np.int32)
    filled = np.zeros(n_p, np.int32)
    cur_rank = np.full(n_s, np.iinfo(np.int32).max, np.int32)
    for s in range(n_s):
        p = assign[s]
        if p < 0:
            continue
        for k in range(s_ptr[s], s_ptr[s + 1]):
            if s_pref[k] == p:
                cur_rank[s] = k - s_ptr[s]
                if s_prank[k] > worst[p]:
                    worst[p] = s_prank[k]
                break
        filled[p] += 1
    count = 0
    for s in range(n_s):
        for k in range(s_ptr[s], s_ptr[s + 1]):
            if k - s_ptr[s] >= cur_rank[s]:
                break
            p = s_pref[k]
            if cap[p] <= 0:
                continue
            if filled[p] < cap[p] or s_prank[k] < worst[p]:
                count += 1
    return count


@njit(cache=True, nogil=True)
def first_blocking_single(s_ptr, s_pref, s_prank, cap, assign, worst, filled):  # type: ignore[no-untyped-def]
    """The first (lowest student, then best placement) blocking single entry, or -1.

    ``worst[p]``/``filled[p]`` describe who ``p`` holds (couple members included). Returns
    the index ``k`` of the entry in ``s_pref`` and the student, or ``(-1, -1)``.
    """
    n_s = s_ptr.shape[0] - 1
    for s in range(n_s):
        cur = assign[s]
        for k in range(s_ptr[s], s_ptr[s + 1]):
            p = s_pref[k]
            if p == cur:
                break
            if cap[p] <= 0:
                continue
            if filled[p] < cap[p] or s_prank[k] < worst[p]:
                return k, s
    return -1, -1


@njit(cache=True, nogil=True)
def holder_stats(assign, arank, n_p):  # type: ignore[no-untyped-def]
    """Per placement: the worst rank it holds (-1 if none) and how many it holds."""
    worst = np.full(n_p, -1, np.int32)
    filled = np.zeros(n_p, np.int32)
    for s in range(assign.shape[0]):
        p = assign[s]
        if p >= 0:
            filled[p] += 1
            if arank[s] > worst[p]:
                worst[p] = arank[s]
    return worst, filled


@njit(cache=True, nogil=True)
def all_blocking_single(s_ptr, s_pref, s_prank, cap, assign, worst, filled):  # type: ignore[no-untyped-def]
    """Every blocking single entry as arrays ``(k, s)`` (see ``first_blocking_single``)."""
    n_s = s_ptr.shape[0] - 1
    ks = np.empty(16, np.int64)
    ss = np.empty(16, np.int64)
    n = 0
    for s in range(n_s):
        cur = assign[s]
        for k in range(s_ptr[s], s_ptr[s + 1]):
            p = s_pref[k]
            if p == cur:
                break
            if cap[p] <= 0:
                continue
            if filled[p] < cap[p] or s_prank[k] < worst[p]:
                if n == ks.shape[0]:
                    ks2 = np.empty(2 * n, np.int64)
                    ss2 = np.empty(2 * n, np.int64)
                    ks2[:n] = ks
                    ss2[:n] = ss
                    ks, ss = ks2, ss2
                ks[n] = k
                ss[n] = s
                n += 1
    return ks[:n], ss[:n]


@njit(cache=True, nogil=True)
def entry_positions(s_ptr, s_pref, p_ptr, p_pref):  # type: ignore[no-untyped-def]
    """For each placement entry, the index in ``s_pref`` of the same (student, placement)."""
    pos = np.full(p_pref.shape[0], -1, np.int64)
    for p in range(p_ptr.shape[0] - 1):
        for idx in range(p_ptr[p], p_ptr[p + 1]):
            s = p_pref[idx]
            for k in range(s_ptr[s], s_ptr[s + 1]):
                if s_pref[k] == p:
                    pos[idx] = k
                    break
    return pos


@njit(cache=True, nogil=True)
def next_taker(q, start, p_ptr, p_pref, p_kpos, assign, nxt):  # type: ignore[no-untyped-def]
    """The first entry of ``q``'s list from ``start`` whose student prefers ``q`` to what
    they hold (``nxt[s] - 1`` is the entry they hold), or -1."""
    for idx in range(start, p_ptr[q + 1]):
        s = p_pref[idx]
        cur = assign[s]
        if cur == q:
            continue
        if cur >= 0 and nxt[s] - 1 < p_kpos[idx]:
            continue
        return idx
    return -1
