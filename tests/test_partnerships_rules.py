"""Pure rules: the lifecycle map and the KPI status function (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tandem.partnerships import lifecycle
from tandem.partnerships.kpi_status import (
    AT_RISK,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    Measurement,
    assess_kpi,
    expected_progress,
)

START = date(2026, 1, 1)
DUE = date(2026, 11, 28)  # 331 days later
MID = START + timedelta(days=(DUE - START).days // 2)


def status(baseline, target, value, on=MID, *, history=()):
    measurements = [*history, Measurement(on=on, value=Decimal(value))]
    return assess_kpi(
        baseline=Decimal(baseline),
        target=Decimal(target),
        start_date=START,
        due_date=DUE,
        measurements=measurements,
    ).status


def test_lifecycle_map_is_documented_shape():
    assert lifecycle.allowed_next("proposed") == {"negotiating", "concluded"}
    assert lifecycle.allowed_next("negotiating") == {"active", "concluded"}
    assert lifecycle.allowed_next("active") == {"under_review"}
    assert lifecycle.allowed_next("under_review") == {"renewed", "concluded"}
    assert lifecycle.allowed_next("renewed") == {"under_review", "concluded"}
    assert lifecycle.allowed_next("concluded") == frozenset()
    assert not lifecycle.is_allowed("active", "proposed")
    assert not lifecycle.is_allowed("bogus", "active")


def test_no_measurement_means_no_data():
    result = assess_kpi(
        baseline=Decimal(0), target=Decimal(10), start_date=START, due_date=DUE, measurements=[]
    )
    assert result.status == NO_DATA
    assert result.latest is None


def test_expected_progress_is_linear_and_clamped():
    assert expected_progress(start_date=START, due_date=DUE, on=START) == 0
    assert expected_progress(start_date=START, due_date=DUE, on=START - timedelta(days=3)) == 0
    assert expected_progress(start_date=START, due_date=DUE, on=DUE) == 1
    assert expected_progress(start_date=START, due_date=DUE, on=DUE + timedelta(days=9)) == 1
    halfway = expected_progress(
        start_date=date(2026, 1, 1), due_date=date(2026, 1, 11), on=date(2026, 1, 6)
    )
    assert halfway == Decimal("0.5")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", ON_TRACK),  # 50 % covered, ~50 % expected
        ("8.5", ON_TRACK),  # shortfall ~7.5 points
        ("7", AT_RISK),  # shortfall ~15 points
        ("5.2", AT_RISK),  # shortfall ~24 points
        ("4", OFF_TRACK),  # shortfall ~30 points
        ("-3", OFF_TRACK),  # went the wrong way
        ("25", ON_TRACK),  # beyond target
    ],
)
def test_increasing_target_thresholds(value, expected):
    assert status(0, 20, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", ON_TRACK),  # dropout 12 % → 8 %: halfway is 10 %
        ("10.5", AT_RISK),  # 37.5 % covered, 50 % expected
        ("11.5", OFF_TRACK),  # 12.5 % covered
        ("12.5", OFF_TRACK),  # got worse
        ("7", ON_TRACK),  # below target already
    ],
)
def test_reverse_target_below_baseline(value, expected):
    assert status(12, 8, value) == expected


def test_latest_measurement_decides_not_the_order_given():
    history = [Measurement(on=MID + timedelta(days=10), value=Decimal(19))]
    # The later reading (19 of 20) decides even though the earlier one is passed last.
    assert status(0, 20, "1", on=MID, history=history) == ON_TRACK


def test_after_due_date_short_of_target_is_off_track():
    assert status(0, 20, "19", on=DUE + timedelta(days=1)) == OFF_TRACK
    assert status(0, 20, "20", on=DUE + timedelta(days=1)) == ON_TRACK
    assert status(12, 8, "8", on=DUE + timedelta(days=30)) == ON_TRACK


def test_at_start_anything_not_backwards_enough_is_on_track():
    assert status(0, 20, "0", on=START) == ON_TRACK
    assert status(0, 20, "-1", on=START) == ON_TRACK  # 5 points behind: within tolerance
    assert status(0, 20, "-4", on=START) == AT_RISK
