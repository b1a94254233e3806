"""The partnership review report as a PDF (reportlab: pure Python, no system packages).

The built-in Helvetica covers Latin-1 text; characters outside it print as blanks.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .presentation import reason_lines


def _p(text: Any, style: Any) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _table(headers: list[str], rows: list[list[Any]], styles: Any) -> Table:
    body = styles["BodyText"]
    data = [[_p(h, styles["Heading6"]) for h in headers]]
    data += [[_p("*" if v is None else v, body) for v in row] for row in rows]
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _d(value: Any) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def review_pdf(report: Any) -> bytes:
    """Render a :class:`tandem.analytics.selectors.ReviewReport` as PDF bytes."""
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    p = report.partnership
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=_("Partnership review: %(title)s") % {"title": p.title},
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    h1, h2, body = styles["Title"], styles["Heading2"], styles["BodyText"]
    story: list[Any] = [
        _p(p.title, h1),
        _p(_("Partnership review report, %(date)s") % {"date": _d(report.today)}, body),
        _p(_("Institutions: %(names)s") % {"names": ", ".join(report.institutions)}, body),
        _p(_("Industry partners: %(names)s") % {"names": ", ".join(report.partners)}, body),
        _p(_("Next review: %(date)s") % {"date": _d(p.next_review_date)}, body),
        Spacer(1, 4 * mm),
        _p(_("Health"), h2),
    ]
    if report.health.score is None:
        story.append(_p(_("Not enough data for a score yet."), body))
    else:
        story.append(_p(_("Score %(score)s of 100") % {"score": report.health.score}, body))
    reasons = [
        {"component": r.component, "code": r.code, "params": r.params, "score": r.score}
        for r in report.health.reasons
    ]
    for line in reason_lines(reasons):
        story.append(_p(f"{line['label']}: {line['text']}", body))

    story.append(_p(_("Objectives and KPIs"), h2))
    if report.kpis:
        story.append(
            _table(
                [_("Objective"), _("KPI"), _("Baseline"), _("Target"), _("Latest"), _("Status")],
                [
                    [k.objective, k.name, *k.numbers, k.status_label]
                    for k in report.kpis
                ],
                styles,
            )
        )  # fmt: skip
    else:
        story.append(_p(_("No KPIs yet."), body))

    story.append(_p(_("Commitments"), h2))
    if report.commitments:
        story.append(
            _table(
                [_("Organization"), _("Commitment"), _("Promised"), _("Delivered"), "%"],
                [
                    [c.organization, f"{c.kind}: {c.description}", c.promised_text,
                     c.delivered_text, c.percent]
                    for c in report.commitments
                ],
                styles,
            )
        )  # fmt: skip
    else:
        story.append(_p(_("No commitments recorded."), body))

    story.append(_p(_("Survey results"), h2))
    if report.survey_results:
        story.append(
            _table(
                [_("Survey"), _("Question"), _("Mean (1–5)"), _("Responses")],
                [[r.survey, r.question, r.mean, r.responses] for r in report.survey_results],
                styles,
            )
        )
        story.append(_p(_("* fewer than 10 responses: hidden to protect small groups."), body))
    else:
        story.append(_p(_("No survey answers about this partnership yet."), body))

    if report.highlights is not None:
        story.append(_p(_("Highlights from comments"), h2))
        for text in report.highlights or [_("No comments yet.")]:
            story.append(_p(f"“{text}”", body))

    story.append(_p(_("Open action items"), h2))
    if report.actions:
        story.append(
            _table(
                [_("Action"), _("Owner"), _("Due")],
                [[a.description, a.owner or "—", _d(a.due_date)] for a in report.actions],
                styles,
            )
        )
    else:
        story.append(_p(_("No open action items."), body))
    doc.build(story)
    return out.getvalue()
