"""``tandem skills …``: extraction from JSON lines, and loading ESCO into the database.

    tandem skills extract --input texts.jsonl --output skills.jsonl [--top-k 5]
                          [--mode lexical|semantic|combined]
    tandem skills load-esco

Input lines are ``{"id": "…", "text": "…"}``; output lines ``{"id": "…", "skills": [{"uri",
"label", "score", "spans"}]}``, best first, in input order. A bad line is reported on stderr
with its line number and skipped; the others are still processed (exit status 2 if any line
was bad). Importing this module is cheap: no Django, no torch.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    """Register ``skills`` and its sub-commands on the ``tandem`` parser."""
    skills = subparsers.add_parser("skills", help="ESCO skills: extraction and taxonomy")
    sub = skills.add_subparsers(dest="skills_command", required=True)

    extract = sub.add_parser("extract", help="extract ESCO skills from JSON-lines texts")
    extract.add_argument("--input", required=True, help='JSON lines: {"id": …, "text": …}')
    extract.add_argument("--output", required=True, help="JSON lines of ranked skills")
    extract.add_argument("--top-k", type=int, default=5, help="skills per text (default 5)")
    extract.add_argument(
        "--mode",
        choices=("lexical", "semantic", "combined"),
        default=None,
        help="default: combined with the ML extra installed, lexical without",
    )
    extract.add_argument("--quiet", action="store_true", help="no summary on stderr")
    extract.set_defaults(func=cmd_extract)

    load = sub.add_parser(
        "load-esco",
        help="load the ESCO taxonomy into the database",
        description="Load (or refresh, idempotently) the ESCO taxonomy from the installed "
        "ESCO data packages and the label file shipped with Tandem. This service uses the "
        "ESCO classification of the European Commission.",
    )
    load.set_defaults(func=cmd_load_esco)


def _read_jsonl(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    records: list[tuple[str, str]] = []
    errors: list[str] = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                errors.append(f"{path}:{lineno}: not valid UTF-8")
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path}:{lineno}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                errors.append(f"{path}:{lineno}: expected an object with 'id' and 'text'")
                continue
            rid, text = obj.get("id"), obj.get("text")
            if not isinstance(rid, str | int) or isinstance(rid, bool) or rid == "":
                errors.append(f"{path}:{lineno}: 'id' must be a non-empty string")
                continue
            if not isinstance(text, str):
                errors.append(f"{path}:{lineno}: 'text' must be a string")
                continue
            records.append((str(rid), text))
    return records, errors


def cmd_extract(args: argparse.Namespace) -> int:
    from tandem.skills.engine.esco import EscoDataMissing, load_taxonomy
    from tandem.skills.engine.extractor import Extractor, ModeUnavailable

    if args.top_k < 1:
        print("tandem skills extract: --top-k must be at least 1", file=sys.stderr)
        return 2
    src = Path(args.input)
    if not src.is_file():
        print(f"tandem skills extract: {src}: no such file", file=sys.stderr)
        return 2
    records, errors = _read_jsonl(src)
    for message in errors:
        print(message, file=sys.stderr)
    try:
        extractor = Extractor(load_taxonomy())
        mode = args.mode or extractor.default_mode()
        started = time.perf_counter()
        results = extractor.extract_many([t for _, t in records], top_k=args.top_k, mode=mode)
    except (EscoDataMissing, ModeUnavailable) as exc:
        print(f"tandem skills extract: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    with Path(args.output).open("w", encoding="utf-8") as out:
        for (rid, _), matches in zip(records, results, strict=True):
            line = {"id": rid, "skills": [m.as_dict() for m in matches]}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    if not args.quiet:
        rate = len(records) / elapsed if elapsed > 0 else float("inf")
        print(
            f"{len(records)} texts, mode {mode}, {rate:.1f} texts/s"
            + (f", {len(errors)} bad lines skipped" if errors else ""),
            file=sys.stderr,
        )
    return 2 if errors else 0


def cmd_load_esco(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()
    from tandem.skills.engine.esco import EscoDataMissing
    from tandem.skills.services import esco_load

    try:
        result = esco_load()
    except EscoDataMissing as exc:
        print(f"tandem skills load-esco: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    return 0
