"""KPI status from a measurement history: a pure function, importable without Django.

Rules (documented in docs/partnerships.md):

* Expected progress is interpolated linearly from ``baseline`` on ``start_date`` to
  ``target`` on ``due_date`` and evaluated on the date of the latest measurement.
* Actual progress is ``(latest value - baseline) / (target - baseline)``: the share of the
  distance from baseline to target covered so far. The division by the signed distance makes
  the same rule work for targets below the baseline (e.g. reduce dropout from 12 % to 8 %).
* Shortfall is expected progress minus actual progress (both as fractions of the distance).

  - target reached (actual progress >= 100 %) → ``on_track``
  - latest measurement after the due date and target not reached → ``off_track``
  - shortfall <= 10 percentage points → ``on_track``
  - shortfall <= 25 percentage points → ``at_risk``
  - otherwise → ``off_track``
* No measurement yet → ``no_data``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

NO_DATA = "no_data"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"

ON_TRACK_MAX_SHORTFALL = Decimal("0.10")
AT_RISK_MAX_SHORTFALL = Decimal("0.25")


@dataclass(frozen=True)
class Measurement:
    """One reading of a KPI on a date."""

    on: date
    value: Decimal


@dataclass(frozen=True)
class KPIAssessment:
    """The outcome of :func:`assess_kpi`; progress values are fractions (1 = 100 %)."""

    status: str
    latest: Measurement | None = None
    expected_progress: Decimal | None = None
    actual_progress: Decimal | None = None


def expected_progress(*, start_date: date, due_date: date, on: date) -> Decimal:
    """Share of the baseline→target distance expected to be covered on ``on`` (0…1)."""
    if on <= start_date:
        return Decimal(0)
    if on >= due_date:
        return Decimal(1)
    span = (due_date - start_date).days
    return Decimal((on - start_date).days) / Decimal(span)


def actual_progress(*, baseline: Decimal, target: Decimal, value: Decimal) -> Decimal:
    """Share of the baseline→target distance covered by ``value`` (may be < 0 or > 1)."""
    distance = target - baseline
    if distance == 0:
        return Decimal(1) if value == target else Decimal(0)
    return (value - baseline) / distance


def assess_kpi(
    *,
    baseline: Decimal,
    target: Decimal,
    start_date: date,
    due_date: date,
    measurements: Iterable[Measurement],
) -> KPIAssessment:
    """Status of a KPI from its measurements (the latest one by date decides)."""
    latest: Measurement | None = None
    for m in measurements:
        if latest is None or m.on >= latest.on:
            latest = m
    if latest is None:
        return KPIAssessment(status=NO_DATA)
    expected = expected_progress(start_date=start_date, due_date=due_date, on=latest.on)
    actual = actual_progress(
        baseline=Decimal(baseline), target=Decimal(target), value=Decimal(latest.value)
    )
    if actual >= 1:
        status = ON_TRACK
    elif latest.on > due_date:
        status = OFF_TRACK
    else:
        shortfall = expected - actual
        if shortfall <= ON_TRACK_MAX_SHORTFALL:
            status = ON_TRACK
        elif shortfall <= AT_RISK_MAX_SHORTFALL:
            status = AT_RISK
        else:
            status = OFF_TRACK
    return KPIAssessment(
        status=status, latest=latest, expected_progress=expected, actual_progress=actual
    )
