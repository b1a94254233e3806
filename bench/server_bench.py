"""The server itself: `tandem serve` with 1 and with several worker processes, under load.

Builds a small world (one institution, a student, 50 approved postings) in its own database —
SQLite in a throw-away data folder (whatever ``TANDEM_DATA_DIR`` says), or PostgreSQL when
``TANDEM_DATABASE_URL`` points there (use a throw-away database: the bench flushes it) —
then, for each worker count, starts `tandem serve --no-worker --workers W --threads T` and
drives two pages with a load generator in another process: the sign-in page (anonymous:
template, CSRF cookie, no query) and the signed-in student's home (session, its queries).
It prints requests per second, median and 95th-percentile latency, and the errors, with the
machine and its load.

The load generator is wrk (Debian's package ``wrk``) when it is installed, else a Python one
(threads with keep-alive connections, in a separate process; it needs more CPU than wrk for
the same load, so its figures are lower on a small machine).

    .venv/bin/python bench/server_bench.py [--workers 1,2,4] [--threads 4] \
        [--concurrency 16] [--seconds 10] [--loader wrk|python]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-Zq8v"  # noqa: S105
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format("RESULT %d %d %.1f %.1f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), errors))
end
"""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()


def build_world() -> None:
    """A student of one institution with 50 approved postings to see."""
    _setup_django()
    from django.core.management import call_command
    from django.db import connections

    from tandem.accounts.models import User
    from tandem.opportunities.models import Opportunity, OpportunityApproval, programs_key
    from tandem.organizations.models import Membership, Organization, Role

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    inst = Organization.objects.create(
        name="Bench College", slug="bench-college", kind="institution", type="college"
    )
    host = Organization.objects.create(
        name="Bench Partner", slug="bench-partner", kind="partner", type="company"
    )
    student = User.objects.create_user(email="student@bench.example", password=PASSWORD)
    Membership.objects.create(
        user=student, organization=inst, role=Role.STUDENT, program="Computing", year_of_study=2
    )
    opps = Opportunity.objects.bulk_create(
        [
            Opportunity(
                host=host,
                title=f"Internship {i}",
                type="internship",
                description="Bench posting.",
                status="published",
                eligible_programs=[],
                eligible_programs_key=programs_key([]),
            )
            for i in range(50)
        ]
    )
    OpportunityApproval.objects.bulk_create(
        [OpportunityApproval(opportunity=o, institution=inst, status="approved") for o in opps]
    )
    connections.close_all()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"tandem serve exited ({process.returncode})")
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request("GET", parts.path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def sign_in(base: str) -> str:
    """The session cookie of the student, signed in through the sign-in form."""
    import requests

    client = requests.Session()
    client.trust_env = False
    page = client.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    done = client.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": "student@bench.example",
            "password": PASSWORD,
        },
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302, f"sign-in failed: {done.status_code}"
    return f"sessionid={client.cookies['sessionid']}"


def run_wrk(url: str, cookie: str, concurrency: int, seconds: float) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{seconds:g}s"]
    command += ["--timeout", "30s", "-s", script.name]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    os.unlink(script.name)
    found = re.search(r"^RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)$", out, re.M)
    assert found, out
    requests_done, duration_us, p50, p95, errors = found.groups()
    return {
        "rps": int(requests_done) / (int(duration_us) / 1e6),
        "p50_ms": float(p50) / 1000,
        "p95_ms": float(p95) / 1000,
        "errors": int(errors),
    }


def python_load(url: str, cookie: str, concurrency: int, seconds: float) -> dict[str, float]:
    """The fallback load generator, run in this (separate) process: ``concurrency`` threads,
    each with one keep-alive connection, requesting ``url`` for ``seconds``."""
    parts = urlsplit(url)
    headers = {"Cookie": cookie} if cookie else {}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", parts.path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": (statistics.median(latencies) if latencies else float("nan")) * 1000,
        "p95_ms": p95 * 1000,
        "errors": errors[0],
    }


def run_python(url: str, cookie: str, concurrency: int, seconds: float) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--load-only", url, "--cookie", cookie,
         "--concurrency", str(concurrency), "--seconds", str(seconds)],
        capture_output=True, text=True, check=True, timeout=seconds + 120,
    ).stdout  # fmt: skip
    rps, p50, p95, errors = out.split()[-4:]
    return {"rps": float(rps), "p50_ms": float(p50), "p95_ms": float(p95), "errors": int(errors)}


def machine_line() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs ({platform.processor() or 'unknown'}), "
        f"Python {platform.python_version()}, load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,4", help="worker counts to compare")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--loader", choices=["wrk", "python"], default=None)
    parser.add_argument("--load-only", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--cookie", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.load_only:  # the Python load generator's own process
        r = python_load(args.load_only, args.cookie, args.concurrency, args.seconds)
        print(f"{r['rps']:.2f} {r['p50_ms']:.2f} {r['p95_ms']:.2f} {r['errors']}")
        return

    loader = args.loader or ("wrk" if shutil.which("wrk") else "python")
    run_load = run_wrk if loader == "wrk" else run_python
    # Always a data folder of its own: the SQLite database in it is flushed.
    own_folder = tempfile.mkdtemp(prefix="tandem-server-bench-")
    os.environ["TANDEM_DATA_DIR"] = own_folder
    build_world()
    from django.conf import settings

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"machine: {machine_line()}")
    print(
        f"database: {database}; load: {loader}, {args.concurrency} concurrent connections, "
        f"{args.seconds:g} s per page; {args.threads} threads per process"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "TANDEM_LOG_LEVEL": "WARNING"}
    rows = []
    cookie = ""
    for workers in [int(w) for w in args.workers.split(",")]:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "tandem.cli", "serve", "--no-worker", "--port", str(port),
             "--workers", str(workers), "--threads", str(args.threads)],
            env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for(f"{base}/accounts/login/", server)
            cookie = cookie or sign_in(base)
            for page, path, page_cookie in (
                ("sign-in page", "/accounts/login/", ""),
                ("student's home", "/", cookie),
            ):
                run_load(f"{base}{path}", page_cookie, args.concurrency, 2)  # warm-up
                result = run_load(f"{base}{path}", page_cookie, args.concurrency, args.seconds)
                rows.append((workers, page, result, os.getloadavg()[0]))
                print(
                    f"{workers} worker(s) · {page:15} {result['rps']:7.1f} req/s  "
                    f"p50 {result['p50_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms  "
                    f"errors {result['errors']}  (load {rows[-1][3]:.2f})",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=60)
    print("\n| workers | page | req/s | p50 ms | p95 ms | errors | load (1 min) |")
    print("|---|---|---|---|---|---|---|")
    for workers, page, r, load in rows:
        print(
            f"| {workers} | {page} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['errors']} | {load:.2f} |"
        )
    shutil.rmtree(own_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
