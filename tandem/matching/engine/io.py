"""Reading markets from JSON or CSV and writing results, with errors that name the place.

JSON market::

    {"students":   [{"id": "s1", "ranking": ["p1", "p2"]}],
     "placements": [{"id": "p1", "capacity": 2, "ranking": ["s1", ["s2", "s3"]]}],
     "couples":    [{"members": ["s4", "s5"], "ranking": [["p1", "p2"], ["p3", "p3"]]}]}

(a nested list in a placement ranking is a tie). CSV market: one file of students, one of
placements, optionally one of couples, each with a header row and then one record a row:

* students: ``id,choice_1,choice_2,…`` — the ranking, best first (blank cells ignored);
* placements: ``id,capacity,rank_1,rank_2,…`` — a cell ``s2|s3`` is a tie;
* couples: ``member_1,member_2,choice_1,…`` — each choice cell ``p1|p2`` (placement of
  member 1, placement of member 2).

JSON scores (optimal assignment)::

    {"mentors": [{"id": "m1", "capacity": 3}],
     "mentees": [{"id": "e1", "institution": "school-a", "priority": true}],
     "scores": [["e1", "m1", 0.82]],
     "constraints": {"max_per_institution": 2, "min_priority_share": 0.3,
                     "priority_scope": "global"}}
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from .model import (
    Constraints,
    Couple,
    Market,
    MarketError,
    Mentee,
    Mentor,
    Placement,
    RankEntry,
    ScoredMarket,
    Student,
)

Where = dict[str, list[str]]


def _read_json(path: str | Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise MarketError(
            f"{path} line {exc.lineno} column {exc.colno}: malformed JSON: {exc.msg}"
        ) from None
    except UnicodeDecodeError as exc:
        raise MarketError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise MarketError(f"{path}: cannot read ({exc.strerror})") from None


def _list_of_str(value: Any, at: str, what: str) -> tuple[str, ...]:
    if type(value) is list:
        try:
            "".join(value)  # a C-speed check that every item is a string
            return tuple(value)
        except TypeError:
            pass
    raise MarketError(f"{at}: {what} must be a list of id strings")


def _record(value: Any, at: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MarketError(f"{at}: expected an object")
    return value


def _id(rec: dict[str, Any], at: str, key: str = "id") -> str:
    v = rec.get(key)
    if not isinstance(v, str) or not v:
        raise MarketError(f"{at}: missing or non-string {key!r}")
    return v


def _capacity(v: Any, at: str, who: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise MarketError(f"{at}: {who} capacity must be a whole number, got {v!r}")
    if v < 0:
        raise MarketError(f"{at}: {who} has negative capacity {v}")
    return v


def market_from_json_data(data: Any, source: str = "input") -> tuple[Market, Where]:
    """Build a :class:`Market` from parsed JSON; errors name ``students[3]`` and its id."""
    root = _record(data, source)
    unknown = set(root) - {"students", "placements", "couples"}
    if unknown:
        raise MarketError(f"{source}: unknown top-level key(s) {sorted(unknown)!r}")
    for key in ("students", "placements"):
        if not isinstance(root.get(key), list):
            raise MarketError(f"{source}: {key!r} must be a list")
    students: list[Student] = []
    ws: list[str] = []
    for i, raw in enumerate(root["students"]):
        at = f"students[{i}]"
        rec = _record(raw, at)
        sid = _id(rec, at)
        at = f"students[{i}] (id {sid!r})"
        students.append(Student(sid, _list_of_str(rec.get("ranking", []), at, "ranking")))
        ws.append(f"{source} students[{i}]")
    placements: list[Placement] = []
    wp: list[str] = []
    for j, raw in enumerate(root["placements"]):
        at = f"placements[{j}]"
        rec = _record(raw, at)
        pid = _id(rec, at)
        at = f"placements[{j}] (id {pid!r})"
        cap = _capacity(rec.get("capacity"), at, f"placement {pid!r}")
        ranking = rec.get("ranking", [])
        if not isinstance(ranking, list):
            raise MarketError(f"{at}: ranking must be a list")
        try:
            "".join(ranking)
            placements.append(Placement(pid, cap, tuple(ranking)))
            wp.append(f"{source} placements[{j}]")
            continue
        except TypeError:
            pass
        entries: list[RankEntry] = []
        for x in ranking:
            if isinstance(x, str):
                entries.append(x)
            elif isinstance(x, list) and x and all(isinstance(y, str) for y in x):
                entries.append(tuple(x))
            else:
                raise MarketError(
                    f"{at}: ranking entries are ids or non-empty lists of tied ids, got {x!r}"
                )
        placements.append(Placement(pid, cap, tuple(entries)))
        wp.append(f"{source} placements[{j}]")
    couples: list[Couple] = []
    wc: list[str] = []
    raw_couples = root.get("couples", [])
    if not isinstance(raw_couples, list):
        raise MarketError(f"{source}: 'couples' must be a list")
    for c, raw in enumerate(raw_couples):
        at = f"couples[{c}]"
        rec = _record(raw, at)
        members = _list_of_str(rec.get("members"), at, "members")
        if len(members) != 2:
            raise MarketError(f"{at}: members must name exactly two students")
        pairs: list[tuple[str, str]] = []
        ranking = rec.get("ranking", [])
        if not isinstance(ranking, list):
            raise MarketError(f"{at}: ranking must be a list of placement pairs")
        for x in ranking:
            if not (isinstance(x, list) and len(x) == 2 and all(isinstance(y, str) for y in x)):
                raise MarketError(f"{at}: ranking entry {x!r} is not a pair of placement ids")
            pairs.append((x[0], x[1]))
        couples.append(Couple((members[0], members[1]), tuple(pairs)))
        wc.append(f"{source} couples[{c}] ({members[0]}+{members[1]})")
    market = Market(tuple(students), tuple(placements), tuple(couples))
    return market, {"students": ws, "placements": wp, "couples": wc}


def load_market_json(path: str | Path) -> tuple[Market, Where]:
    return market_from_json_data(_read_json(path), str(path))


def _csv_rows(path: str | Path) -> list[tuple[int, list[str]]]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            rows = []
            for row in reader:
                rows.append((reader.line_num, [c.strip() for c in row]))
    except csv.Error as exc:
        raise MarketError(f"{path}: malformed CSV: {exc}") from None
    except UnicodeDecodeError as exc:
        raise MarketError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise MarketError(f"{path}: cannot read ({exc.strerror})") from None
    if not rows:
        raise MarketError(f"{path}: empty file (a header row is required)")
    return [(n, r) for n, r in rows[1:] if any(r)]


def load_market_csv(
    students_path: str | Path,
    placements_path: str | Path,
    couples_path: str | Path | None = None,
) -> tuple[Market, Where]:
    """Read the CSV layout of the module docstring; errors name the file and line."""
    students: list[Student] = []
    ws: list[str] = []
    for line, row in _csv_rows(students_path):
        at = f"{students_path} line {line}"
        if not row[0]:
            raise MarketError(f"{at}: the first cell must be the student id")
        students.append(Student(row[0], tuple(c for c in row[1:] if c)))
        ws.append(at)
    placements: list[Placement] = []
    wp: list[str] = []
    for line, row in _csv_rows(placements_path):
        at = f"{placements_path} line {line}"
        if len(row) < 2 or not row[0]:
            raise MarketError(f"{at}: expected id,capacity,ranking…")
        try:
            cap = int(row[1])
        except ValueError:
            raise MarketError(f"{at}: capacity {row[1]!r} is not a whole number") from None
        if cap < 0:
            raise MarketError(f"{at}: placement {row[0]!r} has negative capacity {cap}")
        entries: list[RankEntry] = []
        for cell in row[2:]:
            if not cell:
                continue
            group = tuple(x.strip() for x in cell.split("|") if x.strip())
            entries.append(group[0] if len(group) == 1 else group)
        placements.append(Placement(row[0], cap, tuple(entries)))
        wp.append(at)
    couples: list[Couple] = []
    wc: list[str] = []
    if couples_path is not None:
        for line, row in _csv_rows(couples_path):
            at = f"{couples_path} line {line}"
            if len(row) < 2 or not row[0] or not row[1]:
                raise MarketError(f"{at}: expected member_1,member_2,choices…")
            pairs: list[tuple[str, str]] = []
            for cell in row[2:]:
                if not cell:
                    continue
                parts = [x.strip() for x in cell.split("|")]
                if len(parts) != 2 or not all(parts):
                    raise MarketError(f"{at}: choice {cell!r} is not 'placement|placement'")
                pairs.append((parts[0], parts[1]))
            couples.append(Couple((row[0], row[1]), tuple(pairs)))
            wc.append(at)
    market = Market(tuple(students), tuple(placements), tuple(couples))
    return market, {"students": ws, "placements": wp, "couples": wc}


def scored_market_from_json_data(data: Any, source: str = "input") -> ScoredMarket:
    """Build a :class:`ScoredMarket` from parsed JSON."""
    root = _record(data, source)
    for key in ("mentors", "mentees", "scores"):
        if not isinstance(root.get(key), list):
            raise MarketError(f"{source}: {key!r} must be a list")
    mentors = []
    for j, raw in enumerate(root["mentors"]):
        at = f"mentors[{j}]"
        rec = _record(raw, at)
        mid = _id(rec, at)
        mentors.append(Mentor(mid, _capacity(rec.get("capacity"), at, f"mentor {mid!r}")))
    mentees = []
    for i, raw in enumerate(root["mentees"]):
        at = f"mentees[{i}]"
        rec = _record(raw, at)
        inst = rec.get("institution")
        if inst is not None and not isinstance(inst, str):
            raise MarketError(f"{at}: institution must be a string")
        prio = rec.get("priority", False)
        if not isinstance(prio, bool):
            raise MarketError(f"{at}: priority must be true or false")
        mentees.append(Mentee(_id(rec, at), inst, prio))
    scores = []
    for k, row in enumerate(root["scores"]):
        at = f"scores[{k}]"
        if not (isinstance(row, list) and len(row) == 3):
            raise MarketError(f"{at}: expected [mentee, mentor, score]")
        e, m, s = row
        if not isinstance(e, str) or not isinstance(m, str):
            raise MarketError(f"{at}: mentee and mentor must be id strings")
        if isinstance(s, bool) or not isinstance(s, int | float) or not math.isfinite(s):
            raise MarketError(f"{at}: score {s!r} is not a finite number")
        scores.append((e, m, float(s)))
    raw_c = root.get("constraints") or {}
    rec = _record(raw_c, "constraints")
    unknown = set(rec) - {"max_per_institution", "min_priority_share", "priority_scope"}
    if unknown:
        raise MarketError(f"constraints: unknown key(s) {sorted(unknown)!r}")
    mpi = rec.get("max_per_institution")
    if mpi is not None and (isinstance(mpi, bool) or not isinstance(mpi, int)):
        raise MarketError("constraints: max_per_institution must be a whole number")
    share = rec.get("min_priority_share")
    if share is not None and (isinstance(share, bool) or not isinstance(share, int | float)):
        raise MarketError("constraints: min_priority_share must be a number")
    scope = rec.get("priority_scope", "global")
    if scope not in ("global", "mentor"):
        raise MarketError("constraints: priority_scope must be 'global' or 'mentor'")
    constraints = Constraints(mpi, None if share is None else float(share), scope)
    return ScoredMarket(tuple(mentors), tuple(mentees), tuple(scores), constraints)


def load_scored_json(path: str | Path) -> ScoredMarket:
    return scored_market_from_json_data(_read_json(path), str(path))


def load_scored_csv(scores_path: str | Path, mentors_path: str | Path) -> ScoredMarket:
    """Scores CSV ``mentee,mentor,score`` and mentors CSV ``id,capacity`` (headers first)."""
    mentors = []
    for line, row in _csv_rows(mentors_path):
        at = f"{mentors_path} line {line}"
        if len(row) < 2 or not row[0]:
            raise MarketError(f"{at}: expected id,capacity")
        try:
            cap = int(row[1])
        except ValueError:
            raise MarketError(f"{at}: capacity {row[1]!r} is not a whole number") from None
        if cap < 0:
            raise MarketError(f"{at}: mentor {row[0]!r} has negative capacity {cap}")
        mentors.append(Mentor(row[0], cap))
    scores = []
    mentee_ids: dict[str, None] = {}
    for line, row in _csv_rows(scores_path):
        at = f"{scores_path} line {line}"
        if len(row) != 3 or not row[0] or not row[1]:
            raise MarketError(f"{at}: expected mentee,mentor,score")
        try:
            s = float(row[2])
        except ValueError:
            raise MarketError(f"{at}: score {row[2]!r} is not a number") from None
        if not math.isfinite(s):
            raise MarketError(f"{at}: score {row[2]!r} is not finite")
        scores.append((row[0], row[1], s))
        mentee_ids.setdefault(row[0])
    return ScoredMarket(tuple(mentors), tuple(Mentee(e) for e in mentee_ids), tuple(scores))


def write_json_atomic(path: str | Path, obj: Any) -> None:
    """Write ``obj`` to a temporary file beside ``path`` and rename it into place."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            # dumps (C encoder) is much faster than dump, which encodes in Python chunks
            fh.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
