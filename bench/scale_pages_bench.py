"""The pages students and coordinators use every day, on the big world (issue 12): for each
list page and the API list, one request's latency (median of ``--runs``), its query count and
size, and — with ``--load`` — requests per second and p95 with 16 concurrent clients against
``tandem serve``.

Build the world first (a throw-away database; the bench only reads it)::

    TANDEM_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_big \
        .venv/bin/python bench/bigworld.py --flush
    TANDEM_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_big TANDEM_DEBUG=0 \
        .venv/bin/python bench/scale_pages_bench.py [--runs 20] [--load] [--explain]

Single requests run in this process through Django's test client (the whole request: the
middleware, the views, the templates). ``--load`` starts ``tandem serve --no-worker`` on
``--port`` (``TANDEM_WORKERS`` is passed through when set, for the multi-process server) and
drives it with ``wrk`` (Debian package ``wrk``) in a separate process, logged in with a
session made here, for ``--duration`` seconds per page. ``--explain`` prints PostgreSQL's
``EXPLAIN ANALYZE`` of each page's slowest query. ``--build N`` first flushes the database
and builds a world of N postings (``make bench`` runs it so, in a scratch database).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

import django

django.setup()

from bigworld import DOMAIN, INSTITUTION_SLUG  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# (who, label, URL); ``{opp}`` is an opportunity with applications.
PAGES = [
    ("student", "opportunities, page 1", "/opportunities/"),
    ("student", "opportunities, page 2,500 (deep)", "/opportunities/?page=2500"),
    ("student", "opportunities, q=python", "/opportunities/?q=python"),
    ("student", "opportunities, q=rare word", "/opportunities/?q=BW-012345"),
    ("student", "home", "/"),
    ("student", "for you (cache cleared before each run)", "/profiles/opportunities/"),
    ("student", "for you (warm)", "/profiles/opportunities/"),
    ("student", "API opportunities", "/api/v1/opportunities/"),
    ("student", "API opportunities, q=python", "/api/v1/opportunities/?q=python"),
    ("student", "my applications", "/applications/"),
    ("coordinator", "applications", "/applications/"),
    ("coordinator", "applications, stage", "/applications/?stage=interview"),
    ("coordinator", "applications, q=python", "/applications/?q=python"),
    ("coordinator", "applications, one opportunity", "/applications/?opportunity={opp}"),
    (
        "coordinator",
        "opportunity search-as-you-type",
        "/applications/opportunities/?opportunity_title=data",
    ),
    ("coordinator", "approval queue", "/opportunities/approvals/"),
    ("coordinator", "home", "/"),
    ("coordinator", "API applications", "/api/v1/applications/"),
    ("recruiter", "applications", "/applications/"),
    ("recruiter", "home", "/"),
]

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d\\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency.max / 1000, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"""


def users() -> dict[str, object]:
    from tandem.accounts.models import User

    return {
        "student": User.objects.get(email=f"student-00001@{DOMAIN}"),
        "coordinator": User.objects.get(email=f"coordinator@{DOMAIN}"),
        "recruiter": User.objects.get(email=f"recruiter-00@{DOMAIN}"),
    }


def sample_opportunity() -> str:
    from tandem.applications.models import Application

    app = Application.objects.filter(institution__slug=INSTITUTION_SLUG).order_by("pk").first()
    assert app is not None, "no big world here: run bench/bigworld.py first"
    return str(app.opportunity.public_id)


def single(runs: int, explain: bool, only: str = "") -> None:
    who = users()
    opp = sample_opportunity()
    clients = {}
    for name, user in who.items():
        clients[name] = Client(HTTP_HOST="localhost")
        clients[name].force_login(user)
    # "app CPU": this process's CPU time per request (Python: middleware, view, ORM, template),
    # which a loaded machine inflates far less than wall-clock time; the database's own time
    # is in the wall-clock figures only.
    print(f"{'page':48} {'median':>8} {'p95':>8} {'app CPU':>8} {'queries':>8} {'KB':>7}")
    for name, label, url in PAGES:
        if only and not any(o in f"{name}: {label}" for o in only.split("|")):
            continue
        url = url.format(opp=opp)
        client = clients[name]
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)
        times, cpu = [], []
        for _ in range(runs):
            if "cache cleared" in label:
                cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                t, c = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(
            f"{name + ': ' + label:48} {statistics.median(times):6.0f}ms {p95:6.0f}ms "
            f"{statistics.median(cpu):6.0f}ms "
            f"{len(ctx.captured_queries):8} {len(response.content) / 1024:7.1f}",
            flush=True,
        )
        if explain and connection.vendor == "postgresql":
            slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
            print(f"  slowest ({slowest['time']} s): {slowest['sql'][:300]}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + slowest["sql"])
                for (line,) in cursor.fetchall():
                    print("    " + line)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _warm(port: int, url: str, cookie: str) -> None:
    """One request, retried until the server answers (its workers may still be booting), so
    that wrk measures a server that is up and a page whose caches are filled."""
    import urllib.request

    for _ in range(120):
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{url}")
            request.add_header("Cookie", cookie)
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
            return
        except OSError:
            time.sleep(0.5)


def load(duration: int, connections: int, port: int, only: str = "") -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("--load needs wrk (apt-get install wrk)")
    who = users()
    opp = sample_opportunity()
    cookies = {}
    for name, user in who.items():
        client = Client()
        client.force_login(user)
        cookies[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    env = dict(os.environ, TANDEM_DEBUG="0", TANDEM_LOG_LEVEL="WARNING")
    server = subprocess.Popen(
        [sys.executable, "-m", "tandem.cli", "serve", "--no-worker", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # waitress logs its queue depth under load
        start_new_session=True,
    )
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        workers = os.environ.get("TANDEM_WORKERS", "(default)")
        threads = os.environ.get("TANDEM_THREADS", "(default)")
        keepalive = os.environ.get("TANDEM_KEEPALIVE", "(default)")
        print(
            f"\nload: wrk, {connections} connections, {duration} s per page, tandem serve "
            f"TANDEM_WORKERS={workers} TANDEM_THREADS={threads} TANDEM_KEEPALIVE={keepalive}; "
            f"load average before: {os.getloadavg()[0]:.1f}"
        )
        print(f"{'page':48} {'req/s':>7} {'p50':>8} {'p95':>8} {'max':>8} {'errors':>6}")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(WRK_SCRIPT)
        warmed = False
        for name, label, url in PAGES:
            if "cache cleared" in label:
                continue  # a cold cache cannot be held under load
            if only and not any(o in f"{name}: {label}" for o in only.split("|")):
                continue
            url = url.format(opp=opp)
            _warm(port, url, f"{settings.SESSION_COOKIE_NAME}={cookies[name]}")
            if not warmed:  # every server process booted and warm before the first figure
                subprocess.run(
                    [wrk, "-t2", f"-c{connections}", "-d3s", f"http://127.0.0.1:{port}/"],
                    capture_output=True,
                    check=False,
                )
                warmed = True
            out = subprocess.run(
                [
                    wrk,
                    "-t2",
                    f"-c{connections}",
                    f"-d{duration}s",
                    "--timeout",
                    "30s",
                    "-s",
                    f.name,
                    "-H",
                    f"Cookie: {settings.SESSION_COOKIE_NAME}={cookies[name]}",
                    f"http://127.0.0.1:{port}{url}",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            line = next(x for x in out.splitlines() if x.startswith("RESULT"))
            n, micros, p50, p95, worst, errors = line.split()[1:]
            rps = int(n) / (int(micros) / 1e6)
            print(
                f"{name + ': ' + label:48} {rps:7.1f} {float(p50):6.0f}ms {float(p95):6.0f}ms "
                f"{float(worst):6.0f}ms {errors:>6}",
                flush=True,
            )
        os.unlink(f.name)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> int:
    from tandem.opportunities.models import Opportunity

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--load", action="store_true")
    ap.add_argument("--no-single", action="store_true")
    ap.add_argument(
        "--only",
        default="",
        help="only the pages whose 'who: label' contains this (or one of A|B|…)",
    )
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument(
        "--build",
        type=int,
        metavar="N",
        default=0,
        help="first flush the database and build a big world of N postings (N/10 students, "
        "N/2 applications)",
    )
    args = ap.parse_args()
    if args.build:
        from bigworld import build_big_world
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        t0 = time.perf_counter()
        build_big_world(
            opportunities=args.build, students=args.build // 10, applications=args.build // 2
        )
        print(f"built a world of {args.build} postings in {time.perf_counter() - t0:.0f} s")
    print(
        f"{connection.vendor}, DEBUG={settings.DEBUG}, {Opportunity.objects.count()} "
        f"opportunities; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    if not args.no_single:
        single(args.runs, args.explain, args.only)
    if args.load:
        load(args.duration, args.connections, args.port or _free_port(), args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
