"""Explanations a student can read: why this placement, and why not the ones ranked higher.

For a stable matching every placement a single student ranked above their result is
explained by one of: it did not rank them; it had no seats; it filled every seat with
students it ranked higher; or it filled its seats with students it ranked equally and the
lottery put those first. Couple members are told, for each pair ranked higher, which half
of the pair could not take them.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import Explanation, Market, Reason

_INF = float("inf")


def explain(market: Market, assignments: Mapping[str, str | None]) -> dict[str, Explanation]:
    """One :class:`Explanation` per student id."""
    tier: dict[str, dict[str, int]] = {}
    capacity: dict[str, int] = {}
    for pl in market.placements:
        capacity[pl.id] = pl.capacity
        tier[pl.id] = {
            sid: i
            for i, entry in enumerate(pl.ranking)
            for sid in ((entry,) if isinstance(entry, str) else entry)
        }
    holders: dict[str, list[str]] = {pid: [] for pid in capacity}
    for st in market.students:
        p = assignments.get(st.id)
        if p is not None and p in holders:
            holders[p].append(st.id)
    open_seats = {
        pid: capacity[pid] - len(h) for pid, h in holders.items() if capacity[pid] > len(h)
    }

    def why_not(p: str, sid: str) -> Reason:
        if sid not in tier[p]:
            return Reason(p, "not_ranked_by_placement", f"{p} did not rank you.")
        if capacity[p] <= 0:
            return Reason(p, "no_seats", f"{p} had no seats.")
        held = holders[p]
        mine = tier[p][sid]
        seats = "its only seat" if capacity[p] == 1 else f"all {capacity[p]} seats"
        if len(held) >= capacity[p]:
            if all(tier[p].get(u, _INF) < mine for u in held):
                return Reason(
                    p,
                    "filled_with_higher_ranked",
                    f"{p} filled {seats} with students it ranked higher than you.",
                )
            if all(tier[p].get(u, _INF) <= mine for u in held):
                return Reason(
                    p,
                    "lottery",
                    f"{p} filled {seats}; it ranked some of those students equal with you "
                    "and the lottery put them first.",
                )
        return Reason(p, "other", f"{p} still had room for you: this match is not stable.")

    couple = {m: cp for cp in market.couples for m in cp.members}
    out: dict[str, Explanation] = {}
    for st in market.students:
        cur = assignments.get(st.id)
        reasons: list[Reason] = []
        rank: int | None = None
        cp = couple.get(st.id)
        if cp is None:
            for i, p in enumerate(st.ranking):
                if p == cur:
                    rank = i
                    break
                if p in capacity:
                    reasons.append(why_not(p, st.id))
        else:
            me = cp.members.index(st.id)
            partner = cp.members[1 - me]
            pair_now = (assignments.get(cp.members[0]), assignments.get(cp.members[1]))
            for i, pair in enumerate(cp.ranking):
                if tuple(pair) == pair_now:
                    rank = i
                    break
                mine, theirs = pair[me], pair[1 - me]
                r = why_not(mine, st.id)
                if r.code == "other":
                    r2 = why_not(theirs, partner)
                    r = Reason(
                        mine,
                        "couple",
                        f"{mine} could take you, but {theirs} could not take {partner} "
                        f"({r2.text[:-1].replace('you', partner)}).",
                    )
                reasons.append(r)
        out[st.id] = Explanation(
            student=st.id,
            placement=cur,
            rank=rank,
            reasons=tuple(reasons),
            open_seats=dict(open_seats) if cur is None else {},
        )
    return out
