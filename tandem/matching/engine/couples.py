"""Joint applicants (couples): a Roth–Peranson style procedure with instability repair.

1. **Singles first.** Student-proposing deferred acceptance among single students (the
   compiled kernel).
2. **Couples apply, one at a time** (in input order), to their ranked placement pairs. A
   pair ``(p, q)`` takes the couple when ``p`` would take the first member and ``q`` the
   second (a free seat, or someone it ranks lower, who is displaced); for ``p == q`` the
   placement must want both. Displaced singles go on down their lists; a displaced couple
   member pulls the partner out too, and the couple goes on with its next pair.
3. **Vacancy chains.** A withdrawal leaves a seat that earlier-rejected single students may
   now want: the placement takes the best of them (in its own order) who prefer it to what
   they hold, which may free a seat elsewhere, and so on (as in Roth–Peranson).
4. **Repair.** The result is then checked for blocking pairs (single or couple); the first
   one found (lowest student number, then couples in input order) is satisfied — the
   student or couple moves there, displacing as in step 2 — and steps 2–4 run again (Roth
   and Vande Vate's path to stability). When a matching comes back (a cycle), the next
   blocking pair is drawn at random among all of them (seeded: the match's seed), which
   leaves most cycles (random paths to stability).
5. **Restart** (up to 2 times) with the couples applying in a seeded random order when a
   run returns 50 times to earlier matchings or runs out of steps.
6. **Stop** when nothing blocks (a stable matching: ``stable=True``), or when every run
   failed: then no stable matching was found and the result says so, with the blocking
   pairs that remain. With couples a stable matching may not exist at all (Roth 1984);
   when it exists, this procedure is not guaranteed to find it, which the result reports
   rather than hides.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from . import core
from .compile import CompiledMarket, IntArray


@dataclass
class CouplesOutcome:
    assign: IntArray
    found_stable: bool
    steps: int
    message: str = ""
    extra: dict[str, int] = field(default_factory=dict)


class _State:
    def __init__(self, cm: CompiledMarket, assign: IntArray) -> None:
        self.cm = cm
        self.n_s = cm.n_students
        self.assign = assign.astype(np.int32, copy=True)
        self.arank = np.full(self.n_s, -1, np.int32)
        self._rank_cache: dict[int, dict[int, int]] = {}
        self.holders: dict[int, list[int]] = {}
        for s in np.flatnonzero(self.assign >= 0).tolist():
            p = int(self.assign[s])
            self.holders.setdefault(p, []).append(s)
            self.arank[s] = self.rank(p, s)
        self.partner = np.full(self.n_s, -1, np.int64)
        self.couple_of = np.full(self.n_s, -1, np.int64)
        for c, (a, b) in enumerate(cm.couple_members.tolist()):
            self.partner[a], self.partner[b] = b, a
            self.couple_of[a] = self.couple_of[b] = c
        # singles resume after the entry they hold (everything before rejected them)
        self.nxt = np.asarray(cm.s_ptr[1:], dtype=np.int64).copy()
        for s in np.flatnonzero(self.assign >= 0).tolist():
            lo, hi = int(cm.s_ptr[s]), int(cm.s_ptr[s + 1])
            row = cm.s_pref[lo:hi]
            self.nxt[s] = lo + int(np.flatnonzero(row == self.assign[s])[0]) + 1
        self.cnxt = np.asarray(cm.couple_ptr[:-1], dtype=np.int64).copy()
        self.vacancies: list[int] = []
        # plain lists: element access from Python is much cheaper than on arrays
        self.s_ptr_l: list[int] = cm.s_ptr.tolist()
        self.s_pref_l: list[int] = cm.s_pref.tolist()
        self.p_ptr_l: list[int] = cm.p_ptr.tolist()
        self.p_pref_l: list[int] = cm.p_pref.tolist()
        self.cap_l: list[int] = cm.cap.tolist()
        self.p_kpos = core.entry_positions(cm.s_ptr, cm.s_pref, cm.p_ptr, cm.p_pref)
        self.cheld = np.full(len(cm.couple_members), -1, np.int64)  # pair index held

    def rank(self, p: int, s: int) -> int:
        """``p``'s strict rank of ``s`` (-1 when ``p`` does not rank ``s``)."""
        table = self._rank_cache.get(p)
        if table is None:
            lo, hi = int(self.cm.full_p_ptr[p]), int(self.cm.full_p_ptr[p + 1])
            table = {int(x): i for i, x in enumerate(self.cm.full_p_pref[lo:hi].tolist())}
            self._rank_cache[p] = table
        return table.get(s, -1)

    def takes(self, p: int, s: int, leaving: tuple[int, ...]) -> bool:
        r = self.rank(p, s)
        cap = int(self.cm.cap[p])
        if r < 0 or cap <= 0:
            return False
        stay = [u for u in self.holders.get(p, []) if u not in leaving]
        return len(stay) < cap or max(int(self.arank[u]) for u in stay) > r

    def takes_both(self, p: int, a: int, b: int) -> bool:
        ra, rb = self.rank(p, a), self.rank(p, b)
        cap = int(self.cm.cap[p])
        if ra < 0 or rb < 0 or cap < 2:
            return False
        stay = sorted(
            (int(self.arank[u]) for u in self.holders.get(p, []) if u not in (a, b)),
            reverse=True,
        )
        must_leave = len(stay) + 2 - cap
        return must_leave <= 0 or all(r > max(ra, rb) for r in stay[:must_leave])

    def remove(self, s: int, *, vacate: bool = True) -> None:
        p = int(self.assign[s])
        if p >= 0:
            self.holders[p].remove(s)
            self.assign[s] = -1
            self.arank[s] = -1
            if vacate:
                self.vacancies.append(p)

    def fill_vacancy(self, q: int) -> list[int]:
        """Let ``q`` take, in its own order, single students who prefer it; returns them."""
        moved: list[int] = []
        held = self.holders.setdefault(q, [])
        cap = self.cap_l[q]
        cm = self.cm
        start = self.p_ptr_l[q]
        while len(held) < cap:
            idx = int(
                core.next_taker(q, start, cm.p_ptr, cm.p_pref, self.p_kpos, self.assign, self.nxt)
            )
            if idx < 0:
                break
            start = idx + 1
            s = self.p_pref_l[idx]
            kq = int(self.p_kpos[idx]) - self.s_ptr_l[s]
            lo = self.s_ptr_l[s]
            self.remove(s)
            self.assign[s] = q
            self.arank[s] = self.rank(q, s)
            held.append(s)
            self.nxt[s] = lo + kq + 1
            moved.append(s)
        return moved

    def put(self, s: int, p: int) -> list[int]:
        """Place ``s`` at ``p``; returns the students displaced to make room."""
        self.assign[s] = p
        self.arank[s] = self.rank(p, s)
        held = self.holders.setdefault(p, [])
        held.append(s)
        out: list[int] = []
        while len(held) > int(self.cm.cap[p]):
            worst = max(held, key=lambda u: int(self.arank[u]))
            self.remove(worst, vacate=False)
            out.append(worst)
        return out


def solve_with_couples(
    cm: CompiledMarket,
    *,
    max_steps: int | None = None,
    max_repeats: int = 50,
    restarts: int = 2,
    seed: int = 0,
) -> CouplesOutcome:
    """Run the procedure above on a compiled market that has couples.

    When a run ends without a stable matching, it is restarted (up to ``restarts`` times)
    with the couples applying in another, seeded random order; the first stable matching
    found is returned, else the last run's result.
    """
    singles, _ = core.student_proposing(cm.s_ptr, cm.s_pref, cm.s_prank, cm.cap)
    rng = np.random.default_rng(seed)
    order = list(range(len(cm.couple_members)))
    total_steps = 0
    outcome = CouplesOutcome(singles, False, 0)
    for attempt in range(restarts + 1):
        if attempt:
            order = rng.permutation(len(cm.couple_members)).tolist()
        outcome = _run(cm, singles, order, max_steps, max_repeats, rng)
        total_steps += outcome.steps
        outcome.extra["attempts"] = attempt + 1
        if outcome.found_stable:
            break
    outcome.steps = total_steps
    return outcome


def _run(
    cm: CompiledMarket,
    singles: IntArray,
    order: list[int],
    max_steps: int | None,
    max_repeats: int,
    rng: np.random.Generator,
) -> CouplesOutcome:
    st = _State(cm, singles)
    budget = max_steps if max_steps is not None else 50 * (cm.n_students + 10)
    steps = 0
    stack: list[tuple[str, int]] = [("c", c) for c in reversed(order)]

    def displaced(out: list[int]) -> None:
        for e in out:
            c = int(st.couple_of[e])
            if c >= 0:
                st.remove(int(st.partner[e]))
                st.cheld[c] = -1
                stack.append(("c", c))
            else:
                stack.append(("s", e))

    def run_stack() -> bool:
        nonlocal steps
        while stack or st.vacancies:
            steps += 1
            if steps > budget:
                return False
            if not stack:
                st.fill_vacancy(st.vacancies.pop())
                continue
            kind, x = stack.pop()
            if kind == "s":
                s = x
                if st.assign[s] >= 0:
                    continue
                end = int(cm.s_ptr[s + 1])
                while st.nxt[s] < end:
                    k = int(st.nxt[s])
                    st.nxt[s] = k + 1
                    p = int(cm.s_pref[k])
                    if st.takes(p, s, ()):
                        displaced(st.put(s, p))
                        break
            else:
                c = x
                if st.cheld[c] >= 0:
                    continue
                a, b = (int(v) for v in cm.couple_members[c])
                end = int(cm.couple_ptr[c + 1])
                while st.cnxt[c] < end:
                    i = int(st.cnxt[c])
                    st.cnxt[c] = i + 1
                    p, q = (int(v) for v in cm.couple_pairs[i])
                    ok = (
                        st.takes_both(p, a, b)
                        if p == q
                        else st.takes(p, a, (a, b)) and st.takes(q, b, (a, b))
                    )
                    if ok:
                        out = st.put(a, p) + st.put(b, q)
                        st.cheld[c] = i
                        displaced([u for u in out if u not in (a, b)])
                        break
        return True

    seen: set[bytes] = set()
    repairs = 0
    repeats = 0
    while True:
        if not run_stack():
            return CouplesOutcome(
                st.assign, False, steps, "step budget exhausted", {"repairs": repairs}
            )
        key = hashlib.blake2b(st.assign.tobytes(), digest_size=16).digest()
        if key in seen:
            repeats += 1
            if repeats > max_repeats:
                return CouplesOutcome(
                    st.assign,
                    False,
                    steps,
                    f"the repair steps kept returning to earlier matchings ({repeats} times)",
                    {"repairs": repairs},
                )
        seen.add(key)
        worst, filled = core.holder_stats(st.assign, st.arank, cm.n_placements)
        # candidates: blocking singles as ("s", k, s), blocking couples as ("c", i, c)
        if repeats == 0:
            k, s = core.first_blocking_single(
                cm.s_ptr, cm.s_pref, cm.s_prank, cm.cap, st.assign, worst, filled
            )
            found: list[tuple[str, int, int]] = [("s", int(k), int(s))] if s >= 0 else []
            if not found:
                found = _blocking_couples(st, worst, filled, first_only=True)
        else:  # a cycle: leave it along a random blocking pair (random paths to stability)
            ks, ss = core.all_blocking_single(
                cm.s_ptr, cm.s_pref, cm.s_prank, cm.cap, st.assign, worst, filled
            )
            found = []
            if len(ks) and rng.random() < 0.9:  # mostly a single, sometimes a couple
                j = int(rng.integers(len(ks)))
                found = [("s", int(ks[j]), int(ss[j]))]
            else:
                found = _blocking_couples(st, worst, filled, first_only=False)
                if found:
                    found = [found[int(rng.integers(len(found)))]]
                elif len(ks):
                    j = int(rng.integers(len(ks)))
                    found = [("s", int(ks[j]), int(ss[j]))]
        if not found:
            return CouplesOutcome(st.assign, True, steps, "", {"repairs": repairs})
        kind, i, who = found[0]
        repairs += 1
        if kind == "s":
            st.remove(who)
            st.nxt[who] = i
            stack.append(("s", who))
        else:
            a, b = (int(v) for v in cm.couple_members[who])
            st.remove(a)
            st.remove(b)
            st.cheld[who] = -1
            st.cnxt[who] = i
            stack.append(("c", who))


def _blocking_couples(
    st: _State, worst: IntArray, filled: IntArray, *, first_only: bool
) -> list[tuple[str, int, int]]:
    cm = st.cm
    worst_l: list[int] = worst.tolist()
    filled_l: list[int] = filled.tolist()
    cap = st.cap_l
    pairs: list[list[int]] = cm.couple_pairs.tolist()
    c_ptr: list[int] = cm.couple_ptr.tolist()
    out: list[tuple[str, int, int]] = []

    def quick_no(p: int, s: int, a: int, b: int) -> bool:
        # a cheap sufficient reason why p would not take s (when the couple is not at p)
        if st.assign[a] == p or st.assign[b] == p:
            return False
        r = st.rank(p, s)
        return r < 0 or (filled_l[p] >= cap[p] and r > worst_l[p])

    for c, (a, b) in enumerate(cm.couple_members.tolist()):
        stop = int(st.cheld[c]) if st.cheld[c] >= 0 else c_ptr[c + 1]
        for i in range(c_ptr[c], stop):
            p, q = pairs[i]
            if quick_no(p, a, a, b) or quick_no(q, b, a, b):
                continue
            ok = (
                st.takes_both(p, a, b)
                if p == q
                else st.takes(p, a, (a, b)) and st.takes(q, b, (a, b))
            )
            if ok:
                out.append(("c", i, c))
                if first_only:
                    return out
                break
    return out
