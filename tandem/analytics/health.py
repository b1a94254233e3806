"""Partnership health score: a pure function, importable without Django.

The score (0–100) is a weighted mean of four components, each scored 0–1:

=================  ======  =========================================================
Component          Weight  Score
=================  ======  =========================================================
KPIs               40      on track = 1, at risk = ½, off track = 0, averaged over
                           KPIs with data (KPIs without measurements are left out)
Engagement         20      last communication entry ≤ 30 days ago = 1, ≥ 120 days = 0,
                           linear in between; no entry at all = 0
Feedback           20      mean 1–5 agreement answer mapped to 0–1 ((mean − 1) / 4),
                           only with ≥ 10 responses (fewer: left out)
Commitments        20      delivered ÷ promised (capped at 1) averaged over commitments
                           that are due (due date passed, or no due date)
=================  ======  =========================================================

A component without data is left out and the others are re-weighted; with no component at
all the score is ``None``. Bands: ``healthy`` ≥ 70, ``watch`` 50–69, ``at_risk`` < 50.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WEIGHTS: dict[str, int] = {"kpis": 40, "engagement": 20, "feedback": 20, "commitments": 20}
KPI_SCORES = {"on_track": 1.0, "at_risk": 0.5, "off_track": 0.0}
RECENT_DAYS = 30
STALE_DAYS = 120
MIN_FEEDBACK_RESPONSES = 10
HEALTHY_FROM = 70
AT_RISK_BELOW = 50

HEALTHY, WATCH, AT_RISK, UNKNOWN = "healthy", "watch", "at_risk", "unknown"


@dataclass(frozen=True)
class CommitmentProgress:
    promised: Decimal
    delivered: Decimal
    due_date: date | None


@dataclass(frozen=True)
class HealthInputs:
    today: date
    kpi_statuses: tuple[str, ...] = ()
    last_contact: date | None = None
    feedback_mean: Decimal | None = None
    feedback_responses: int = 0
    commitments: tuple[CommitmentProgress, ...] = ()


@dataclass(frozen=True)
class Reason:
    """Why a component scored what it did: ``code`` plus ``params`` (rendered with gettext
    by the web layer), ``score`` 0–1 or ``None`` when left out, and its ``weight``."""

    component: str
    code: str
    params: dict[str, str | int]
    score: float | None
    weight: int

    @property
    def points(self) -> int | None:
        """Points out of ``weight`` (before re-weighting)."""
        return None if self.score is None else round(self.score * self.weight)


@dataclass(frozen=True)
class Health:
    score: int | None
    band: str
    reasons: tuple[Reason, ...]


def band_for(score: int | None) -> str:
    if score is None:
        return UNKNOWN
    if score >= HEALTHY_FROM:
        return HEALTHY
    if score >= AT_RISK_BELOW:
        return WATCH
    return AT_RISK


def _kpis(statuses: tuple[str, ...]) -> Reason:
    scored = [KPI_SCORES[s] for s in statuses if s in KPI_SCORES]
    counts = {s: sum(1 for x in statuses if x == s) for s in (*KPI_SCORES, "no_data")}
    params: dict[str, str | int] = {k: v for k, v in counts.items()}
    if not scored:
        return Reason("kpis", "kpis_no_data", params, None, WEIGHTS["kpis"])
    return Reason("kpis", "kpis", params, sum(scored) / len(scored), WEIGHTS["kpis"])


def _engagement(last_contact: date | None, today: date) -> Reason:
    if last_contact is None:
        return Reason("engagement", "engagement_none", {}, 0.0, WEIGHTS["engagement"])
    days = max((today - last_contact).days, 0)
    if days <= RECENT_DAYS:
        score = 1.0
    elif days >= STALE_DAYS:
        score = 0.0
    else:
        score = (STALE_DAYS - days) / (STALE_DAYS - RECENT_DAYS)
    return Reason("engagement", "engagement", {"days": days}, score, WEIGHTS["engagement"])


def _feedback(mean: Decimal | None, responses: int) -> Reason:
    if mean is None or responses < MIN_FEEDBACK_RESPONSES:
        return Reason("feedback", "feedback_too_few", {}, None, WEIGHTS["feedback"])
    score = min(max((float(mean) - 1) / 4, 0.0), 1.0)
    params: dict[str, str | int] = {"mean": f"{Decimal(mean):.2f}", "responses": responses}
    return Reason("feedback", "feedback", params, score, WEIGHTS["feedback"])


def _commitments(items: tuple[CommitmentProgress, ...], today: date) -> Reason:
    due = [c for c in items if c.promised > 0 and (c.due_date is None or c.due_date <= today)]
    if not due:
        return Reason("commitments", "commitments_none_due", {}, None, WEIGHTS["commitments"])
    ratios = [min(float(c.delivered / c.promised), 1.0) for c in due]
    complete = sum(1 for r in ratios if r >= 1.0)
    params: dict[str, str | int] = {"due": len(due), "complete": complete}
    return Reason(
        "commitments", "commitments", params, sum(ratios) / len(ratios), WEIGHTS["commitments"]
    )


def score(inputs: HealthInputs) -> Health:
    """The health of one partnership on ``inputs.today``."""
    reasons = (
        _kpis(inputs.kpi_statuses),
        _engagement(inputs.last_contact, inputs.today),
        _feedback(inputs.feedback_mean, inputs.feedback_responses),
        _commitments(inputs.commitments, inputs.today),
    )
    counted = [r for r in reasons if r.score is not None]
    if not counted:
        return Health(None, UNKNOWN, reasons)
    total_weight = sum(r.weight for r in counted)
    value = round(100 * sum(r.weight * (r.score or 0.0) for r in counted) / total_weight)
    return Health(value, band_for(value), reasons)


def turned_at_risk(previous_band: str | None, band: str) -> bool:
    """True when a partnership crosses into ``at_risk`` (from any other band or no record)."""
    return band == AT_RISK and previous_band != AT_RISK
