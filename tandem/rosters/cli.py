"""``tandem roster import PATH --institution SLUG [--dry-run] [--json]``.

PATH is a folder or a .zip of OneRoster 1.1/1.2 CSV files. A refused export prints each
problem as ``FILE:LINE: message`` on stderr (the first 50, then "and N more"), writes
nothing and exits 2; otherwise a summary (or with ``--json`` one JSON object) goes to
stdout and the exit status is 0. Progress is shown on stderr while importing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EPILOG = """\
--json prints one object:
  {"orgs": {"created": 2, "updated": 0, "unchanged": 0, "deactivated": 0},
   "users": {...}, "classes": {...}, "enrollments": {...},
   "dry_run": false, "warnings": ["..."]}

A refused export (a missing required column, an unknown sourcedId, a bad date or role, a
file that is not UTF-8) is reported on stderr as FILE:LINE: message; nothing is written and
the exit status is 2. See docs/accounts.md, "Rosters (OneRoster)".
"""


def add_parser(subparsers: Any) -> None:
    roster = subparsers.add_parser("roster", help="import an institution's OneRoster export")
    sub = roster.add_subparsers(dest="roster_command", required=True)
    imp = sub.add_parser(
        "import",
        help="import a OneRoster CSV export (folder or .zip)",
        description="Import a OneRoster 1.1 or 1.2 CSV export into an institution.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("path", help="folder or .zip of OneRoster CSV files")
    imp.add_argument("--institution", required=True, help="the institution's slug")
    imp.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    imp.add_argument("--json", action="store_true", help="print the result as one JSON object")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()
    from tqdm import tqdm

    from tandem.organizations.models import Organization

    from .reader import RosterInputError, files_from_path, problem_lines
    from .services import RosterRefused, roster_import

    prog = "tandem roster import"
    institution = Organization.objects.filter(slug=args.institution).first()
    if institution is None or not institution.is_institution:
        print(f"{prog}: no institution with the slug {args.institution!r}", file=sys.stderr)
        return 2
    try:
        files = files_from_path(Path(args.path))
    except RosterInputError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    bars: list[Any] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(
                tqdm(
                    total=total,
                    file=sys.stderr,
                    disable=args.quiet,
                    unit=" rows",
                    mininterval=1.0,
                    ncols=80,
                )
            )
        bars[0].update(done - bars[0].n)

    def close() -> None:
        for bar in bars:
            bar.close()

    try:
        result = roster_import(
            actor=None,
            institution=institution,
            files=files,
            dry_run=args.dry_run,
            progress=progress,
        )
    except RosterRefused as exc:
        close()
        for line in problem_lines(exc.problems):
            print(line, file=sys.stderr)
        return 2
    close()
    data = result.as_dict()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    for kind in ("orgs", "users", "classes", "enrollments"):
        counts = data[kind]
        print(
            f"{kind}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['deactivated']} deactivated"
        )
    for warning in data["warnings"]:
        print(f"warning: {warning}")
    if args.dry_run:
        print("dry run: nothing was written")
    return 0
