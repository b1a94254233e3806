"""``tandem skills …``: extraction from JSON lines, and loading ESCO into the database.

    tandem skills extract --input texts.jsonl --output skills.jsonl [--top-k 5]
                          [--mode lexical|semantic|combined] [--quiet]
    tandem skills load-esco

Input lines are ``{"id": "…", "text": "…"}``; output lines ``{"id": "…", "skills": [{"uri",
"label", "score", "spans"}]}``, best first, in input order; ``-`` is standard input or
output. A bad line is reported on stderr with its file and line number and skipped; the
others are still processed (exit status 2 if any line was bad). Long work (embedding the
taxonomy the first time, extracting) shows a progress bar with the time left on stderr.
Importing this module is cheap: no Django, no torch.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

EXTRACT_EPILOG = """\
input (--input FILE, or - for standard input): JSON lines, one text a line
  {"id": "p1", "text": "Managing projects and teamwork; Python and SQL a plus."}
  {"id": "p2", "text": "You stay calm under pressure."}

output (--output FILE, or - for standard output): one line per good input line, in input
order; skills best first; spans are [start, end) character offsets into the text
  {"id": "p1", "skills": [...,
    {"uri": "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742",
     "label": "SQL", "score": 0.875, "spans": [[43, 46]]}]}

example:
  echo '{"id": "p1", "text": "Python and SQL a plus"}' |
    tandem skills extract --input - --output - --mode lexical

A bad input line is reported on stderr as FILE:LINE: reason and skipped; the others are
still processed and the exit status is then 2. The semantic and combined modes embed the
ESCO taxonomy once (minutes; cached in $TANDEM_DATA_DIR/cache/skills) with a progress bar on
stderr. This service uses the ESCO classification of the European Commission.
"""


def add_parser(subparsers: Any) -> None:
    """Register ``skills`` and its sub-commands on the ``tandem`` parser."""
    skills = subparsers.add_parser("skills", help="ESCO skills: extraction and taxonomy")
    sub = skills.add_subparsers(dest="skills_command", required=True)

    extract = sub.add_parser(
        "extract",
        help="extract ESCO skills from JSON-lines texts",
        description="Extract ESCO skills from texts, one JSON object a line.",
        epilog=EXTRACT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument(
        "--input", required=True, help='JSON lines {"id": …, "text": …}; "-" for stdin'
    )
    extract.add_argument(
        "--output", required=True, help='JSON lines of ranked skills; "-" for stdout'
    )
    extract.add_argument("--top-k", type=int, default=5, help="skills per text (default 5)")
    extract.add_argument(
        "--mode",
        choices=("lexical", "semantic", "combined"),
        default=None,
        help="default: combined with the ML extra installed, lexical without",
    )
    extract.add_argument(
        "--quiet", action="store_true", help="no progress and no summary on stderr"
    )
    extract.set_defaults(func=cmd_extract)

    load = sub.add_parser(
        "load-esco",
        help="load the ESCO taxonomy into the database",
        description="Load (or refresh, idempotently) the ESCO taxonomy from the installed "
        "ESCO data packages and the label file shipped with Tandem. This service uses the "
        "ESCO classification of the European Commission.",
    )
    load.set_defaults(func=cmd_load_esco)

    build = sub.add_parser(
        "build-encoder",
        help="build a fast encoder of the semantic stage from the packaged MiniLM",
        description="Build the int8 ONNX export (minilm-int8) or the model2vec static "
        "distillation (static) of the packaged all-MiniLM-L6-v2, offline, into "
        "$TANDEM_DATA_DIR/cache/skills/encoders/. Choose the encoder at run time with "
        "TANDEM_SKILLS_ENCODER. Nothing is downloaded.",
    )
    build.add_argument("encoder", choices=("minilm-int8", "static"))
    build.add_argument("--force", action="store_true", help="rebuild even if it exists")
    build.set_defaults(func=cmd_build_encoder)


def _read_jsonl(fh: IO[bytes], name: str) -> tuple[list[tuple[str, str]], list[str]]:
    records: list[tuple[str, str]] = []
    errors: list[str] = []
    for lineno, raw in enumerate(fh, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(f"{name}:{lineno}: not valid UTF-8")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{name}:{lineno}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"{name}:{lineno}: expected an object with 'id' and 'text'")
            continue
        rid, text = obj.get("id"), obj.get("text")
        if not isinstance(rid, str | int) or isinstance(rid, bool) or rid == "":
            errors.append(f"{name}:{lineno}: 'id' must be a non-empty string")
            continue
        if not isinstance(text, str):
            errors.append(f"{name}:{lineno}: 'text' must be a string")
            continue
        records.append((str(rid), text))
    return records, errors


def _progress_bars(quiet: bool) -> Callable[[str, int], Any]:
    """Progress bars on stderr (tqdm: count, rate and time left), each after a line saying
    what is being done; nothing with ``--quiet``."""
    from tqdm import tqdm

    def start(what: str, total: int) -> Any:
        if not quiet:
            print(f"tandem skills extract: {what}", file=sys.stderr, flush=True)
        return tqdm(
            total=total, file=sys.stderr, disable=quiet, unit=" texts", mininterval=1.0, ncols=80
        )

    return start


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.3g}" if seconds > 0 else "∞"


def cmd_extract(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from tandem.skills.engine.esco import EscoDataMissing, load_taxonomy
    from tandem.skills.engine.extractor import Extractor, ModeUnavailable

    if args.top_k < 1:
        print("tandem skills extract: --top-k must be at least 1", file=sys.stderr)
        return 2
    if args.input == "-":
        records, errors = _read_jsonl(sys.stdin.buffer, "<stdin>")
    else:
        src = Path(args.input)
        if not src.is_file():
            print(f"tandem skills extract: {src}: no such file", file=sys.stderr)
            return 2
        with src.open("rb") as fh:
            records, errors = _read_jsonl(fh, str(src))
    for message in errors:
        print(message, file=sys.stderr)
    progress = _progress_bars(args.quiet)
    try:
        extractor = Extractor(load_taxonomy(), progress=progress)
        mode = args.mode or extractor.default_mode()
        prepared = time.perf_counter()
        if mode != "lexical":
            extractor.semantic  # noqa: B018 - builds (or loads) the taxonomy embeddings first
        started = time.perf_counter()
        # Shown only when extraction takes more than a second.
        bar = tqdm(
            total=len(records),
            desc="extracting",
            file=sys.stderr,
            disable=args.quiet,
            unit=" texts",
            mininterval=1.0,
            delay=1.0,
            ncols=80,
        )
        try:
            texts = [t for _, t in records]
            results = extractor.extract_many(texts, top_k=args.top_k, mode=mode, progress=bar)
        finally:
            bar.close()
    except (EscoDataMissing, ModeUnavailable) as exc:
        print(f"tandem skills extract: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    with contextlib.ExitStack() as stack:
        out: IO[str] = sys.stdout
        if args.output != "-":
            out = stack.enter_context(Path(args.output).open("w", encoding="utf-8"))
        for (rid, _), matches in zip(records, results, strict=True):
            line = {"id": rid, "skills": [m.as_dict() for m in matches]}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
    if not args.quiet:
        setup = started - prepared
        print(
            f"{len(records)} texts in {elapsed:.2f} s, mode {mode}, "
            f"{_rate(len(records), elapsed)} texts/s"
            + (
                f" (after {setup:.1f} s loading the taxonomy embeddings)"
                if mode != "lexical" or setup >= 0.1
                else ""
            )
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


def cmd_build_encoder(args: argparse.Namespace) -> int:
    import time

    from tandem.skills.engine import encoders
    from tandem.skills.engine.semantic import default_cache_dir

    started = time.perf_counter()
    try:
        path = encoders.build(args.encoder, default_cache_dir(), force=args.force)
    except RuntimeError as exc:
        print(f"tandem skills build-encoder: {exc}", file=sys.stderr)
        return 2
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    print(
        f"{args.encoder}: {path} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s; "
        f"use it with TANDEM_SKILLS_ENCODER={args.encoder}"
    )
    return 0
