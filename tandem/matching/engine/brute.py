"""Brute force for tiny markets: every matching, every stable matching.

Exponential on purpose: the tests use it as an oracle on markets of a handful of students.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from .model import Market, Placement, Student
from .verify import verify


def tiny_market(
    students: dict[str, list[str]],
    placements: dict[str, tuple[int, list[Any]]],
    couples: tuple[Any, ...] = (),
) -> Market:
    """Build a market from plain dicts: ``{"s": [...]}``, ``{"p": (cap, [...])}``."""
    return Market(
        students=tuple(Student(s, tuple(r)) for s, r in students.items()),
        placements=tuple(
            Placement(p, cap, tuple(tuple(x) if isinstance(x, list) else x for x in r))
            for p, (cap, r) in placements.items()
        ),
        couples=couples,
    )


def all_matchings(m: Market) -> Iterator[dict[str, str | None]]:
    """Every assignment respecting capacities and acceptability (tiny markets only).

    Singles take ``None`` or a placement they rank; couples ``None`` or a pair they rank.
    """
    members = {x for c in m.couples for x in c.members}
    agents: list[tuple[str, ...]] = []
    options: list[list[tuple[str | None, ...]]] = []
    for st in m.students:
        if st.id not in members:
            agents.append((st.id,))
            options.append([(None,), *((p,) for p in st.ranking)])
    for c in m.couples:
        agents.append(c.members)
        options.append([(None, None), *(tuple(pair) for pair in c.ranking)])
    cap = {p.id: p.capacity for p in m.placements}
    for combo in itertools.product(*options):
        counts: dict[str, int] = {}
        out: dict[str, str | None] = {}
        ok = True
        for who, where in zip(agents, combo, strict=True):
            for sid, p in zip(who, where, strict=True):
                out[sid] = p
                if p is not None:
                    counts[p] = counts.get(p, 0) + 1
                    ok = ok and counts[p] <= cap[p]
        if ok:
            yield {st.id: out[st.id] for st in m.students}


def all_stable(m: Market) -> list[dict[str, str | None]]:
    return [a for a in all_matchings(m) if verify(m, a).is_stable]
