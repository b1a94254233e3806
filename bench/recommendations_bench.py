"""A student's "Opportunities for you" with many approved postings: the time to fill the
opportunities' stored skills in bulk (what the big-world generator calls), then the first
visit (nothing cached) and a warm visit of the page's selector (count + first page of 25),
with their query counts.

Builds a synthetic taxonomy (600 concepts in leaf groups of 12, one made-up word each, so the
lexical extractor finds them) and N published postings (default 20,000) naming 3–6 of them,
all approved by the student's institution; the student holds 8 concepts. Runs in its own
database (SQLite under ``TANDEM_DATA_DIR``, or PostgreSQL when ``TANDEM_DATABASE_URL`` points
there — use a throw-away database: the bench flushes it).

    TANDEM_DATA_DIR=/tmp/tandem-bench .venv/bin/python bench/recommendations_bench.py [N] \
        [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

CONCEPTS = 600
GROUP_SIZE = 12
SYLLABLES = ["ka", "lo", "mi", "ru", "te", "zo", "pa", "ni", "vu", "se", "do", "fy"]


def word(i: int) -> str:
    out = []
    for _ in range(4):
        out.append(SYLLABLES[i % len(SYLLABLES)])
        i //= len(SYLLABLES)
    return "".join(out) + "ix"


def build(n: int, rng: random.Random):  # -> student
    from tandem.accounts.models import User
    from tandem.opportunities.models import Opportunity, OpportunityApproval
    from tandem.organizations.models import Membership, Organization, Role
    from tandem.profiles.models import ProfileSkill
    from tandem.skills.models import SkillConcept, SkillGroup, SkillLabel
    from tandem.skills.services import reset_extractor

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    reset_extractor()
    groups = SkillGroup.objects.bulk_create(
        [
            SkillGroup(code=f"S9.9.{g}", name=f"bench group {g}", level=3)
            for g in range(CONCEPTS // GROUP_SIZE)
        ]
    )
    concepts = SkillConcept.objects.bulk_create(
        [
            SkillConcept(
                uri=f"http://data.europa.eu/esco/skill/bench-{i}",
                esco_id=uuid.uuid4(),
                preferred_label=word(i),
                kind="skill/competence",
            )
            for i in range(CONCEPTS)
        ]
    )
    SkillLabel.objects.bulk_create(
        [
            SkillLabel(
                concept=c, label=c.preferred_label, search=c.preferred_label, is_preferred=True
            )
            for c in concepts
        ]
    )
    through = SkillConcept.groups.through
    through.objects.bulk_create(
        [
            through(skillconcept_id=c.pk, skillgroup_id=groups[i // GROUP_SIZE].pk)
            for i, c in enumerate(concepts)
        ]
    )
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
    ProfileSkill.objects.bulk_create(
        [
            ProfileSkill(student=student, concept=c, source="declared")
            for c in rng.sample(concepts, 8)
        ]
    )
    for start in range(0, n, 2000):
        opps = Opportunity.objects.bulk_create(
            [
                Opportunity(
                    host=host,
                    title=f"Internship {i}",
                    type="internship",
                    description="Bench posting.",
                    skills_wanted=", ".join(
                        word(k) for k in rng.sample(range(CONCEPTS), rng.randint(3, 6))
                    ),
                    status="published",
                )
                for i in range(start, min(n, start + 2000))
            ]
        )
        OpportunityApproval.objects.bulk_create(
            [OpportunityApproval(opportunity=o, institution=inst, status="approved") for o in opps]
        )
    return student


def main() -> None:
    from tandem.profiles.selectors import recommendations_for
    from tandem.skills.services import opportunity_skills_refresh

    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(7)
    t0 = time.perf_counter()
    student = build(args.n, rng)
    print(f"built {args.n} postings in {time.perf_counter() - t0:.1f} s ({connection.vendor})")
    t0 = time.perf_counter()
    changed = opportunity_skills_refresh()
    fill = time.perf_counter() - t0
    print(f"opportunity_skills_refresh: {changed} opportunities in {fill:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def once() -> tuple[int, int, float]:
        student.__dict__.pop("_student_memberships_cache", None)  # as in a fresh request
        recs = recommendations_for(student)
        page = recs[:25]
        return len(recs), len(page), page[0].score if page else 0.0

    def measure(cold: bool) -> tuple[list[float], int, tuple[int, int, float]]:
        times, queries, result = [], 0, (0, 0, 0.0)
        for _ in range(args.runs):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                result = once()
                times.append((time.perf_counter() - t) * 1000)
            queries = max(queries, len(ctx.captured_queries))
        return sorted(times), queries, result

    once()  # warm-up (the extractor's taxonomy, connections)
    for label, cold in (("first visit (nothing cached)", True), ("warm visit", False)):
        times, queries, (total, page, best) = measure(cold)
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(
            f"for you, {label}: {args.n} postings, {total} listed, page of {page} "
            f"(best fit {best:.2f}); {args.runs} runs: median {statistics.median(times):.0f} ms, "
            f"p95 {p95:.0f} ms, max {times[-1]:.0f} ms, {queries} queries"
        )


if __name__ == "__main__":
    main()
