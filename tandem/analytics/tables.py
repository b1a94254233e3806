"""Outcome tables and the funnel, with small-group suppression (pure Python, no Django).

Each application falls in exactly one *outcome* by its current stage, so a table of
(group × outcome) counts is a partition that :func:`tandem.surveys.suppression.suppress`
can protect. The funnel (applied → offered → placed → completed) is built from the
table's column totals, so it never publishes a number the table hides.

Extra care beyond :func:`suppress`, because several tables share their column totals:

* a column total hidden in one table is hidden in every table of the dashboard;
* when any column total is hidden, every row total is hidden too (otherwise the sum of the
  row totals minus the published column totals would give the hidden one back);
* the grand total is published only when every row and column total is published;
* groups (rows) smaller than the threshold are merged into one "other" row, and totals that
  are small groups themselves are hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from tandem.surveys.suppression import DEFAULT_THRESHOLD, suppress

OUTCOMES: tuple[str, ...] = (
    "in_progress",
    "not_selected",
    "offer_pending",
    "offer_declined",
    "placed",
    "completed",
)
STAGE_OUTCOME: dict[str, str] = {
    "submitted": "in_progress",
    "under_review": "in_progress",
    "shortlisted": "in_progress",
    "interview": "in_progress",
    "rejected": "not_selected",
    "withdrawn": "not_selected",
    "offer": "offer_pending",
    "declined": "offer_declined",
    "accepted": "placed",
    "placed": "placed",
    "completed": "completed",
}
FUNNEL_STEPS: tuple[str, ...] = ("applied", "offered", "placed", "completed")
# Which outcome columns make up each funnel step (applied is the grand total).
_FUNNEL_COLUMNS = {
    "offered": ("offer_pending", "offer_declined", "placed", "completed"),
    "placed": ("placed", "completed"),
    "completed": ("completed",),
}


@dataclass(frozen=True)
class OutcomeRow:
    key: str
    cells: tuple[int | None, ...]
    total: int | None


@dataclass(frozen=True)
class OutcomeTable:
    """Counts per group and outcome; ``None`` where suppressed."""

    rows: tuple[OutcomeRow, ...]
    totals: tuple[int | None, ...]
    grand_total: int | None


@dataclass(frozen=True)
class FunnelStep:
    key: str
    count: int | None
    rate: float | None  # share of the previous step, in %


def group_counts(rows: Iterable[tuple[str, str, int]]) -> dict[str, list[int]]:
    """(group, stage, count) rows → group → counts per outcome (unknown stages ignored)."""
    table: dict[str, list[int]] = {}
    for group, stage, count in rows:
        outcome = STAGE_OUTCOME.get(stage)
        if outcome is None:
            continue
        cells = table.setdefault(group or "", [0] * len(OUTCOMES))
        cells[OUTCOMES.index(outcome)] += count
    return table


OTHER = "__other__"


def _small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def _suppressed(counts: Mapping[str, Sequence[int]], threshold: int) -> OutcomeTable:
    """Groups smaller than ``threshold`` are merged into one :data:`OTHER` row first; totals
    that are still small groups are hidden after :func:`suppress` has protected the cells."""
    keys = sorted(k for k, v in counts.items() if sum(v) >= threshold)
    matrix = [list(counts[k]) for k in keys]
    small = [counts[k] for k, v in counts.items() if 0 < sum(v) < threshold]
    if small:
        keys.append(OTHER)
        matrix.append([sum(col) for col in zip(*small, strict=True)])
    if not matrix:
        return OutcomeTable((), tuple(0 for _ in OUTCOMES), 0)
    result = suppress(matrix, threshold)
    assert result.row_totals is not None and result.col_totals is not None
    rows = tuple(
        OutcomeRow(key, result.cells[i], None if _small(t, threshold) else t)
        for i, (key, t) in enumerate(zip(keys, result.row_totals, strict=True))
    )
    totals = tuple(None if _small(t, threshold) else t for t in result.col_totals)
    return OutcomeTable(rows, totals, sum(sum(r) for r in matrix))


def _finish(table: OutcomeTable, hidden_columns: set[int]) -> OutcomeTable:
    totals = tuple(None if i in hidden_columns else t for i, t in enumerate(table.totals))
    rows = table.rows
    if hidden_columns:
        rows = tuple(replace(r, total=None) for r in rows)
    all_published = not hidden_columns and all(r.total is not None for r in rows)
    return OutcomeTable(rows, totals, table.grand_total if all_published else None)


def outcome_tables(
    groupings: Mapping[str, Mapping[str, Sequence[int]]], threshold: int = DEFAULT_THRESHOLD
) -> dict[str, OutcomeTable]:
    """Suppress several tables over the same applications consistently (see module doc)."""
    raw = {name: _suppressed(counts, threshold) for name, counts in groupings.items()}
    hidden = {i for t in raw.values() for i, total in enumerate(t.totals) if total is None}
    return {name: _finish(t, hidden) for name, t in raw.items()}


def funnel(table: OutcomeTable, threshold: int = DEFAULT_THRESHOLD) -> tuple[FunnelStep, ...]:
    """The funnel from a (suppressed) table's totals; a step is hidden when any column it
    needs is hidden, when it is a small group, and so are the rates that use it."""
    counts: dict[str, int | None] = {"applied": table.grand_total}
    for step, columns in _FUNNEL_COLUMNS.items():
        values = [table.totals[OUTCOMES.index(c)] for c in columns]
        counts[step] = None if any(v is None for v in values) else sum(v or 0 for v in values)
    for step, value in counts.items():
        if value is not None and 0 < value < threshold:
            counts[step] = None
    steps: list[FunnelStep] = []
    previous: int | None = None
    for i, step in enumerate(FUNNEL_STEPS):
        value = counts[step]
        rate = None
        if i > 0 and value is not None and previous:
            rate = round(100 * value / previous, 1)
        steps.append(FunnelStep(step, value, rate))
        previous = value
    return tuple(steps)
