"""Survey results as tables for CSV and Excel (the shape and writers of
``tandem.core.exports``). The tables carry exactly what the results page shows: counts
hidden there stay hidden (``<10``), averages under the threshold stay out, and free text
only when the page shows it to this viewer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.core.exports import DisplayTable

from .models import SCALE_BOUNDS, QuestionType
from .selectors import QuestionResult, SurveyResults

HIDDEN = "<10"  # as on the page


def _mean(value: float | None) -> object:
    return "—" if value is None else value


def summary_table(results: SurveyResults) -> DisplayTable:
    """One row per question: answers, average (or the outcome rate), NPS. Empty when the page
    shows no results (an anonymous survey under its minimum)."""
    rows = []
    for r in results.questions if results.visible else []:
        has_mean = r.type in SCALE_BOUNDS or r.type == QuestionType.NUMBER
        outcome = r.key == "status-outcome"
        rows.append(
            (
                r.text,
                r.answered,
                _mean(r.mean) if has_mean and not outcome else "",
                _mean(r.mean) if outcome else "",
                _mean(r.nps) if r.type == QuestionType.NPS else "",
            )
        )
    return DisplayTable(
        "summary",
        _("Results by question"),
        (_("Question"), _("Answers"), _("Average"), _("Outcome rate (%)"), "NPS"),
        tuple(rows),
        mark=HIDDEN,
    )


def question_table(results: SurveyResults, result: QuestionResult) -> DisplayTable | None:
    """The table beside one question on the page, or ``None`` when the page shows none."""
    if not results.visible:
        return None
    key = result.key
    if result.labels:
        return DisplayTable(
            key, result.text, (_("Answer"), _("Count")), tuple(result.rows), mark=HIDDEN
        )
    if result.skills:
        return DisplayTable(
            key,
            result.text,
            (_("Skill"), _("Ratings"), _("Average (1–5)")),
            tuple((skill, n, _mean(mean)) for skill, n, mean in result.skills),
            mark=HIDDEN,
        )
    if result.type == QuestionType.TEXT and result.texts is not None:
        return DisplayTable(
            key, result.text, (_("Answer"),), tuple((t,) for t in result.texts), mark=HIDDEN
        )
    return None
