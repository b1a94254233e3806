"""The platform search on the big world (issue 14: p95 ≤ 100 ms with 100,000 postings): for
several queries, the search page (every kind, grouped), the page of one kind, the API, and the
opportunity list's ``q=`` — median and p95 of ``--runs`` requests, and the query count.

Build the world first (a throw-away database; the bench only reads it)::

    TANDEM_DATA_DIR=/tmp/big .venv/bin/python bench/bigworld.py --flush
    TANDEM_DATA_DIR=/tmp/big TANDEM_DEBUG=0 .venv/bin/python bench/search_bench.py [--runs 30]

(or with ``TANDEM_DATABASE_URL=postgres://…/bench_big`` for PostgreSQL). Requests run in this
process through Django's test client: the whole request (middleware, view, ORM, template).
"CPU p50" is this process's CPU time per request (Python, templates; the database server's
own work is not in it): on a shared, loaded machine wall time includes waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

import django

django.setup()

from bigworld import DOMAIN  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

#: (label, query): a common word, two words, a prefix typed so far, a rare reference, nothing.
QUERIES = [
    ("common word", "python"),
    ("two words", "data analyst"),
    ("prefix", "engin"),
    ("rare word", "BW-012345"),
    ("no match", "zzqxv"),
]
#: (who, label, URL with {q}).
PAGES = [
    ("student", "search page", "/search/?q={q}"),
    ("coordinator", "search page", "/search/?q={q}"),
    ("student", "search, opportunities only", "/search/?q={q}&type=opportunity"),
    ("student", "API search", "/api/v1/search/?q={q}"),
    ("coordinator", "API search", "/api/v1/search/?q={q}"),
    ("student", "opportunity list q=", "/opportunities/?q={q}"),
]


def users() -> dict[str, object]:
    from tandem.accounts.models import User

    return {
        "student": User.objects.get(email=f"student-00001@{DOMAIN}"),
        "coordinator": User.objects.get(email=f"coordinator@{DOMAIN}"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    from tandem.opportunities.models import Opportunity

    clients = {}
    for name, user in users().items():
        clients[name] = Client(HTTP_HOST="localhost")
        clients[name].force_login(user)
    print(
        f"{connection.vendor}, {Opportunity.objects.count()} postings, {args.runs} runs each; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':58} {'p50':>7} {'p95':>7} {'CPU p50':>8} {'queries':>8}")
    worst = 0.0
    for who, label, url in PAGES:
        for qlabel, q in QUERIES:
            target = url.format(q=q.replace(" ", "+"))
            client = clients[who]
            assert client.get(target).status_code == 200, target  # warm-up
            times, cpu = [], []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as ctx:
                    t, c = time.perf_counter(), time.process_time()
                    response = client.get(target)
                    times.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
                assert response.status_code == 200, target
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            if "opportunity list" not in label:
                worst = max(worst, p95)
            print(
                f"{who + ': ' + label + ', ' + qlabel:58} {statistics.median(times):5.0f}ms "
                f"{p95:5.0f}ms {statistics.median(cpu):6.0f}ms {len(ctx.captured_queries):8}",
                flush=True,
            )
    print(f"worst search p95: {worst:.0f} ms; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
