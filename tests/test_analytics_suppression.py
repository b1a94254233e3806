"""Small-group suppression of the dashboard tables and funnel, checked against an independent
linear program (no database).

The checker knows nothing of the suppression algorithm. It takes the applications as a
three-way table (sector × program × outcome) of unknown non-negative counts, adds every
number the dashboard shows as an equation (shown cells, row totals, column totals, grand
total and funnel steps, in both tables), and asks scipy's LP solver for the smallest and
largest value each hidden number can take. A hidden number whose range is a single point
could be recomputed by a reader; none may be.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tandem.analytics import tables
from tandem.surveys.suppression import suppress, suppress_shared_margins

THRESHOLD = 10
N_OUT = len(tables.OUTCOMES)
FUNNEL_COLUMNS = {
    step: [tables.OUTCOMES.index(c) for c in tables._FUNNEL_COLUMNS.get(step, tables.OUTCOMES)]
    for step in tables.FUNNEL_STEPS
}


# --- the independent checker ------------------------------------------------------------------
class Knowledge:
    """Linear equations over unknown non-negative counts, and the expressions to bound."""

    def __init__(self, n_vars: int) -> None:
        self.n = n_vars
        self.rows: list[np.ndarray] = []
        self.rhs: list[float] = []
        self.hidden: list[tuple[str, np.ndarray, int]] = []

    def expr(self, indices) -> np.ndarray:
        v = np.zeros(self.n)
        for i in indices:
            v[i] += 1
        return v

    def add(self, label, indices, shown, true_value) -> None:
        v = self.expr(indices)
        if shown is None:
            self.hidden.append((label, v, true_value))
        else:
            assert shown == true_value, label  # a shown number is the true number
            self.rows.append(v)
            self.rhs.append(shown)

    def ranges(self):
        kwargs = {"bounds": [(0, None)] * self.n, "method": "highs"}
        if self.rows:
            kwargs.update(A_eq=np.array(self.rows), b_eq=np.array(self.rhs))
        for label, v, true_value in self.hidden:
            low = linprog(v, **kwargs)
            high = linprog(-v, **kwargs)
            assert low.status == 0, label
            upper = np.inf if high.status == 3 else -high.fun
            yield label, low.fun, upper, true_value


def assert_nothing_recomputable(knowledge: Knowledge) -> None:
    for label, low, high, true_value in knowledge.ranges():
        assert low - 1e-6 <= true_value <= high + 1e-6, label
        assert high - low >= 1 - 1e-6, (label, low, high)


# --- a dashboard from a three-way table -----------------------------------------------------
def board(cube: np.ndarray, sector_order=None, program_order=None):
    """counts by sector and program from ``cube[s, p, o]``, suppressed like the dashboard."""
    n_s, n_p, _ = cube.shape
    sector_order = sector_order or list(range(n_s))
    program_order = program_order or list(range(n_p))
    by_sector = {f"s{s}": [int(x) for x in cube[s].sum(axis=0)] for s in sector_order}
    by_program = {f"p{p}": [int(x) for x in cube[:, p].sum(axis=0)] for p in program_order}
    result = tables.outcome_tables({"sector": by_sector, "program": by_program}, THRESHOLD)
    return result, tables.funnel(result["sector"], THRESHOLD)


def members(table: tables.OutcomeTable, prefix: str, totals: np.ndarray) -> dict[str, list[int]]:
    """Which original groups each shown row holds (the OTHER row merges the small ones)."""
    out = {}
    for row in table.rows:
        if row.key == tables.OTHER:
            out[row.key] = [g for g, t in enumerate(totals) if 0 < t < THRESHOLD]
        else:
            out[row.key] = [int(row.key.removeprefix(prefix))]
    return out


def knowledge_of(cube: np.ndarray, result, steps) -> Knowledge:
    n_s, n_p, n_o = cube.shape
    index = np.arange(cube.size).reshape(cube.shape)
    k = Knowledge(cube.size)
    sector_members = members(result["sector"], "s", cube.sum(axis=(1, 2)))
    program_members = members(result["program"], "p", cube.sum(axis=(0, 2)))
    listed_s = {s for group in sector_members.values() for s in group}
    listed_p = {p for group in program_members.values() for p in group}
    # Groups not listed at all are empty, and a reader may assume so.
    for s, p, o in itertools.product(range(n_s), range(n_p), range(n_o)):
        if s not in listed_s or p not in listed_p:
            k.add("absent", [index[s, p, o]], 0, int(cube[s, p, o]))
    for name, groups, axis in (
        ("sector", sector_members, 0),
        ("program", program_members, 1),
    ):
        table = result[name]
        for row in table.rows:
            sel = groups[row.key]
            for o in range(n_o):
                ids = (index[sel, :, o] if axis == 0 else index[:, sel, o]).ravel()
                true = int(cube.ravel()[ids].sum())
                k.add((name, row.key, o), ids, row.cells[o], true)
            ids = (index[sel] if axis == 0 else index[:, sel]).ravel()
            k.add((name, row.key, "total"), ids, row.total, int(cube.ravel()[ids].sum()))
        for o in range(n_o):
            ids = index[:, :, o].ravel()
            k.add((name, "total", o), ids, table.totals[o], int(cube[:, :, o].sum()))
        k.add((name, "grand"), index.ravel(), table.grand_total, int(cube.sum()))
    for step in steps:
        ids = index[:, :, FUNNEL_COLUMNS[step.key]].ravel()
        k.add(("funnel", step.key), ids, step.count, int(cube.ravel()[ids].sum()))
    return k


def shown_numbers(result, steps):
    for table in result.values():
        for row in table.rows:
            yield from row.cells
            yield row.total
        yield from table.totals
        yield table.grand_total
    for step in steps:
        yield step.count


def hidden_count(result, steps) -> int:
    return sum(1 for v in shown_numbers(result, steps) if v is None)


counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(0, 12), st.integers(0, 40))


@st.composite
def cubes(draw, max_sectors=4, max_programs=3):
    n_s = draw(st.integers(1, max_sectors))
    n_p = draw(st.integers(1, max_programs))
    values = draw(st.lists(counts, min_size=n_s * n_p * N_OUT, max_size=n_s * n_p * N_OUT))
    return np.array(values, dtype=int).reshape(n_s, n_p, N_OUT)


def assert_no_small_hidden_sum(hidden_by_line) -> None:
    """In a line whose total is shown, the total minus the shown numbers is the sum of the
    hidden ones: it must not be a small group either."""
    for label, values in hidden_by_line:
        assert sum(values) == 0 or sum(values) >= THRESHOLD, (label, values)


def dashboard_lines(cube, result):
    for name, axis in (("sector", 0), ("program", 1)):
        table = result[name]
        groups = members(table, name[0], cube.sum(axis=(1, 2) if axis == 0 else (0, 2)))
        true_rows = []
        for row in table.rows:
            part = cube[groups[row.key]] if axis == 0 else cube[:, groups[row.key]]
            true = [int(x) for x in part.sum(axis=(0, 1))]
            true_rows.append(true)
            if row.total is not None:
                yield (
                    (name, row.key),
                    [t for t, v in zip(true, row.cells, strict=True) if v is None],
                )
        for o, total in enumerate(table.totals):
            if total is not None:
                hidden = [
                    t[o]
                    for t, row in zip(true_rows, table.rows, strict=True)
                    if row.cells[o] is None
                ]
                yield (name, "column", o), hidden
        if table.grand_total is not None:
            hidden = [
                sum(t) for t, row in zip(true_rows, table.rows, strict=True) if row.total is None
            ]
            yield (name, "row totals"), hidden
            hidden = [int(cube[:, :, o].sum()) for o, v in enumerate(table.totals) if v is None]
            yield (name, "column totals"), hidden


# --- properties across the funnel, the sector table and the program table ---------------------
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cubes())
def test_no_shown_number_is_a_small_group(cube):
    result, steps = board(cube)
    for value in shown_numbers(result, steps):
        assert value is None or value == 0 or value >= THRESHOLD
    assert_no_small_hidden_sum(dashboard_lines(cube, result))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cubes())
def test_no_hidden_number_can_be_recomputed_from_all_three_tables(cube):
    result, steps = board(cube)
    assert_nothing_recomputable(knowledge_of(cube, result, steps))


@settings(max_examples=60, deadline=None)
@given(cubes(), st.randoms(use_true_random=False))
def test_result_is_deterministic_whatever_the_input_order(cube, rnd):
    first = board(cube)
    sectors, programs = list(range(cube.shape[0])), list(range(cube.shape[1]))
    rnd.shuffle(sectors)
    rnd.shuffle(programs)
    assert board(cube, sectors, programs) == first
    assert board(cube) == first


big = st.one_of(st.just(0), st.integers(THRESHOLD, 200))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.data())
def test_nothing_is_hidden_when_nothing_is_small(n_s, n_p, data):
    values = data.draw(st.lists(big, min_size=n_s * n_p * N_OUT, max_size=n_s * n_p * N_OUT))
    cube = np.array(values, dtype=int).reshape(n_s, n_p, N_OUT)
    result, steps = board(cube)
    assert hidden_count(result, steps) == 0
    assert all(row.key != tables.OTHER for t in result.values() for row in t.rows)


# --- one table on its own (surveys, or a dashboard with a single grouping) -------------------
matrices = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
)


def table_knowledge(table, result, grand_published=True) -> Knowledge:
    rows, cols = len(table), len(table[0])
    k = Knowledge(rows * cols)

    def at(r, c):
        return r * cols + c

    for r, c in itertools.product(range(rows), range(cols)):
        k.add((r, c), [at(r, c)], result.cells[r][c], table[r][c])
    for r in range(rows):
        if result.row_totals is not None:
            k.add(("row", r), [at(r, c) for c in range(cols)], result.row_totals[r], sum(table[r]))
    for c in range(cols):
        if result.col_totals is not None:
            true = sum(row[c] for row in table)
            k.add(("col", c), [at(r, c) for r in range(rows)], result.col_totals[c], true)
    if grand_published:
        k.add("grand", range(rows * cols), result.grand_total, sum(map(sum, table)))
    return k


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices)
def test_single_table_with_all_totals(table):
    (result,) = suppress_shared_margins([table], THRESHOLD)
    shown = [v for row in result.cells for v in row]
    shown += [*(result.row_totals or ()), *(result.col_totals or ()), result.grand_total]
    assert all(v is None or v == 0 or v >= THRESHOLD for v in shown)
    assert_nothing_recomputable(table_knowledge(table, result))
    assert suppress_shared_margins([table], THRESHOLD) == (result,)
    lines = []
    for r, row in enumerate(table):
        if result.row_totals[r] is not None:
            lines.append((r, [v for v, s in zip(row, result.cells[r], strict=True) if s is None]))
    for c, total in enumerate(result.col_totals):
        if total is not None:
            lines.append(
                (c, [row[c] for row, s in zip(table, result.cells, strict=True) if s[c] is None])
            )
    if result.grand_total is not None:
        lines.append(
            (
                "rows",
                [sum(row) for row, t in zip(table, result.row_totals, strict=True) if t is None],
            )
        )
        cols = [sum(row[c] for row in table) for c, t in enumerate(result.col_totals) if t is None]
        lines.append(("cols", cols))
    assert_no_small_hidden_sum(lines)
    if all(v == 0 or v >= THRESHOLD for row in table for v in row):
        assert None not in shown


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices, st.booleans(), st.booleans())
def test_suppress_with_and_without_totals_agrees_with_the_checker(table, rows, cols):
    result = suppress(table, THRESHOLD, row_totals=rows, col_totals=cols)
    assert_nothing_recomputable(table_knowledge(table, result, grand_published=rows or cols))


# --- examples -----------------------------------------------------------------------------
def test_one_row_and_one_column_tables():
    (row,) = suppress_shared_margins([[[3, 25, 40, 12, 0]]])
    # A single row is its own column totals: the 3 needs a partner (12), and the column
    # totals — the same numbers — go with them; the grand total stays.
    assert row.cells == ((None, 25, 40, None, 0),)
    assert row.col_totals == (None, 25, 40, None, 0)
    assert row.row_totals == (80,) and row.grand_total == 80
    (column,) = suppress_shared_margins([[[3], [25], [40], [12], [0]]])
    assert [c[0] for c in column.cells] == [None, 25, 40, None, 0]
    assert column.row_totals == (None, 25, 40, None, 0)
    assert column.col_totals == (80,) and column.grand_total == 80


def test_complement_is_the_smallest_cell_that_protects():
    (result,) = suppress_shared_margins([[[50, 3, 40, 20], [60, 30, 45, 11], [70, 80, 90, 100]]])
    # The 3 needs a cycle of hidden cells: the cheapest is the rectangle through its row
    # partner 20, the 11 below that and its column partner 30 (61 in all; through 40 and 45
    # it would cost 115). No total is hidden.
    assert result.cells == ((50, None, 40, None), (60, None, 45, None), (70, 80, 90, 100))
    assert result.row_totals == (113, 146, 340)
    assert result.grand_total == 599


def test_two_tables_cannot_be_differenced():
    """Sector totals minus the other shown sectors must not give a hidden sector cell back,
    even though the program table shows every cell of that column."""
    sector = {"a": [40, 3, 20], "b": [30, 9, 25]}
    program = {"x": [70, 12, 45]}
    result = tables.outcome_tables({"sector": sector, "program": program})
    # The column total 12 is shown (it is the program table's only cell there): the two
    # small sector cells protect each other in their column, and the rows need one more
    # hidden pair, the cheaper one (20 + 25 rather than 40 + 30).
    s = result["sector"]
    assert [(r.cells, r.total) for r in s.rows] == [((40, None, None), 63), ((30, None, None), 64)]
    assert s.totals == (70, 12, 45) and s.grand_total == 127
    assert result["program"].rows[0].cells == (70, 12, 45)
    cube = np.zeros((2, 1, 3), dtype=int)
    cube[0, 0], cube[1, 0] = sector["a"], sector["b"]
    padded = np.zeros((2, 1, N_OUT), dtype=int)
    padded[:, :, :3] = cube
    result, steps = board(padded)
    assert_nothing_recomputable(knowledge_of(padded, result, steps))


def test_more_than_two_tables_are_refused():
    with pytest.raises(ValueError):
        suppress_shared_margins([[[1]], [[1]], [[1]]])
    with pytest.raises(ValueError):
        suppress_shared_margins([[[1, 2]], [[2, 1]]])  # different column totals


# --- a realistic small institution ----------------------------------------------------------
SMALL_INSTITUTION = {
    # in progress, not selected, offer pending, declined, placed, completed, hired
    "sector": {
        "technology": [14, 9, 2, 1, 6, 3, 1],
        "health_care": [8, 6, 1, 0, 4, 2, 0],
        "manufacturing": [5, 3, 0, 0, 2, 1, 0],
        "education": [2, 1, 0, 0, 1, 0, 0],
        "finance": [3, 2, 1, 0, 0, 0, 0],
    },
    "program": {
        "Computing": [15, 10, 2, 1, 6, 3, 1],
        "Nursing": [10, 6, 1, 0, 4, 2, 0],
        "Engineering": [7, 5, 1, 0, 3, 1, 0],
    },
}


def test_small_institution_sees_its_grand_total_and_row_totals():
    result = tables.outcome_tables(SMALL_INSTITUTION)
    sector, program = result["sector"], result["program"]
    assert sector.grand_total == program.grand_total == 78
    assert [(r.key, r.total) for r in sector.rows] == [
        ("health_care", 21),
        ("manufacturing", 11),
        ("technology", 36),
        (tables.OTHER, 10),  # education 4 + finance 6
    ]
    assert [(r.key, r.total) for r in program.rows] == [
        ("Computing", 38),
        ("Engineering", 17),
        ("Nursing", 23),
    ]
    # The big outcome columns stay; the small ones (4, 1, 6, 1) are hidden in both tables.
    assert sector.totals == program.totals == (32, 21, None, None, 13, None, None)
    steps = [(s.key, s.count) for s in tables.funnel(sector)]
    # "offered" is the grand total minus the two shown columns before the offer.
    assert steps[:2] == [("applied", 78), ("offered", 25)]


def test_dashboard_sized_tables_are_fast():
    rnd = random.Random(5)
    sector = {
        f"s{i}": [rnd.choice([0, 1, 2, 5, 9, 12, 30]) for _ in range(N_OUT)] for i in range(40)
    }
    columns = [sum(v[c] for v in sector.values()) for c in range(N_OUT)]
    program = {"p0": columns}
    import time

    start = time.perf_counter()
    result = tables.outcome_tables({"sector": sector, "program": program})
    elapsed = time.perf_counter() - start
    assert result["sector"].grand_total == sum(columns)
    assert elapsed < 2.0  # typically a few milliseconds; generous for a shared CI machine


def test_worked_example_in_the_docs():
    """docs/analytics.md, "Small groups": the two tables shown there."""
    sector = {"technology": [40, 3, 20], "health_care": [30, 9, 25]}
    result = tables.outcome_tables({"sector": sector, "program": {"x": [70, 12, 45]}})
    s = result["sector"]
    assert [(r.key, r.cells, r.total) for r in s.rows] == [
        ("health_care", (30, None, None), 64),
        ("technology", (40, None, None), 63),
    ]
    assert (s.totals, s.grand_total) == ((70, 12, 45), 127)
    sector["other"] = [2, 0, 1]
    result = tables.outcome_tables({"sector": sector, "program": {"x": [72, 12, 46]}})
    s = result["sector"]
    assert [(r.key, r.cells, r.total) for r in s.rows] == [
        ("health_care", (None, None, None), 64),
        ("technology", (40, None, None), None),
        (tables.OTHER, (None, 0, None), None),
    ]
    assert (s.totals, s.grand_total) == ((72, 12, 46), 130)
    assert result["program"].rows[0].cells == (72, 12, 46)
