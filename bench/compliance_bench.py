"""Compliance board speed: 5,000 accepted or started placements, 4 clearance requirements,
about 13,000 clearance records (target: p95 ≤ 300 ms for the whole page, with a number of
queries that does not depend on the number of placements).

Builds the data once in its own database (SQLite under ``TANDEM_DATA_DIR``, or PostgreSQL when
``TANDEM_DATABASE_URL`` points there — use a throw-away database: the bench flushes it) with
``bulk_create`` (a fixture generator, not product code), then renders ``/placements/`` (all,
and blocked only) through Django's test client as a signed-in coordinator and reports the
median, p95 and the number of queries per render.

    TANDEM_DATA_DIR=/tmp/tandem-bench .venv/bin/python bench/compliance_bench.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

PLACEMENTS = 5_000


def build(seed: int = 7):  # type: ignore[no-untyped-def]
    from tandem.accounts.models import User
    from tandem.applications.models import Application
    from tandem.opportunities.models import Opportunity
    from tandem.organizations.models import Membership, Organization
    from tandem.placements.models import Clearance, ClearanceRequirement

    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    inst = Organization.objects.create(
        name="Bench College", slug="bench-college", kind="institution", type="college",
        sector="education",
    )  # fmt: skip
    coordinator = User.objects.create_user("coordinator@bench.example", full_name="Coordinator")
    Membership.objects.create(user=coordinator, organization=inst, role="coordinator")
    partners = [
        Organization.objects.create(
            name=f"Partner {i}", slug=f"partner-{i}", kind="partner", type="company",
            sector="health",
        )
        for i in range(20)
    ]  # fmt: skip
    types = ["clinical", "apprenticeship", "internship"]
    opps = Opportunity.objects.bulk_create(
        Opportunity(
            host=partners[i % 20], title=f"Placement {i}", type=types[i % 3],
            description="Bench", status="published", seats=100,
        )
        for i in range(100)
    )  # fmt: skip
    users = User.objects.bulk_create(
        (User(email=f"s{i}@bench.example", full_name=f"Student {i}", password="!")  # noqa: S106 - unusable
         for i in range(PLACEMENTS)),
        batch_size=2000,
    )  # fmt: skip
    Membership.objects.bulk_create(
        (Membership(user=u, organization=inst, role="student") for u in users), batch_size=2000
    )
    apps = Application.objects.bulk_create(
        (Application(
            opportunity=opps[i % 100], student=u, institution=inst, statement="Bench",
            stage="accepted" if i % 4 else "placed",
        ) for i, u in enumerate(users)),
        batch_size=2000,
    )  # fmt: skip
    reqs = [
        ClearanceRequirement.objects.create(
            institution=inst, kind=kind, name=name, opportunity_type=otype, validity_days=365
        )
        for kind, name, otype in (
            ("background_check", "Background check", ""),
            ("safety_training", "Safety induction", ""),
            ("immunisation", "Immunisation record", "clinical"),
            ("confidentiality", "Confidentiality agreement", ""),
        )
    ]
    today = timezone.localdate()
    records = []
    for app in apps:
        for req in reqs:
            roll = rng.random()
            if roll < 0.35:
                continue  # missing
            status = "verified" if roll < 0.9 else rng.choice(["submitted", "rejected"])
            records.append(
                Clearance(
                    requirement=req, application=app, status=status,
                    rejection_reason="Unreadable" if status == "rejected" else "",
                    expires_on=today + timedelta(days=rng.randint(-30, 300)),
                )
            )  # fmt: skip
    Clearance.objects.bulk_create(records, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return coordinator, len(records)


def _time(client: Client, url: str, runs: int) -> tuple[float, float, float, int, float]:
    """Median, p95 and max wall time (ms), the queries of a render, and the median CPU time
    of this process per render (ms: the database's own work runs in its server)."""
    assert client.get(url).status_code == 200  # warm-up
    times, cpu, queries = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200
        queries = max(queries, len(ctx.captured_queries))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return statistics.median(times), p95, times[-1], queries, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--reuse", action="store_true", help="Time the data a previous run built (no rebuild)"
    )
    args = parser.parse_args()
    setup_test_environment()
    t0 = time.perf_counter()
    if args.reuse:
        from tandem.accounts.models import User
        from tandem.placements.models import Clearance

        coordinator = User.objects.get(email="coordinator@bench.example")
        clearances = Clearance.objects.count()
    else:
        coordinator, clearances = build()
    print(f"built data in {time.perf_counter() - t0:.1f} s ({connection.vendor})")
    client = Client()
    client.force_login(coordinator)
    board, api = reverse("placements:board"), "/api/v1/placements/board"
    for label, url in (
        ("all", board),
        ("blocked", board + "?status=blocked"),
        ("clear", board + "?status=clear"),
        ("kind immunisation", board + "?kind=immunisation"),
        ("page 40", board + "?page=40"),
        ("API blocked", api + "?status=blocked"),
    ):
        median, p95, worst, queries, cpu = _time(client, url, args.runs)
        print(
            f"compliance board ({label}): {PLACEMENTS} placements, {clearances} clearances; "
            f"{args.runs} renders: median {median:.0f} ms, p95 {p95:.0f} ms, "
            f"max {worst:.0f} ms, CPU {cpu:.0f} ms, {queries} queries; "
            f"load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
