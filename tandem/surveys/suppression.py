"""Small-cell suppression for published tables (pure Python, no Django).

A table of non-negative counts is published with its row totals and, optionally, its column
totals. Rules:

1. **Primary suppression**: a cell with ``0 < value < threshold`` is hidden. Zeros are shown:
   they describe nobody.
2. **Complementary suppression**: a hidden cell must not be recomputable from the published
   cells and totals. Think of hidden cells as edges of a graph whose vertices are the lines
   (rows, columns) whose totals are published; lines whose totals are hidden merge into one
   free vertex. A hidden cell's value is fixed by the totals exactly when its edge is a
   *bridge* (on no cycle). When every hidden cell is at least 1, an edge on a cycle can be
   moved by ±1 around the cycle without changing any published total, so its value cannot
   be derived. The algorithm therefore hides further positive cells (smallest first) until
   no edge is a bridge; when a line has no positive cell left to hide, its total is hidden.

The result keeps every cell that was not suppressed exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """``cells[r][c]`` is ``None`` where hidden; totals are ``None`` where hidden."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...] | None
    col_totals: tuple[int | None, ...] | None
    primary: frozenset[Cell]
    complementary: frozenset[Cell]

    @property
    def suppressed(self) -> frozenset[Cell]:
        return self.primary | self.complementary


def _bridges(edges: list[tuple[str, str]]) -> set[int]:
    """Indices of bridge edges in an undirected multigraph (self-loops are never bridges)."""
    adjacency: dict[str, list[tuple[str, int]]] = {}
    for i, (a, b) in enumerate(edges):
        if a == b:
            continue
        adjacency.setdefault(a, []).append((b, i))
        adjacency.setdefault(b, []).append((a, i))
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    bridges: set[int] = set()
    counter = 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        # Iterative DFS: (vertex, edge id used to enter it, iterator position)
        stack: list[tuple[str, int, int]] = [(root, -1, 0)]
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


def suppress(
    table: Sequence[Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals: bool = True,
    col_totals: bool = True,
) -> SuppressedTable:
    """Suppress small cells of ``table`` and the cells that would reveal them."""
    rows = [list(r) for r in table]
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    if any(len(r) != n_cols for r in rows):
        raise ValueError("every row must have the same number of cells")
    if any(v < 0 for r in rows for v in r):
        raise ValueError("counts cannot be negative")
    primary = {(r, c) for r in range(n_rows) for c in range(n_cols) if 0 < rows[r][c] < threshold}
    hidden = set(primary)
    row_published = [row_totals] * n_rows
    col_published = [col_totals] * n_cols

    def vertex(kind: str, index: int) -> str:
        published = row_published[index] if kind == "r" else col_published[index]
        return f"{kind}{index}" if published else "free"

    def protect_line(kind: str, index: int) -> None:
        """Hide the smallest positive visible cell of a line, or else hide its total."""
        cells = (
            [(index, c) for c in range(n_cols)]
            if kind == "r"
            else [(r, index) for r in range(n_rows)]
        )
        candidates = [cell for cell in cells if cell not in hidden and rows[cell[0]][cell[1]] > 0]
        if candidates:
            hidden.add(min(candidates, key=lambda cell: (rows[cell[0]][cell[1]], cell)))
        elif kind == "r":
            row_published[index] = False
        else:
            col_published[index] = False

    while True:
        ordered = sorted(hidden)
        edges = [(vertex("r", r), vertex("c", c)) for r, c in ordered]
        bridges = _bridges(edges)
        if not bridges:
            break
        # Fix the first bridge: prefer its row, then its column (whichever is published).
        r, c = ordered[min(bridges)]
        if row_published[r]:
            protect_line("r", r)
        else:
            protect_line("c", c)

    cells = tuple(
        tuple(None if (r, c) in hidden else rows[r][c] for c in range(n_cols))
        for r in range(n_rows)
    )
    return SuppressedTable(
        cells=cells,
        row_totals=(
            tuple(sum(rows[r]) if row_published[r] else None for r in range(n_rows))
            if row_totals
            else None
        ),
        col_totals=(
            tuple(
                sum(rows[r][c] for r in range(n_rows)) if col_published[c] else None
                for c in range(n_cols)
            )
            if col_totals
            else None
        ),
        primary=frozenset(primary),
        complementary=frozenset(hidden - primary),
    )


def suppress_counts(counts: Sequence[int], threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """A one-row distribution (answers per option) published with its total."""
    return suppress([list(counts)], threshold, row_totals=True, col_totals=False)
