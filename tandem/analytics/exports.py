"""CSV and Excel files of dashboard tables. Text that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) is prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from .presentation import SUPPRESSED, DisplayTable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return SUPPRESSED
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
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def table_xlsx(table: DisplayTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.key[:31]
    sheet.append([str(table.caption)])
    sheet.append([_cell(h) for h in table.headers])
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
