"""Turn stored health reasons (codes and parameters) into sentences in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.exports import DisplayTable
from tandem.organizations.models import Sector

from . import tables


def component_label(component: str) -> str:
    labels = {
        "kpis": _("KPIs"),
        "engagement": _("Engagement"),
        "feedback": _("Feedback"),
        "commitments": _("Commitments"),
    }
    return labels.get(component, component)


def reason_text(reason: dict[str, Any]) -> str:
    """One sentence explaining a component's score."""
    code = reason.get("code")
    p = reason.get("params") or {}
    if code == "kpis":
        return _(
            "%(on)s KPIs on track, %(risk)s at risk, %(off)s off track (%(none)s without data)."
        ) % {
            "on": p.get("on_track", 0),
            "risk": p.get("at_risk", 0),
            "off": p.get("off_track", 0),
            "none": p.get("no_data", 0),
        }
    if code == "kpis_no_data":
        return _("No KPI has a measurement yet; left out of the score.")
    if code == "engagement":
        days = int(p.get("days", 0))
        return ngettext(
            "Last communication entry %(days)s day ago.",
            "Last communication entry %(days)s days ago.",
            days,
        ) % {"days": days}
    if code == "engagement_none":
        return _("No meeting, call, decision or note recorded yet.")
    if code == "feedback":
        return _("Mean agreement %(mean)s of 5 from %(responses)s responses.") % {
            "mean": p.get("mean"),
            "responses": p.get("responses"),
        }
    if code == "feedback_too_few":
        return _("Fewer than 10 survey responses; left out of the score.")
    if code == "commitments":
        return _("%(complete)s of %(due)s due commitments fully delivered.") % {
            "complete": p.get("complete"),
            "due": p.get("due"),
        }
    if code == "commitments_none_due":
        return _("No commitment is due yet; left out of the score.")
    return str(code)


def reason_lines(reasons: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reasons ready for a template: label, sentence, points and weight."""
    return [
        {
            "component": r.get("component"),
            "label": component_label(str(r.get("component"))),
            "text": reason_text(r),
            "points": r.get("points"),
            "weight": r.get("weight"),
            "counted": r.get("score") is not None,
        }
        for r in reasons
    ]


# --- dashboard tables: one shape for the page, CSV and Excel (tandem.core.exports) -----------


def outcome_label(outcome: str) -> str:
    labels = {
        "in_progress": _("In progress"),
        "not_selected": _("Not selected or withdrawn"),
        "offer_pending": _("Offer pending"),
        "offer_declined": _("Offer declined"),
        "placed": _("Placed"),
        "completed": _("Completed, no hire recorded"),
        "hired": _("Hired"),
    }
    return labels.get(outcome, outcome)


def funnel_label(step: str) -> str:
    labels = {
        "applied": _("Applied"),
        "offered": _("Offered a place"),
        "placed": _("Placed"),
        "completed": _("Completed"),
        "hired": _("Hired"),
    }
    return labels.get(step, step)


def _group_label(kind: str, key: str) -> str:
    if key == tables.OTHER:
        return _("Other (groups under 10 combined)")
    if kind == "sector":
        return str(dict(Sector.choices).get(key, key or _("Unknown")))
    return key or _("No program recorded")


def _outcome_table(kind: str, caption: str, table: tables.OutcomeTable) -> DisplayTable:
    headers = (
        _("Sector") if kind == "sector" else _("Program"),
        *(outcome_label(o) for o in tables.OUTCOMES),
        _("Total"),
    )
    rows = [(_group_label(kind, r.key), *r.cells, r.total) for r in table.rows]
    rows.append((_("All"), *table.totals, table.grand_total))
    return DisplayTable(kind, caption, headers, tuple(rows))


def _rate_cell(steps: Any, i: int) -> Any:
    """The step's share of the previous one: blank for the first step, "—" after an empty
    step, ``None`` (suppressed) when either count is hidden."""
    if i == 0:
        return ""
    previous, step = steps[i - 1], steps[i]
    if previous.count is None or step.count is None:
        return None
    if previous.count == 0:
        return "—"
    return step.rate


def dashboard_tables(board: Any) -> list[DisplayTable]:
    """Every table of a :class:`tandem.analytics.selectors.Dashboard`, in page order."""
    funnel = DisplayTable(
        "funnel",
        _("From application to hire"),
        (_("Step"), _("Applications"), _("Share of previous step (%)")),
        tuple(
            (funnel_label(s.key), s.count, _rate_cell(board.funnel, i))
            for i, s in enumerate(board.funnel)
        ),
    )
    ratings = DisplayTable(
        "ratings",
        _("Survey ratings by month (mean agreement, 1–5)"),
        (_("Month"), _("Mean"), _("Responses")),
        tuple((p.month.strftime("%Y-%m"), p.mean, p.responses) for p in board.ratings),
    )
    return [
        funnel,
        _outcome_table("sector", _("Outcomes by sector"), board.by_sector),
        _outcome_table("program", _("Outcomes by program"), board.by_program),
        ratings,
    ]


# --- review report and health tables: the same shape, for CSV and Excel ------------------------
def review_tables(report: Any) -> list[DisplayTable]:
    """The tables of a :class:`tandem.analytics.selectors.ReviewReport`, in page order.
    Highlights come only when the report carries them (the viewer may read free text)."""
    kpis = DisplayTable(
        "kpis",
        _("KPIs against targets"),
        (
            _("Objective"),
            _("KPI"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Latest"),
            _("Status"),
            _("Due"),
            _("Measured by"),
        ),
        tuple(
            (
                k.objective,
                k.name,
                k.unit,
                k.baseline,
                k.target,
                "" if k.latest is None else k.latest,
                k.status_label,
                k.due_date,
                k.metric_label,
            )
            for k in report.kpis
        ),
    )
    commitments = DisplayTable(
        "commitments",
        _("Commitments delivered"),
        (
            _("Organization"),
            _("Kind"),
            _("Commitment"),
            _("Promised"),
            _("Delivered"),
            _("Currency"),
            "%",
            _("Due"),
        ),
        tuple(
            (
                c.organization,
                c.kind,
                c.description,
                c.promised,
                c.delivered,
                c.unit,
                c.percent,
                "" if c.due_date is None else c.due_date,
            )
            for c in report.commitments
        ),
    )
    surveys = DisplayTable(
        "surveys",
        _("Mean agreement (1–5) per question"),
        (_("Survey"), _("Question"), _("Mean"), _("Responses")),
        tuple((r.survey, r.question, r.mean, r.responses) for r in report.survey_results),
    )
    result = [kpis, commitments, surveys]
    if report.highlights is not None:
        result.append(
            DisplayTable(
                "highlights",
                _("Highlights from comments"),
                (_("Comment"),),
                tuple((t,) for t in report.highlights),
            )
        )
    return result


def health_tables(reasons: Iterable[dict[str, Any]], trend: Iterable[Any]) -> list[DisplayTable]:
    """The partnership health page's tables: the score's components (``reason_lines``) and
    the daily trend (``HealthSnapshot`` rows)."""
    components = DisplayTable(
        "components",
        _("Components of the score"),
        (_("Component"), _("Points"), _("Weight"), _("Reason")),
        tuple(
            (
                r["label"],
                r["points"] if r["counted"] else "—",
                r["weight"],
                r["text"],
            )
            for r in reasons
        ),
    )
    daily = DisplayTable(
        "trend",
        _("Daily health score"),
        (_("Date"), _("Score"), _("Band")),
        tuple(
            (s.date, "—" if s.score is None else s.score, str(s.get_band_display())) for s in trend
        ),
    )
    return [components, daily]
