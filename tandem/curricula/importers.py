"""Parse uploaded job postings: CSV (title, description, date, sector, region[, occupation])
or schema.org ``JobPosting`` JSON-LD. No Django: returns rows and line-numbered errors.

Errors: :func:`parse` raises ``ValueError`` for a file that cannot be read at all (not UTF-8,
a NUL character — PostgreSQL cannot store it —, an unknown extension); anything wrong inside a
readable file (a CSV quoting error or a field over 128 KB, malformed or too deeply nested
JSON, a bad row) is a :class:`LineError` of the result. No other exception escapes, whatever
the bytes (fuzzed in ``tests/test_core_file_parsers_fuzz.py``)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

REQUIRED_COLUMNS = ("title", "description", "date", "sector", "region")
OPTIONAL_COLUMNS = ("occupation",)
MAX_ROWS = 200_000
LIMITS = {"title": 300, "sector": 100, "region": 100, "occupation": 200, "description": 50_000}


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    title: str
    description: str
    date: date | None
    sector: str
    region: str
    occupation: str


@dataclass(frozen=True, slots=True)
class LineError:
    line: int  # CSV line number (header = 1) or JSON-LD item number (1-based); 0 = whole file
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass(frozen=True, slots=True)
class Parsed:
    rows: tuple[Row, ...]
    errors: tuple[LineError, ...]


def _parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError as exc:
        raise ValueError(f"date {value[:40]!r} is not an ISO date (YYYY-MM-DD)") from exc


def _row(line: int, fields: dict[str, Any]) -> Row:
    clean: dict[str, str] = {}
    for key in ("title", "description", "sector", "region", "occupation"):
        value = fields.get(key) or ""
        if not isinstance(value, str):
            raise ValueError(f"{key} must be text")
        value = " ".join(value.split()) if key != "description" else value.strip()
        if len(value) > LIMITS[key]:
            raise ValueError(f"{key} is longer than {LIMITS[key]} characters")
        clean[key] = value
    if not clean["title"]:
        raise ValueError("title is empty")
    raw_date = fields.get("date") or ""
    if not isinstance(raw_date, str):
        raise ValueError("date must be text")
    return Row(line=line, date=_parse_date(raw_date), **clean)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("the file is not UTF-8 text") from exc
    nul = text.find("\x00")
    if nul >= 0:
        line = len(_LINE_BREAK.findall(text, 0, nul)) + 1
        raise ValueError(f"line {line}: the file contains a NUL character")
    return text


def parse_csv(text: str) -> Parsed:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        return Parsed((), (LineError(max(reader.reader.line_num, 1), f"unreadable CSV: {exc}"),))
    header = [h.strip().lower() for h in (fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return Parsed((), (LineError(1, f"missing column(s): {', '.join(missing)}"),))
    reader.fieldnames = header
    rows: list[Row] = []
    errors: list[LineError] = []
    try:
        for record in reader:
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                errors.append(
                    LineError(line, f"more than {MAX_ROWS} postings; the rest is left out")
                )
                break
            if None in record:
                errors.append(LineError(line, "more values than columns"))
                continue
            if all(not (v or "").strip() for v in record.values()):
                continue
            try:
                rows.append(_row(line, record))
            except ValueError as exc:
                errors.append(LineError(line, str(exc)))
    except csv.Error as exc:
        errors.append(LineError(reader.reader.line_num, f"unreadable CSV: {exc}"))
    return Parsed(tuple(rows), tuple(errors))


def _text(value: Any) -> str:
    """The text of a JSON-LD value: a string, a node's ``name``/``@value``, a list's first.
    A loop, not recursion: nesting as deep as the JSON parser accepts must not overflow."""
    while True:
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            value = value.get("name") or value.get("@value") or ""
        elif isinstance(value, list) and value:
            value = value[0]
        else:
            return ""


def _region(location: Any) -> str:
    if isinstance(location, list):
        location = location[0] if location else {}
    if not isinstance(location, dict):
        return ""
    address = location.get("address")
    if isinstance(address, dict):
        return _text(address.get("addressRegion") or address.get("addressLocality") or "")
    return _text(location.get("name") or "")


def parse_jsonld(text: str) -> Parsed:
    """One JobPosting object, a list of them, or a document with an ``@graph``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Parsed((), (LineError(exc.lineno, f"malformed JSON: {exc.msg}"),))
    except RecursionError:
        return Parsed((), (LineError(1, "malformed JSON: nested too deeply"),))
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        items: list[Any] = data["@graph"]
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    rows: list[Row] = []
    errors: list[LineError] = []
    for n, item in enumerate(items[: MAX_ROWS + 1], start=1):
        if n > MAX_ROWS:
            errors.append(LineError(n, f"more than {MAX_ROWS} postings; the rest is left out"))
            break
        kind = item.get("@type") if isinstance(item, dict) else None
        kinds = kind if isinstance(kind, list) else [kind]
        if "JobPosting" not in kinds:
            errors.append(LineError(n, "not a schema.org JobPosting"))
            continue
        assert isinstance(item, dict)
        try:
            rows.append(
                _row(
                    n,
                    {
                        "title": _text(item.get("title") or item.get("name") or ""),
                        "description": _text(item.get("description") or ""),
                        "date": _text(item.get("datePosted") or ""),
                        "sector": _text(item.get("industry") or ""),
                        "region": _region(item.get("jobLocation")),
                        "occupation": _text(item.get("occupationalCategory") or ""),
                    },
                )
            )
        except ValueError as exc:
            errors.append(LineError(n, str(exc)))
    return Parsed(tuple(rows), tuple(errors))


def parse(filename: str, content: bytes) -> tuple[str, Parsed]:
    """(format, parsed) by file name: ``.csv`` or ``.json``/``.jsonld``."""
    text = decode(content)
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv", parse_csv(text)
    if name.endswith((".json", ".jsonld")):
        return "jsonld", parse_jsonld(text)
    raise ValueError("upload a .csv or a .json/.jsonld file")
