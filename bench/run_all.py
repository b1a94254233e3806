"""Run every benchmark under ``bench/`` in turn (``make bench``) and print what each reports.

Each benchmark is its own script with its own options (see its docstring); this runner calls
them with their defaults, one after another so they do not compete for the CPU, in a
throw-away data folder so that no benchmark touches your own database. The numbers to copy
into ``docs/benchmarks.md`` are the ones each script prints, together with the machine line
printed first.

    .venv/bin/python bench/run_all.py [--only NAME[,NAME...]] [--quick]

``--quick`` passes each script its smaller settings (for checking that they run, not for
numbers to publish).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name → (script, default arguments, quick arguments). Every script that builds a database
# does so in a temporary folder of its own, except the dashboard bench, which builds (and
# flushes) the database of TANDEM_DATA_DIR: it always gets a throw-away data folder here.
BENCHES: dict[str, tuple[str, list[str], list[str]]] = {
    "matching": ("matching_bench.py", [], ["--quick"]),
    "skills-lexical": ("skills_lexical_speed.py", [], ["--postings", "1000"]),
    "skills-eval": ("skills_eval.py", [], ["--modes", "lexical"]),
    "skills-batch": ("skills_batch_bench.py", [], ["--postings", "200", "--modes", "lexical"]),
    "gap-analysis": ("gap_analysis_bench.py", [], ["--postings", "10000", "--runs", "1"]),
    "gap-analysis-db": ("gap_analysis_bench.py", ["--db"], ["--db", "--postings", "10000"]),
    "dashboard": ("dashboard_bench.py", [], ["--runs", "5"]),
    "server": ("server_bench.py", [], ["--workers", "1,2", "--seconds", "3"]),
    "scale-pages": (
        "scale_pages_bench.py",
        ["--build", "100000", "--load"],
        ["--build", "2000", "--runs", "3"],
    ),
    "roster": (
        "roster_bench.py",
        [],
        ["--students", "400", "--teachers", "15", "--enrollments", "1600"],
    ),
}
THROWAWAY_DATABASE = {"dashboard", "scale-pages"}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated names: " + ", ".join(BENCHES))
    ap.add_argument("--quick", action="store_true", help="smaller settings, to check they run")
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n] or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"run_all: unknown benchmark(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    print(f"machine: {machine()}")
    failed: list[str] = []
    for name in names:
        script, default, quick = BENCHES[name]
        with tempfile.TemporaryDirectory(prefix=f"tandem-bench-{name}-") as scratch:
            env = dict(os.environ)
            if name in THROWAWAY_DATABASE:
                # Never flush a real database: SQLite in the scratch folder, whatever
                # TANDEM_DATABASE_URL says (set TANDEM_BENCH_DATABASE_URL to a throw-away
                # PostgreSQL database to measure there).
                env["TANDEM_DATA_DIR"] = scratch
                env.pop("TANDEM_DATABASE_URL", None)
                if os.environ.get("TANDEM_BENCH_DATABASE_URL"):
                    env["TANDEM_DATABASE_URL"] = os.environ["TANDEM_BENCH_DATABASE_URL"]
            cmd = [sys.executable, str(HERE / script), *(quick if args.quick else default)]
            print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
            started = time.perf_counter()
            code = subprocess.call(cmd, env=env)
            took = time.perf_counter() - started
            print(f"=== {name}: exit {code} after {took:.1f} s", flush=True)
            if code != 0:
                failed.append(name)
    if failed:
        print(f"\nrun_all: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
