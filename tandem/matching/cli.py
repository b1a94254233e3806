"""``tandem match …``: the matching engine on the command line (no Django involved).

    tandem match stable  --input market.json --output result.json
                         [--proposing students|placements] [--seed N] [--explain]
    tandem match stable  --input students.csv --placements-csv placements.csv
                         [--couples-csv couples.csv] --output result.json …
    tandem match optimal --input scores.json --output result.json
    tandem match optimal --input scores.csv --mentors-csv mentors.csv --output result.json
    tandem match verify  --input market.json --assignments result.json

Exit status: 0 success, 2 bad input (message on stderr naming the record or line; no
output file is written). File formats: ``docs/matching.md``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    """Register ``match`` and its sub-commands on the ``tandem`` parser."""
    match = subparsers.add_parser("match", help="stable or optimal matching (engine only)")
    sub = match.add_subparsers(dest="match_command", required=True)

    stable = sub.add_parser("stable", help="stable matching (deferred acceptance)")
    stable.add_argument("--input", required=True, help="market.json, or the students CSV")
    stable.add_argument("--placements-csv", help="placements CSV (when --input is a CSV)")
    stable.add_argument("--couples-csv", help="couples CSV (optional, with CSV input)")
    stable.add_argument("--output", required=True, help="result JSON file")
    stable.add_argument("--proposing", choices=("students", "placements"), default="students")
    stable.add_argument("--seed", type=int, default=0, help="tie-breaking lottery seed")
    stable.add_argument(
        "--explain", action="store_true", help="add per-student explanations and open seats"
    )
    stable.set_defaults(func=cmd_stable)

    optimal = sub.add_parser("optimal", help="assignment maximising the total score")
    optimal.add_argument("--input", required=True, help="scores.json, or a scores CSV")
    optimal.add_argument("--mentors-csv", help="mentors CSV id,capacity (with CSV input)")
    optimal.add_argument("--output", required=True, help="result JSON file")
    optimal.add_argument(
        "--no-compare", action="store_true", help="skip the comparison with a stable matching"
    )
    optimal.set_defaults(func=cmd_optimal)

    check = sub.add_parser("verify", help="check an assignment against a market")
    check.add_argument("--input", required=True, help="market.json")
    check.add_argument("--assignments", required=True, help="a result JSON with assignments")
    check.add_argument("--output", help="write the report here (default: stdout)")
    check.set_defaults(func=cmd_verify)


def _guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def wrapper(args: argparse.Namespace) -> int:
        from tandem.matching.engine.model import MarketError

        try:
            return run(args)
        except MarketError as exc:
            print(f"tandem match: error: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"tandem match: error: {exc}", file=sys.stderr)
            return 2

    wrapper.__doc__ = run.__doc__
    return wrapper


def _is_csv(path: str) -> bool:
    return Path(path).suffix.lower() == ".csv"


def _load_market(args: argparse.Namespace) -> Any:
    from tandem.matching.engine.io import load_market_csv, load_market_json
    from tandem.matching.engine.model import MarketError

    if _is_csv(args.input):
        if not args.placements_csv:
            raise MarketError("a students CSV needs --placements-csv")
        return load_market_csv(args.input, args.placements_csv, args.couples_csv)
    if args.placements_csv or args.couples_csv:
        raise MarketError("--placements-csv/--couples-csv go with a students CSV as --input")
    return load_market_json(args.input)


@_guarded
def cmd_stable(args: argparse.Namespace) -> int:
    """Solve a stable matching and write the result file."""
    from tandem.matching.engine import explain, solve_stable
    from tandem.matching.engine.io import write_json_atomic

    market, where = _load_market(args)
    result = solve_stable(market, proposing=args.proposing, seed=args.seed, where=where)
    out: dict[str, Any] = {
        "assignments": result.assignments,
        "stable": result.stable,
        "blocking_pairs": [b.as_list() for b in result.blocking_pairs],
        "stats": result.stats,
    }
    if result.message:
        out["message"] = result.message
        print(f"tandem match: warning: {result.message}", file=sys.stderr)
    if args.explain:
        explanations = explain(market, result.assignments)
        out["explanations"] = {
            sid: {
                "placement": e.placement,
                "rank": e.rank,
                "why_not": [
                    {"placement": r.placement, "code": r.code, "text": r.text} for r in e.reasons
                ],
            }
            for sid, e in explanations.items()
        }
        out["open_seats"] = _open_seats(market, result.assignments)
    write_json_atomic(args.output, out)
    return 0


def _open_seats(market: Any, assignments: dict[str, str | None]) -> dict[str, int]:
    filled: dict[str, int] = {}
    for p in assignments.values():
        if p is not None:
            filled[p] = filled.get(p, 0) + 1
    return {
        pl.id: pl.capacity - filled.get(pl.id, 0)
        for pl in market.placements
        if pl.capacity > filled.get(pl.id, 0)
    }


@_guarded
def cmd_optimal(args: argparse.Namespace) -> int:
    """Solve the optimal assignment and write the result file."""
    from tandem.matching.engine import solve_optimal
    from tandem.matching.engine.io import load_scored_csv, load_scored_json, write_json_atomic
    from tandem.matching.engine.model import MarketError

    if _is_csv(args.input):
        if not args.mentors_csv:
            raise MarketError("a scores CSV needs --mentors-csv")
        sm = load_scored_csv(args.input, args.mentors_csv)
    else:
        sm = load_scored_json(args.input)
    result = solve_optimal(sm, compare_stable=not args.no_compare)
    write_json_atomic(
        args.output,
        {
            "assignments": result.assignments,
            "total_score": result.total_score,
            "status": result.status,
            "stats": result.stats,
        },
    )
    return 0


@_guarded
def cmd_verify(args: argparse.Namespace) -> int:
    """Check an assignment with the independent checker; exit 1 when it is not stable."""
    import json

    from tandem.matching.engine import verify
    from tandem.matching.engine.io import _read_json, write_json_atomic
    from tandem.matching.engine.model import MarketError

    market, _ = _load_market(
        argparse.Namespace(input=args.input, placements_csv=None, couples_csv=None)
    )
    data = _read_json(args.assignments)
    assignments = data.get("assignments") if isinstance(data, dict) else None
    if not isinstance(assignments, dict):
        raise MarketError(f"{args.assignments}: no 'assignments' object")
    report = verify(market, assignments)
    out = {
        "stable": report.is_stable,
        "blocking_pairs": [b.as_list() for b in report.blocking_pairs],
        "capacity_violations": list(report.capacity_violations),
        "unacceptable_assignments": [list(x) for x in report.unacceptable_assignments],
        "couple_violations": list(report.couple_violations),
    }
    if args.output:
        write_json_atomic(args.output, out)
    else:
        print(json.dumps(out, indent=2))
    return 0 if report.is_stable else 1
