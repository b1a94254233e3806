"""One reader for the CSV files users upload to a service (course completions, program
completion dates): size limit, UTF-8, a header of named columns, numbered rows with a cap.

Every failure that concerns the whole file is a :class:`DomainError` on the ``file`` field;
problems of single rows are ``(line, message)`` pairs the caller collects (the header is
line 1) and shows with :func:`line_message`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError

LineErrors = list[tuple[int, str]]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_of(text: str, index: int) -> int:
    """The line (1-based) of ``text[index]``; CRLF, LF and CR-only line ends alike."""
    return len(_LINE_BREAK.findall(text, 0, index)) + 1


def line_message(number: int, message: str) -> str:
    """A file error as the pages list them: "Line 3: …" (the header is line 1)."""
    return _("Line %(n)d: %(message)s") % {"n": number, "message": message}


@dataclass
class ImportResult:
    """What a CSV upload did: rows already so (``skipped``) and bad rows by line. Each
    import adds its own count of rows written."""

    skipped: int = 0
    errors: LineErrors = field(default_factory=list)


def past_date(value: str) -> tuple[date | None, str]:
    """A completion-style date cell: an ISO date that is not in the future. Returns the date
    and ``""``, or ``None`` and the message for the row's error."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None, _("completed_on is not a date (YYYY-MM-DD).")
    if day > timezone.localdate():
        return None, _("The completion date is in the future.")
    return day, ""


def nothing_recorded(errors: LineErrors) -> DomainError:
    """The error for a file none of whose rows could be recorded: its first 50 line errors."""
    return DomainError(
        _("No row of the file could be recorded."),
        fields={"file": [line_message(n, m) for n, m in errors[:50]]},
        code="no_rows",
    )


class CsvUpload:
    """An uploaded CSV file, checked on creation (size, UTF-8, the ``columns`` it needs,
    else :class:`DomainError`). Iterating yields ``(line, row)`` for each non-blank row,
    with lower-case column names and stripped values; past ``max_rows`` rows it adds a
    "More than … rows." error for that line to ``errors`` and stops.

    Line ends may be CRLF, LF or CR alone ("CSV (Macintosh)"). A NUL character (PostgreSQL
    cannot store it), a field over the CSV module's 128 KB limit, or a quoting error is a
    :class:`DomainError` naming the line — at creation or while iterating."""

    def __init__(
        self, content: bytes, *, columns: Sequence[str], max_rows: int, errors: LineErrors
    ) -> None:
        if len(content) > settings.UPLOAD_MAX_BYTES:
            message = _("The file is too large: the limit is %(limit)s.") % {
                "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)
            }
            raise DomainError(message, fields={"file": [message]})
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DomainError(
                _("The file is not UTF-8 text."),
                fields={"file": [_("Save the file as UTF-8 CSV.")]},
            ) from exc
        nul = text.find("\x00")
        if nul >= 0:
            raise _unreadable(line_of(text, nul), _("the file contains a NUL character."))
        # newline="": the csv module splits records itself, at CRLF, LF or a bare CR.
        self._reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            fieldnames = self._reader.fieldnames
        except csv.Error as exc:
            raise _unreadable(self._reader.reader.line_num, str(exc)) from exc
        header = [(h or "").strip().lower() for h in (fieldnames or [])]
        absent = [c for c in columns if c not in header]
        if absent:
            message = _("Missing columns: %(cols)s.") % {"cols": ", ".join(absent)}
            raise DomainError(
                message, fields={"file": [line_message(1, message)]}, code="bad_header"
            )
        self._reader.fieldnames = header
        self.max_rows = max_rows
        self.errors = errors

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            yield from self._rows()
        except csv.Error as exc:
            raise _unreadable(self._reader.reader.line_num, str(exc)) from exc

    def _rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        for line, raw in enumerate(self._reader, start=2):
            if line - 1 > self.max_rows:
                self.errors.append((line, _("More than %(n)d rows.") % {"n": self.max_rows}))
                return
            row = {k: (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
            if any(row.values()):
                yield line, row


def _unreadable(line: int, reason: str) -> DomainError:
    message = _("The file cannot be read as CSV: %(reason)s") % {"reason": reason}
    return DomainError(
        message, fields={"file": [line_message(max(line, 1), message)]}, code="unreadable"
    )
