"""The hours report as CSV or Excel (openpyxl)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .selectors import ReportRow


def _header() -> list[str]:
    return [
        _("Student"),
        _("Program"),
        _("Partner"),
        _("Placement"),
        _("Approved hours"),
        _("Hours waiting"),
        _("Required hours"),
    ]


def _cells(row: ReportRow) -> list[str]:
    return [
        row.student,
        row.program,
        row.partner,
        row.opportunity,
        str(row.approved),
        str(row.waiting),
        "" if row.required is None else str(row.required),
    ]


def _safe(value: str) -> str:
    """Spreadsheet formula injection: a leading =, +, - or @ is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def csv_response(rows: list[ReportRow]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header())
    for row in rows:
        writer.writerow([_safe(c) for c in _cells(row)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="placement-hours.csv"'
    return response


def xlsx_response(rows: list[ReportRow]) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Hours"
    sheet.append(_header())
    for row in rows:
        cells: list[object] = [_safe(c) for c in _cells(row)[:4]]
        cells += [float(row.approved), float(row.waiting)]
        cells.append(float(row.required) if row.required is not None else None)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="placement-hours.xlsx"'
    return response
