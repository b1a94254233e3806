"""Reading a OneRoster CSV export (a folder or a .zip) into header-normalised tables.

Real exports are messy; this reader is forgiving where the standard lets it be (a BOM,
header case and spaces, CR/LF line ends, blank lines) and strict where it is not (UTF-8 text,
the required columns). Problems are :class:`Problem` values (``FILE:LINE: message``), never
exceptions, so that one run reports every problem of a file set.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The files this importer reads; demographics.csv and the others are ignored.
KNOWN_FILES = (
    "manifest.csv",
    "orgs.csv",
    "academicSessions.csv",
    "courses.csv",
    "classes.csv",
    "users.csv",
    "roles.csv",
    "enrollments.csv",
)
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PROBLEMS = 50


@dataclass(frozen=True, order=True)
class Problem:
    """One problem of the input, shown as ``FILE:LINE: message`` (the header is line 1)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def problem_lines(problems: list[Problem], cap: int = MAX_PROBLEMS) -> list[str]:
    """The problems as lines, the first ``cap`` of them and then "and N more"."""
    lines = [str(p) for p in problems[:cap]]
    if len(problems) > cap:
        extra = len(problems) - cap
        lines.append(ngettext("and %(n)d more", "and %(n)d more", extra) % {"n": extra})
    return lines


class RosterInputError(Exception):
    """The export could not be read at all (not a folder, not a zip, …)."""


def files_from_path(path: Path) -> dict[str, bytes]:
    """The known files of a folder or a .zip, by their canonical name (matched regardless of
    case; a zip may keep them in one sub-folder)."""
    if path.is_dir():
        found = {p.name: p for p in path.iterdir() if p.is_file()}
        return _pick({name: p.read_bytes for name, p in found.items()})
    if path.is_file():
        return files_from_zip(path.read_bytes())
    raise RosterInputError(_("%(path)s: no such file or folder") % {"path": path})


def files_from_zip(content: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise RosterInputError(_("The file is not a .zip archive or a folder.")) from exc
    readers: dict[str, Callable[[], bytes]] = {}
    for info in archive.infolist():
        if info.is_dir() or info.file_size > MAX_FILE_BYTES:
            continue
        name = PurePosixPath(info.filename).name
        if name.startswith("._"):  # macOS resource forks
            continue
        readers[name] = functools.partial(archive.read, info)
    return _pick(readers)


def _pick(readers: Mapping[str, Callable[[], bytes]]) -> dict[str, bytes]:
    canonical = {n.lower(): n for n in KNOWN_FILES}
    files: dict[str, bytes] = {}
    for name, read in readers.items():
        key = canonical.get(name.lower())
        if key is not None:
            files[key] = read()
    return files


@dataclass
class Table:
    """The rows of one file: ``(line, {canonical column: stripped value})``."""

    name: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)


def read_table(
    name: str,
    content: bytes,
    *,
    required: tuple[str, ...],
    known: tuple[str, ...],
    problems: list[Problem],
    warnings: list[str],
) -> Table | None:
    """Parse one CSV file. Missing required columns, undecodable bytes and CSV syntax errors
    are problems (then ``None``); unknown and ``metadata.*`` columns are warnings."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, _("not UTF-8 text; save the file as UTF-8 CSV")))
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(Problem(name, line, _("the file contains a NUL character")))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.append(Problem(name, 1, _("cannot be read as CSV: %(e)s") % {"e": exc}))
        return None
    if not header:
        problems.append(Problem(name, 1, _("the file is empty (no header)")))
        return None
    by_lower = {c.lower(): c for c in (*required, *known)}
    columns: list[str] = []
    unknown: list[str] = []
    extensions: list[str] = []
    for raw in header:
        cell = raw.strip().lstrip("\ufeff").strip()
        canonical = by_lower.get(cell.lower())
        if canonical is None:
            (extensions if cell.lower().startswith("metadata.") else unknown).append(cell)
            canonical = ""
        columns.append(canonical)
    absent = [c for c in required if c not in columns]
    if absent:
        for column in absent:
            problems.append(Problem(name, 1, _("missing required column %(c)s") % {"c": column}))
        return None
    if unknown:
        warnings.append(
            _("%(file)s: unknown columns ignored: %(cols)s")
            % {"file": name, "cols": ", ".join(c or '""' for c in unknown)}
        )
    if extensions:
        warnings.append(
            _("%(file)s: extension columns ignored: %(cols)s")
            % {"file": name, "cols": ", ".join(extensions)}
        )
    table = Table(name=name, columns={c for c in columns if c})
    try:
        for record in reader:
            line = reader.line_num
            if not any(v.strip() for v in record):
                continue
            row = {c: v.strip() for c, v in zip(columns, record, strict=False) if c}
            table.rows.append((line, row))
    except csv.Error as exc:
        problems.append(
            Problem(name, reader.line_num, _("cannot be read as CSV: %(e)s") % {"e": exc})
        )
        return None
    return table
