"""A student's opportunity list with many approved postings: the time of the list selector
(count + first page of 20, as the list page and the API run it), and its query count.

Builds N published postings (default 20,000), all approved by the student's institution,
in its own database (SQLite under ``TANDEM_DATA_DIR``, or PostgreSQL when
``TANDEM_DATABASE_URL`` points there — use a throw-away database: the bench flushes it).

    TANDEM_DATA_DIR=/tmp/tandem-bench .venv/bin/python bench/opportunity_list_bench.py [N] \
        [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PROGRAMS = [[], ["Computing"], ["Computing", "Nursing"], ["Nursing"], ["Law"]]


def build(n: int):  # -> student
    from tandem.accounts.models import User
    from tandem.opportunities.models import (
        Opportunity,
        OpportunityApproval,
        programs_key,
    )
    from tandem.organizations.models import Membership, Organization, Role

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    inst = Organization.objects.create(
        name="Bench College", slug="bench-college", kind="institution", type="college"
    )
    host = Organization.objects.create(
        name="Bench Partner", slug="bench-partner", kind="partner", type="company"
    )
    student = User.objects.create_user(email="student@bench.example")
    Membership.objects.create(
        user=student, organization=inst, role=Role.STUDENT, program="Computing", year_of_study=2
    )
    batch = 2000
    for start in range(0, n, batch):
        opps = Opportunity.objects.bulk_create(
            [
                Opportunity(
                    host=host,
                    title=f"Internship {i}",
                    type="internship",
                    description="Bench posting.",
                    status="published",
                    eligible_programs=PROGRAMS[i % len(PROGRAMS)],
                    # bulk_create skips save(): set the derived key as save() would.
                    eligible_programs_key=programs_key(PROGRAMS[i % len(PROGRAMS)]),
                    min_year_of_study=(i % 4) or None,
                )
                for i in range(start, min(n, start + batch))
            ]
        )
        OpportunityApproval.objects.bulk_create(
            [OpportunityApproval(opportunity=o, institution=inst, status="approved") for o in opps]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return student


def main() -> None:
    from tandem.opportunities.selectors import opportunity_list

    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    t0 = time.perf_counter()
    student = build(args.n)
    print(f"built {args.n} postings in {time.perf_counter() - t0:.1f} s ({connection.vendor})")

    def once() -> tuple[int, int]:
        qs = opportunity_list(student)
        return qs.count(), len(list(qs[:20]))

    visible, page = once()  # warm-up
    times, queries = [], 0
    for _ in range(args.runs):
        student.__dict__.pop("_student_memberships_cache", None)  # as in a fresh request
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            once()
            times.append((time.perf_counter() - t) * 1000)
        queries = max(queries, len(ctx.captured_queries))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(
        f"student list selector: {args.n} approved postings, {visible} visible, page of {page}; "
        f"{args.runs} runs: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
        f"max {times[-1]:.0f} ms, {queries} queries"
    )


if __name__ == "__main__":
    main()
