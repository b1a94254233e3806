"""Small-cell suppression for published tables (pure Python, no Django).

One implementation for every published count in Tandem: survey distributions and the
analytics dashboards' outcome tables and funnel. Rules:

1. **Primary suppression**: a published number ``n`` with ``0 < n < threshold`` is hidden —
   a cell, and (unless the caller says the total is public anyway) a row, column or grand
   total. Zeros are shown: a zero describes nobody, and hiding zeros would make every
   complement weaker (a hidden cell that could be 0 cannot be moved down, see below).
2. **Complementary suppression**: no hidden number may be recomputable from the shown
   numbers, the line equations (every row and column adds up to its total, the totals add
   up to the grand total) and the fact that counts are non-negative.
3. **No small remainder**: in a line whose total is shown, the hidden numbers add up to 0 or
   to at least ``threshold`` — otherwise the total minus the shown numbers would itself
   describe a small group (e.g. "these two hidden cells hold 7 people"). When it is smaller,
   the cheapest shown number of that line is hidden too (its total when none is left).

How the second rule is checked and enforced (exactly, not by a rule of thumb):

* Write a table with its margins as an extended table ``E`` where the row totals and the
  column totals are negated: every row and every column of ``E`` then adds up to zero. Each
  number is an *edge* between the two lines it lies on (a cell joins its row and its column,
  a row total joins its row and the "totals column", a column total joins its column and the
  "totals row", the grand total joins the two). The line equations are then exactly the
  conservation equations of a directed graph, so the unknown (hidden) numbers can change
  together exactly along the cycles of the graph formed by the hidden edges.
* A hidden number is fixed by the equations exactly when its edge is a **bridge** of that
  graph (on no cycle). Every hidden number is at least 1 (zeros are never hidden; totals
  that are not published at all count as unknowns only when positive), so an edge on a
  cycle can move by ±1 around it with every count staying non-negative: it cannot be
  derived, not even with the non-negativity bounds.
* While a hidden number is a bridge, the algorithm hides the *cheapest* set of shown numbers
  that closes a cycle through it (a shortest path between the two sides of the bridge):
  cheaper means fewer grand totals, then fewer shared column totals, then fewer line
  totals, then the smallest sum of values; ties go to the first in table order. Totals are
  therefore hidden only when no path through cells exists. Hiding every positive number is
  always safe (the true table is a non-negative circulation, and every edge of a circulation
  lies on a cycle), so the loop ends. Rule 3 is checked when no bridge is left, and the two
  alternate until both hold (each step only hides more, so this ends too).

Two tables that classify the same people two ways and share their column totals and grand
total (the dashboard's outcomes by sector and by program) are protected *together*
(:func:`suppress_shared_margins`): a shared column total is one edge between the two
tables' column vertices and the grand total one edge between their totals vertices. The
combined equations are again those of one directed graph, so the same bridge test covers
recomputing a hidden number from the *other* table's shown cells. Given equal column
totals, any two tables can be realised by a non-negative three-way table, so the two tables
say nothing about each other beyond the shared margins: the test is exact.

The result keeps every number that was not suppressed exactly as it was.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10

Cell = tuple[int, int]
Vertex = tuple[str, int, int]

# Tiers of published numbers, cheapest to hide first.
CELL = 0
LINE_TOTAL = 1
SHARED_TOTAL = 2
GRAND_TOTAL = 3


@dataclass(frozen=True)
class Entry:
    """One number of a table, as an edge between the two lines it lies on."""

    ends: tuple[Vertex, Vertex]
    value: int
    tier: int = CELL
    published: bool = True  # False: never shown (an unknown, not a secret)
    small_is_secret: bool = True  # False: a public number (e.g. the count of answers)


@dataclass(frozen=True)
class Protection:
    """Indices (into the entries) of the hidden numbers."""

    primary: frozenset[int]
    complementary: frozenset[int]

    @property
    def hidden(self) -> frozenset[int]:
        return self.primary | self.complementary


def _bridges(edges: Sequence[tuple[Vertex, Vertex]]) -> set[int]:
    """Indices of bridge edges in an undirected multigraph (self-loops are never bridges)."""
    adjacency: dict[Vertex, list[tuple[Vertex, int]]] = {}
    for i, (a, b) in enumerate(edges):
        if a == b:
            continue
        adjacency.setdefault(a, []).append((b, i))
        adjacency.setdefault(b, []).append((a, i))
    order: dict[Vertex, int] = {}
    low: dict[Vertex, int] = {}
    bridges: set[int] = set()
    counter = 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        # Iterative DFS: (vertex, edge id used to enter it, iterator position)
        stack: list[tuple[Vertex, int, int]] = [(root, -1, 0)]
        while stack:
            vertex, parent_edge, pos = stack[-1]
            neighbours = adjacency[vertex]
            if pos < len(neighbours):
                stack[-1] = (vertex, parent_edge, pos + 1)
                nxt, edge = neighbours[pos]
                if edge == parent_edge:
                    continue
                if nxt in order:
                    low[vertex] = min(low[vertex], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        bridges.add(parent_edge)
    return bridges


def _component(start: Vertex, adjacency: dict[Vertex, list[tuple[Vertex, int]]]) -> set[Vertex]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt, _ in adjacency.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


Cost = tuple[int, int, int, int]


def _cost(entry: Entry) -> Cost:
    return (
        int(entry.tier == GRAND_TOTAL),
        int(entry.tier == SHARED_TOTAL),
        int(entry.tier == LINE_TOTAL),
        entry.value,
    )


def _cheapest_closure(entries: Sequence[Entry], unknown: set[int], bridge: int) -> list[int]:
    """The cheapest shown entries whose hiding puts ``bridge`` on a cycle of unknowns."""
    known_graph: dict[Vertex, list[tuple[Vertex, int]]] = {}
    for i in sorted(unknown - {bridge}):
        a, b = entries[i].ends
        known_graph.setdefault(a, []).append((b, i))
        known_graph.setdefault(b, []).append((a, i))
    side_a = _component(entries[bridge].ends[0], known_graph)
    side_b = _component(entries[bridge].ends[1], known_graph)
    # Edges a path may use: unknowns (free) and shown positive numbers (at their cost).
    adjacency: dict[Vertex, list[tuple[Vertex, int]]] = {}
    for i, entry in enumerate(entries):
        if i == bridge or (i not in unknown and (entry.value <= 0 or not entry.published)):
            continue
        a, b = entry.ends
        adjacency.setdefault(a, []).append((b, i))
        adjacency.setdefault(b, []).append((a, i))
    zero: Cost = (0, 0, 0, 0)
    best: dict[Vertex, Cost] = {v: zero for v in side_a}
    came: dict[Vertex, tuple[Vertex, int]] = {}
    heap: list[tuple[Cost, Vertex]] = [(zero, v) for v in sorted(side_a)]
    heapq.heapify(heap)
    while heap:
        cost, vertex = heapq.heappop(heap)
        if cost > best.get(vertex, cost):
            continue
        if vertex in side_b:
            path = []
            while vertex not in side_a:
                vertex, edge = came[vertex]
                if edge not in unknown:
                    path.append(edge)
            return sorted(path)
        for nxt, edge in adjacency.get(vertex, ()):
            step = zero if edge in unknown else _cost(entries[edge])
            new: Cost = (
                cost[0] + step[0],
                cost[1] + step[1],
                cost[2] + step[2],
                cost[3] + step[3],
            )
            if nxt not in best or new < best[nxt]:
                best[nxt] = new
                came[nxt] = (vertex, edge)
                heapq.heappush(heap, (new, nxt))
    # Unreachable for a consistent table (see the module doc): hide every positive number.
    raise ValueError("the table's totals do not add up")


Line = tuple[int, tuple[int, ...]]  # (index of the total, indices of the numbers it adds up)


def _small_hidden_sum(
    entries: Sequence[Entry], lines: Sequence[Line], unknown: set[int], threshold: int
) -> int | None:
    """The next entry to hide because a line with a shown total has hidden numbers that add
    up to a small group (the total minus the shown numbers would give that group away)."""
    for total, members in lines:
        if total in unknown or not entries[total].published:
            continue
        hidden_sum = sum(entries[m].value for m in members if m in unknown)
        if 0 < hidden_sum < threshold:
            candidates = [
                m
                for m in members
                if m not in unknown and entries[m].published and entries[m].value > 0
            ]
            if not candidates:
                return total
            return min(candidates, key=lambda m: (_cost(entries[m]), m))
    return None


def protect(
    entries: Sequence[Entry], threshold: int = DEFAULT_THRESHOLD, lines: Sequence[Line] = ()
) -> Protection:
    """Which entries to hide so that no small number is shown or can be recomputed, and no
    line with a shown total has hidden numbers adding up to a small group."""
    if any(e.value < 0 for e in entries):
        raise ValueError("counts cannot be negative")
    primary = {
        i
        for i, e in enumerate(entries)
        if e.published and e.small_is_secret and 0 < e.value < threshold
    }
    hidden = set(primary)
    unpublished = {i for i, e in enumerate(entries) if not e.published and e.value > 0}
    while True:
        unknown = sorted(hidden | unpublished)
        bridges = _bridges([entries[i].ends for i in unknown])
        secret = sorted(unknown[b] for b in bridges if unknown[b] in hidden)
        if secret:
            hidden.update(_cheapest_closure(entries, hidden | unpublished, secret[0]))
            continue
        more = _small_hidden_sum(entries, lines, hidden | unpublished, threshold)
        if more is None:
            break
        hidden.add(more)
    return Protection(frozenset(primary), frozenset(hidden - primary))


def _lines(
    rows: Sequence[tuple[dict[Cell, int], list[int]]], col_index: list[int], grand: int
) -> list[Line]:
    """Every line of one or more tables sharing ``col_index`` and ``grand``: rows, columns,
    the row totals (adding up to the grand total) and the column totals (likewise)."""
    lines: list[Line] = []
    for cells, row_index in rows:
        n_rows = len(row_index)
        for r, total in enumerate(row_index):
            lines.append((total, tuple(cells[(r, c)] for c in range(len(col_index)))))
        for c, total in enumerate(col_index):
            lines.append((total, tuple(cells[(r, c)] for r in range(n_rows))))
        lines.append((grand, tuple(row_index)))
    lines.append((grand, tuple(col_index)))
    return lines


# --- tables ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SuppressedTable:
    """``cells[r][c]`` is ``None`` where hidden; totals are ``None`` where hidden.

    ``primary`` and ``complementary`` list the hidden *cells*; hidden totals show as ``None``
    in ``row_totals``, ``col_totals`` and ``grand_total``."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...] | None
    col_totals: tuple[int | None, ...] | None
    primary: frozenset[Cell]
    complementary: frozenset[Cell]
    grand_total: int | None = None

    @property
    def suppressed(self) -> frozenset[Cell]:
        return self.primary | self.complementary


def _check(table: Sequence[Sequence[int]]) -> tuple[list[list[int]], int]:
    rows = [list(r) for r in table]
    n_cols = len(rows[0]) if rows else 0
    if any(len(r) != n_cols for r in rows):
        raise ValueError("every row must have the same number of cells")
    if any(v < 0 for r in rows for v in r):
        raise ValueError("counts cannot be negative")
    return rows, n_cols


@dataclass
class _Layout:
    """Where each number of one table sits in the entry list."""

    cells: dict[Cell, int]
    rows: list[int]
    cols: list[int]
    grand: int


def _table_entries(
    t: int,
    rows: list[list[int]],
    n_cols: int,
    entries: list[Entry],
    *,
    row_totals: bool,
    small_totals: bool,
) -> tuple[dict[Cell, int], list[int]]:
    cells = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cells[(r, c)] = len(entries)
            entries.append(Entry((("r", t, r), ("c", t, c)), value))
    totals = []
    for r, row in enumerate(rows):
        totals.append(len(entries))
        entries.append(
            Entry((("r", t, r), ("T", t, 0)), sum(row), LINE_TOTAL, row_totals, small_totals)
        )
    return cells, totals


def _result(
    rows: list[list[int]],
    n_cols: int,
    layout: _Layout,
    entries: Sequence[Entry],
    protection: Protection,
    *,
    row_totals: bool,
    col_totals: bool,
    grand_total: bool,
) -> SuppressedTable:
    hidden = protection.hidden

    def shown(i: int) -> int | None:
        return None if i in hidden else entries[i].value

    cells = tuple(
        tuple(shown(layout.cells[(r, c)]) for c in range(n_cols)) for r in range(len(rows))
    )
    by_index = {i: cell for cell, i in layout.cells.items()}
    return SuppressedTable(
        cells=cells,
        row_totals=tuple(shown(i) for i in layout.rows) if row_totals else None,
        col_totals=tuple(shown(i) for i in layout.cols) if col_totals else None,
        primary=frozenset(by_index[i] for i in protection.primary if i in by_index),
        complementary=frozenset(by_index[i] for i in protection.complementary if i in by_index),
        grand_total=shown(layout.grand) if grand_total else None,
    )


def suppress(
    table: Sequence[Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    small_totals: bool = True,
) -> SuppressedTable:
    """Suppress small numbers of ``table`` and the numbers that would reveal them.

    Totals that are not published (``row_totals``/``col_totals`` False) are unknowns to a
    reader; the grand total is published when either kind of total is. ``small_totals``
    False: the totals are public anyway, so a small total is not hidden for being small."""
    rows, n_cols = _check(table)
    entries: list[Entry] = []
    cells, row_index = _table_entries(
        0, rows, n_cols, entries, row_totals=row_totals, small_totals=small_totals
    )
    col_index = []
    for c in range(n_cols):
        col_index.append(len(entries))
        value = sum(r[c] for r in rows)
        entries.append(
            Entry((("c", 0, c), ("M", 0, 0)), value, LINE_TOTAL, col_totals, small_totals)
        )
    grand = len(entries)
    entries.append(
        Entry(
            (("T", 0, 0), ("M", 0, 0)),
            sum(map(sum, rows)),
            GRAND_TOTAL,
            row_totals or col_totals,
            small_totals,
        )
    )
    protection = protect(entries, threshold, _lines([(cells, row_index)], col_index, grand))
    return _result(
        rows,
        n_cols,
        _Layout(cells, row_index, col_index, grand),
        entries,
        protection,
        row_totals=row_totals,
        col_totals=col_totals,
        grand_total=row_totals or col_totals,
    )


def suppress_shared_margins(
    tables: Sequence[Sequence[Sequence[int]]], threshold: int = DEFAULT_THRESHOLD
) -> tuple[SuppressedTable, ...]:
    """Suppress one or two tables that classify the same people by the same columns, so
    share their column totals and grand total, published with all their totals.

    The shared totals are hidden in both tables or in neither, and no hidden number of one
    table can be recomputed with the help of the other (see the module doc). More than two
    tables would not form one graph; this raises ``ValueError`` rather than guess."""
    if not 1 <= len(tables) <= 2:
        raise ValueError("one or two tables can share margins")
    checked = [_check(t) for t in tables]
    widths = {n for rows, n in checked if rows}
    if len(widths) > 1:
        raise ValueError("tables sharing margins need the same columns")
    n_cols = widths.pop() if widths else 0
    sums = {tuple(sum(r[c] for r in rows) for c in range(n_cols)) for rows, _ in checked if rows}
    if len(sums) > 1:
        raise ValueError("tables sharing margins must have the same column totals")
    col_sums = sums.pop() if sums else (0,) * n_cols
    entries: list[Entry] = []
    parts = []
    for t, (rows, _) in enumerate(checked):
        parts.append(_table_entries(t, rows, n_cols, entries, row_totals=True, small_totals=True))
    # With one table, the margins join its column vertices to a vertex for the totals row;
    # with two, each shared total joins the two tables' vertices for its line.
    col_index = []
    for c in range(n_cols):
        col_index.append(len(entries))
        end: Vertex = ("c", 1, c) if len(tables) == 2 else ("M", 0, 0)
        entries.append(Entry((("c", 0, c), end), col_sums[c], SHARED_TOTAL))
    grand = len(entries)
    end = ("T", 1, 0) if len(tables) == 2 else ("M", 0, 0)
    entries.append(Entry((("T", 0, 0), end), sum(col_sums), GRAND_TOTAL))
    protection = protect(entries, threshold, _lines(parts, col_index, grand))
    return tuple(
        _result(
            rows,
            n_cols,
            _Layout(cells, row_index, col_index, grand),
            entries,
            protection,
            row_totals=True,
            col_totals=True,
            grand_total=True,
        )
        for (rows, _), (cells, row_index) in zip(checked, parts, strict=True)
    )


def suppress_counts(counts: Sequence[int], threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """A one-row distribution (answers per option) published with its total.

    The total (the number of answers) is shown next to the question anyway, so it is not
    hidden for being small; it is hidden only when no other count can protect a small one."""
    return suppress(
        [list(counts)], threshold, row_totals=True, col_totals=False, small_totals=False
    )
