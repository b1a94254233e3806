"""Turn stored health reasons (codes and parameters) into sentences in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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
