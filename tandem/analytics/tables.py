"""Outcome tables and the funnel, with small-group suppression (pure Python, no Django).

Each application falls in exactly one *outcome* by its current stage, so a table of
(group × outcome) counts is a partition. The dashboard shows two such tables over the same
applications (by sector, by program); they share their column totals (applications per
outcome) and their grand total, and the funnel (applied → offered → placed → completed) is
made of those shared totals. Protection, in order:

1. groups (rows) smaller than the threshold are merged into one :data:`OTHER` row;
2. both tables go together through
   :func:`tandem.surveys.suppression.suppress_shared_margins`: every number from 1 to
   threshold − 1 is hidden (cells, row totals, column totals, grand total; zeros are shown),
   then the cheapest further numbers are hidden until no hidden number can be recomputed
   from the shown ones — within a table or across the two, since a shared total is hidden in
   both tables or in neither;
3. a funnel step is shown only when it follows from the shown column totals and grand total
   (the sum of its columns, or the grand total minus the other columns), so it tells nothing
   the tables do not; a step that is itself from 1 to threshold − 1 is hidden as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tandem.surveys.data import DEFAULT_THRESHOLD, suppress_shared_margins

HIRED = "hired"
OUTCOMES: tuple[str, ...] = (
    "in_progress",
    "not_selected",
    "offer_pending",
    "offer_declined",
    "placed",
    "completed",
    "hired",
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
    # Not an application stage: a completed application whose recorded outcome is a hire.
    HIRED: "hired",
}
FUNNEL_STEPS: tuple[str, ...] = ("applied", "offered", "placed", "completed", "hired")
# Which outcome columns make up each funnel step (applied: all of them, the grand total).
_FUNNEL_COLUMNS = {
    "offered": ("offer_pending", "offer_declined", "placed", "completed", "hired"),
    "placed": ("placed", "completed", "hired"),
    "completed": ("completed", "hired"),
    "hired": ("hired",),
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


def _merge_small_groups(
    counts: Mapping[str, Sequence[int]], threshold: int
) -> tuple[list[str], list[list[int]]]:
    """Groups of ``threshold`` or more in key order, then the smaller ones as :data:`OTHER`
    (empty groups are left out)."""
    keys = sorted(k for k, v in counts.items() if sum(v) >= threshold)
    matrix = [list(counts[k]) for k in keys]
    small = [counts[k] for k in sorted(counts) if 0 < sum(counts[k]) < threshold]
    if small:
        keys.append(OTHER)
        matrix.append([sum(col) for col in zip(*small, strict=True)])
    return keys, matrix


def outcome_tables(
    groupings: Mapping[str, Mapping[str, Sequence[int]]], threshold: int = DEFAULT_THRESHOLD
) -> dict[str, OutcomeTable]:
    """Suppress one or two groupings of the same applications together (see module doc).

    Every grouping must count the same applications (equal column totals); more than two
    raise ``ValueError`` (see :func:`tandem.surveys.suppression.suppress_shared_margins`)."""
    merged = {name: _merge_small_groups(counts, threshold) for name, counts in groupings.items()}
    if not any(matrix for _, matrix in merged.values()):
        empty = OutcomeTable((), tuple(0 for _ in OUTCOMES), 0)
        return {name: empty for name in groupings}
    results = suppress_shared_margins([matrix for _, matrix in merged.values()], threshold)
    tables: dict[str, OutcomeTable] = {}
    for (name, (keys, _)), result in zip(merged.items(), results, strict=True):
        assert result.row_totals is not None and result.col_totals is not None
        rows = tuple(
            OutcomeRow(key, cells, total)
            for key, cells, total in zip(keys, result.cells, result.row_totals, strict=True)
        )
        tables[name] = OutcomeTable(rows, result.col_totals, result.grand_total)
    return tables


def _step_count(table: OutcomeTable, columns: Sequence[int]) -> int | None:
    """A sum of columns when it follows from the shown column totals and grand total."""
    totals = table.totals
    if all(totals[c] is not None for c in columns):
        return sum(totals[c] or 0 for c in columns)
    rest = [c for c in range(len(totals)) if c not in columns]
    if table.grand_total is not None and all(totals[c] is not None for c in rest):
        return table.grand_total - sum(totals[c] or 0 for c in rest)
    return None


def funnel(table: OutcomeTable, threshold: int = DEFAULT_THRESHOLD) -> tuple[FunnelStep, ...]:
    """The funnel from a (suppressed) table's shown totals (see module doc); a rate is shown
    when both counts it divides are."""
    steps: list[FunnelStep] = []
    previous: int | None = None
    for i, step in enumerate(FUNNEL_STEPS):
        names = _FUNNEL_COLUMNS.get(step, OUTCOMES)  # applied: every outcome
        value = _step_count(table, [OUTCOMES.index(c) for c in names])
        if _small(value, threshold):
            value = None
        rate = None
        if i > 0 and value is not None and previous:
            rate = round(100 * value / previous, 1)
        steps.append(FunnelStep(step, value, rate))
        previous = value
    return tuple(steps)
