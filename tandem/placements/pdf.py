"""A fully signed learning agreement as a PDF (reportlab, as the analytics review report):
the content the parties signed and the signature record — names, roles, times and the
content's SHA-256 — rendered once, when the last signature is recorded, and stored privately.

The built-in Helvetica covers Latin-1 text; characters outside it print as blanks.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import AgreementSection, SignerRole


def _p(text: Any, style: Any) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(
    headers: list[str], rows: list[list[Any]], styles: Any, widths: list[float] | None = None
) -> Table:
    body = styles["BodyText"]
    data = [[_p(h, styles["Heading6"]) for h in headers]]
    data += [[_p(v, body) for v in row] for row in rows]
    table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=widths)
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


def section_lines(content: dict[str, Any]) -> list[tuple[str, str]]:
    """(heading, text) for each section of ``content`` but the objectives, in the template's
    order: what the page, the e-mails and the PDF show."""
    sections = content.get("sections") or []
    out: list[tuple[str, str]] = []
    for key in sections:
        if key == AgreementSection.DATES:
            text = f"{content.get('start_date') or '…'} – {content.get('end_date') or '…'}"
        elif key == AgreementSection.HOURS:
            parts = []
            if content.get("required_hours"):
                parts.append(_("%(h)s hours required") % {"h": content["required_hours"]})
            if content.get("hours_per_week"):
                parts.append(_("%(h)s hours a week") % {"h": content["hours_per_week"]})
            text = "; ".join(parts) or "—"
        elif key == AgreementSection.OBJECTIVES:
            continue
        else:
            text = str(content.get(key) or "—")
        out.append((str(AgreementSection(key).label), text))
    return out


def agreement_pdf(agreement: Any, signatures: list[Any]) -> bytes:
    """Render a fully signed :class:`~tandem.placements.models.LearningAgreement` version and
    its ``signatures`` as PDF bytes."""
    styles = getSampleStyleSheet()
    h1, h2, body = styles["Title"], styles["Heading2"], styles["BodyText"]
    c = agreement.content
    out = io.BytesIO()
    title = _("Learning agreement: %(name)s") % {"name": c.get("student", "")}
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    story: list[Any] = [
        _p(title, h1),
        _p(
            _("%(title)s, version %(v)d") % {"title": c.get("title", ""), "v": agreement.version},
            body,
        ),
        _p(_("Student: %(name)s") % {"name": c.get("student", "")}, body),
        _p(_("Institution: %(name)s") % {"name": c.get("institution", "")}, body),
        _p(
            _("Host: %(host)s — %(opp)s")
            % {"host": c.get("host", ""), "opp": c.get("opportunity")},
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    if AgreementSection.OBJECTIVES in (c.get("sections") or []):
        story.append(_p(_("Learning objectives"), h2))
        rows = [
            [
                o.get("text", ""),
                (o.get("outcome") or {}).get("text", "—"),
                ", ".join(s.get("label", "") for s in o.get("skills") or []) or "—",
            ]
            for o in c.get("objectives") or []
        ]
        if rows:
            story.append(
                _table([_("Objective"), _("Program outcome"), _("ESCO skills")], rows, styles)
            )
        else:
            story.append(_p(_("No objectives."), body))
    for heading, text in section_lines(c):
        story += [_p(heading, h2), _p(text, body)]
    story.append(_p(_("Signature record"), h2))
    story.append(
        _table(
            [_("Step"), _("Role"), _("Signed by"), _("Signed at (UTC)"), _("Content SHA-256")],
            [
                [
                    s.step + 1,
                    SignerRole(s.role).label,
                    s.signer_name,
                    s.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    s.content_hash,
                ]
                for s in signatures
            ],
            styles,
            widths=[12 * mm, 34 * mm, 44 * mm, 36 * mm, 48 * mm],
        )
    )
    story.append(
        _p(
            _("Every signature above covers the content whose SHA-256 is %(hash)s.")
            % {"hash": agreement.content_hash},
            body,
        )
    )
    doc.build(story)
    return out.getvalue()
