"""Small-cell suppression: property tests against an independent linear-programming check.

For every suppressed cell, the smallest and largest value it can take, given every published
cell and total and that counts are non-negative, must differ: nobody can recompute it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tandem.surveys.suppression import suppress, suppress_counts


def value_range(table, result, cell):
    """(min, max) of ``cell`` over non-negative tables agreeing with everything published."""
    hidden = sorted(result.suppressed)
    index = {c: i for i, c in enumerate(hidden)}
    rows, cols = len(table), len(table[0])
    a_eq, b_eq = [], []
    for r in range(rows):
        if result.row_totals is not None and result.row_totals[r] is not None:
            coeffs = np.zeros(len(hidden))
            known = 0
            for c in range(cols):
                if (r, c) in index:
                    coeffs[index[(r, c)]] = 1
                else:
                    known += table[r][c]
            a_eq.append(coeffs)
            b_eq.append(result.row_totals[r] - known)
    for c in range(cols):
        if result.col_totals is not None and result.col_totals[c] is not None:
            coeffs = np.zeros(len(hidden))
            known = 0
            for r in range(rows):
                if (r, c) in index:
                    coeffs[index[(r, c)]] = 1
                else:
                    known += table[r][c]
            a_eq.append(coeffs)
            b_eq.append(result.col_totals[c] - known)
    objective = np.zeros(len(hidden))
    objective[index[cell]] = 1
    kwargs = {"bounds": [(0, None)] * len(hidden), "method": "highs"}
    if a_eq:
        kwargs.update(A_eq=np.array(a_eq), b_eq=np.array(b_eq))
    low = linprog(objective, **kwargs)
    high = linprog(-objective, **kwargs)
    assert low.status == 0
    upper = np.inf if high.status == 3 else -high.fun
    return low.fun, upper


tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 12), st.integers(0, 60)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.booleans(), st.booleans())
def test_no_suppressed_cell_can_be_recomputed(table, row_totals, col_totals):
    result = suppress(table, 10, row_totals=row_totals, col_totals=col_totals)
    for cell in result.suppressed:
        low, high = value_range(table, result, cell)
        assert high - low >= 1 - 1e-6, (table, cell, low, high)


@settings(max_examples=300, deadline=None)
@given(tables, st.booleans(), st.booleans())
def test_cells_not_suppressed_are_untouched_and_small_cells_hidden(table, row_totals, col_totals):
    result = suppress(table, 10, row_totals=row_totals, col_totals=col_totals)
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if (r, c) in result.suppressed:
                assert result.cells[r][c] is None
                assert value > 0  # zeros describe nobody and are never hidden
            else:
                assert result.cells[r][c] == value
                assert value == 0 or value >= 10
    # Published totals are the true totals.
    if result.row_totals is not None:
        for r, total in enumerate(result.row_totals):
            assert total is None or total == sum(table[r])


def test_one_row_distribution_hides_a_second_cell():
    result = suppress_counts([3, 25, 40, 12, 0])
    assert result.cells == ((None, 25, 40, None, 0),)
    assert result.row_totals == (80,)
    assert result.primary == {(0, 0)} and result.complementary == {(0, 3)}


def test_nothing_small_nothing_hidden():
    assert suppress_counts([10, 0, 30]).cells == ((10, 0, 30),)


def test_lone_small_cell_hides_its_total():
    result = suppress_counts([4, 0, 0])
    assert result.cells == ((None, 0, 0),)
    assert result.row_totals == (None,)


def test_bridge_between_two_blocks_is_protected():
    table = [[5, 5, 50, 50], [5, 5, 50, 50], [50, 50, 5, 5], [50, 50, 5, 5]]
    result = suppress(table)
    for cell in result.suppressed:
        low, high = value_range(table, result, cell)
        assert high - low >= 1


def test_rejects_ragged_or_negative_tables():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress([[-1]])


def test_suppression_imports_no_django():
    import subprocess
    import sys

    code = (
        "import sys, tandem.surveys.suppression; "
        "sys.exit(any(m.startswith('django') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
