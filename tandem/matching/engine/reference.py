"""Plain-Python deferred acceptance: the reference the compiled kernels are tested against.

Written for clarity, over dictionaries of ids, with no shared code with the kernels except
the documented lottery (:func:`~tandem.matching.engine.compile.lottery_for`).
"""

from __future__ import annotations

from .compile import lottery_for
from .model import Market

Prefs = dict[str, list[str]]


def strict_preferences(market: Market, seed: int = 0) -> tuple[Prefs, Prefs, dict[str, int]]:
    """Both sides' strict, mutually acceptable lists (ties broken by the seeded lottery).

    Couple members are left out (they have their own algorithm).
    """
    members = {m for c in market.couples for m in c.members}
    lottery = lottery_for(len(market.students), seed)
    number = {st.id: int(lottery[i]) for i, st in enumerate(market.students)}
    p_lists: Prefs = {}
    for pl in market.placements:
        order: list[str] = []
        for entry in pl.ranking:
            group = [entry] if isinstance(entry, str) else list(entry)
            order.extend(sorted(group, key=lambda sid: number[sid]))
        p_lists[pl.id] = [sid for sid in order if sid not in members]
    ranked_by = {pid: set(lst) for pid, lst in p_lists.items()}
    s_lists: Prefs = {}
    for st in market.students:
        if st.id in members:
            s_lists[st.id] = []
        else:
            s_lists[st.id] = [p for p in st.ranking if st.id in ranked_by[p]]
    wanted = {sid: set(lst) for sid, lst in s_lists.items()}
    for pid in p_lists:
        p_lists[pid] = [sid for sid in p_lists[pid] if pid in wanted[sid]]
    capacity = {pl.id: pl.capacity for pl in market.placements}
    return s_lists, p_lists, capacity


def student_proposing(
    s_prefs: Prefs, p_prefs: Prefs, capacity: dict[str, int]
) -> dict[str, str | None]:
    """Textbook student-proposing deferred acceptance (rounds, a queue of free students)."""
    rank = {p: {s: i for i, s in enumerate(lst)} for p, lst in p_prefs.items()}
    held: dict[str, list[str]] = {p: [] for p in p_prefs}
    nxt = dict.fromkeys(s_prefs, 0)
    match: dict[str, str | None] = dict.fromkeys(s_prefs)
    free = list(s_prefs)
    while free:
        s = free.pop()
        while nxt[s] < len(s_prefs[s]):
            p = s_prefs[s][nxt[s]]
            nxt[s] += 1
            if capacity[p] <= 0:
                continue
            held[p].append(s)
            match[s] = p
            if len(held[p]) <= capacity[p]:
                break
            worst = max(held[p], key=lambda x: rank[p][x])
            held[p].remove(worst)
            match[worst] = None
            if worst == s:
                continue
            free.append(worst)
            break
    return match


def placement_proposing(
    s_prefs: Prefs, p_prefs: Prefs, capacity: dict[str, int]
) -> dict[str, str | None]:
    """Textbook placement-proposing deferred acceptance."""
    srank = {s: {p: i for i, p in enumerate(lst)} for s, lst in s_prefs.items()}
    match: dict[str, str | None] = dict.fromkeys(s_prefs)
    count = dict.fromkeys(p_prefs, 0)
    nxt = dict.fromkeys(p_prefs, 0)
    free = [p for p in p_prefs]
    while free:
        p = free.pop()
        while count[p] < capacity[p] and nxt[p] < len(p_prefs[p]):
            s = p_prefs[p][nxt[p]]
            nxt[p] += 1
            cur = match[s]
            if cur is None or srank[s][p] < srank[s][cur]:
                match[s] = p
                count[p] += 1
                if cur is not None:
                    count[cur] -= 1
                    free.append(cur)
    return match


def solve_reference(
    market: Market, proposing: str = "students", seed: int = 0
) -> dict[str, str | None]:
    """The reference answer for a market without couples."""
    s_prefs, p_prefs, capacity = strict_preferences(market, seed)
    if proposing == "students":
        return student_proposing(s_prefs, p_prefs, capacity)
    return placement_proposing(s_prefs, p_prefs, capacity)
