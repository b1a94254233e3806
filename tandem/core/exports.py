"""Tables as Tandem shows and exports them: dashboards, the partnership review report,
partnership health and survey results all build a :class:`DisplayTable` and export it here
as CSV or Excel.
Text that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) is prefixed with an apostrophe; suppressed (``None``) cells keep the table's mark."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from openpyxl import Workbook

SUPPRESSED = "*"


@dataclass(frozen=True)
class DisplayTable:
    """A table as shown and exported: ``None`` cells are suppressed (shown as ``mark``)."""

    key: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    mark: str = SUPPRESSED


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any, mark: str = SUPPRESSED) -> Any:
    if value is None:
        return mark
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_csv(table: DisplayTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_cell(v, table.mark) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def table_xlsx(table: DisplayTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.key[:31]
    sheet.append([_cell(str(table.caption))])  # captions can hold user text (question text)
    sheet.append([_cell(h) for h in table.headers])
    for row in table.rows:
        sheet.append([_cell(v, table.mark) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_response(table: DisplayTable, fmt: str, name: str) -> HttpResponse:
    """``table`` as a CSV or Excel download named ``name.fmt``; 404 for another format."""
    if fmt not in FORMATS:
        raise Http404
    if fmt == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv")
    else:
        response = HttpResponse(table_xlsx(table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def table_download(tables: Iterable[DisplayTable], key: str, fmt: str, name: str) -> HttpResponse:
    """The table named ``key`` among ``tables`` (a page's tables) as :func:`table_response`;
    404 when the page shows no such table to this viewer."""
    table = next((t for t in tables if t.key == key), None)
    if table is None:
        raise Http404
    return table_response(table, fmt, name)
