"""Gap analysis speed: 100,000 postings against a 40-course program (target < 10 s).

Runs ``tandem.curricula.gap.analyse`` (pure Python, no database) on synthetic data shaped like
the real thing: 13,939 skill URIs under a 4-level hierarchy, postings with 4–12 skills drawn
from a Zipf-like popularity curve over three years of dates, sectors and regions, and a
40-course program with 6 outcomes per course and 3 confirmed skills per outcome.

    .venv/bin/python bench/gap_analysis_bench.py [--postings 100000] [--courses 40] [--runs 3]
    .venv/bin/python bench/gap_analysis_bench.py --db   # the whole report from the database

``--db`` measures the report as the web page builds it (``tandem.curricula.reports``):
reading the postings, labels and hierarchy from a fresh SQLite database in a temporary
folder (never your own data), then the analysis.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from tandem.curricula.gap import Filters, Posting, SkillInfo, Taught, analyse

CONCEPTS = 13_939


def build(postings: int, courses: int, seed: int = 7):
    rng = random.Random(seed)
    uris = [f"http://data.europa.eu/esco/skill/{i:05d}" for i in range(CONCEPTS)]
    skills = {}
    names = {"S": "skills"}
    for i, uri in enumerate(uris):
        l1, l2, l3 = (
            f"S{i % 8 + 1}",
            f"S{i % 8 + 1}.{i % 5 + 1}",
            f"S{i % 8 + 1}.{i % 5 + 1}.{i % 7 + 1}",
        )
        names.update({l1: f"group {l1}", l2: f"group {l2}", l3: f"group {l3}"})
        skills[uri] = SkillInfo(uri, f"skill {i}", (("S", l1, l2, l3),))
    cum, total = [], 0.0
    for rank in range(CONCEPTS):
        total += 1.0 / (rank + 1) ** 0.9
        cum.append(total)
    today = date(2026, 11, 23)
    sectors, regions = (
        ["tech", "health", "retail", "finance", "energy"],
        ["North", "South", "East", "West"],
    )
    out = []
    for n in range(postings):
        k = rng.randint(4, 12)
        out.append(
            Posting(
                id=f"j{n}",
                title=f"posting {n}",
                skills=tuple(rng.choices(uris, cum_weights=cum, k=k)),
                date=today - timedelta(days=rng.randint(0, 3 * 365)),
                sector=rng.choice(sectors),
                region=rng.choice(regions),
            )
        )
    taught = [
        Taught(rng.choice(uris[:3000]), f"o{c}-{o}", f"course {c}")
        for c in range(courses)
        for o in range(6)
        for _ in range(3)
    ]
    return out, taught, skills, names, today


def bench_db(n_postings: int, courses: int, runs: int) -> None:
    import os
    import tempfile

    os.environ["TANDEM_DATA_DIR"] = tempfile.mkdtemp(prefix="tandem-gap-bench-")
    os.environ.pop("TANDEM_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tandem.curricula import gap as gap_mod
    from tandem.curricula.models import (
        Course,
        JobPosting,
        LearningOutcome,
        OutcomeSkill,
        PostingImport,
        Program,
    )
    from tandem.curricula.reports import program_gap
    from tandem.organizations.models import Organization
    from tandem.skills.models import SkillConcept, SkillGroup

    postings, taught, skills, names, today = build(n_postings, courses)
    groups = {}
    for code in sorted(names, key=lambda c: (c.count("."), len(c), c)):
        parent = groups.get(code.rsplit(".", 1)[0]) if "." in code else groups.get("S")
        if code != "S" and "." not in code:
            parent = groups["S"]
        groups[code] = SkillGroup.objects.create(
            code=code,
            name=names[code],
            level=code.count(".") + (0 if code == "S" else 1),
            parent=parent if code != "S" else None,
        )
    import uuid

    concepts = SkillConcept.objects.bulk_create(
        [
            SkillConcept(uri=uri, esco_id=uuid.uuid4(), preferred_label=info.label, kind="skill")
            for uri, info in skills.items()
        ],
        batch_size=2000,
    )
    through = SkillConcept.groups.through
    through.objects.bulk_create(
        [
            through(skillconcept_id=c.pk, skillgroup_id=groups[skills[c.uri].groups[0][-1]].pk)
            for c in concepts
        ],
        batch_size=5000,
    )
    school = Organization.objects.create(
        name="Bench", slug="bench", kind="institution", type="college", sector="education"
    )
    program = Program.objects.create(institution=school, title="Bench program")
    by_uri = {c.uri: c.pk for c in concepts}
    outcomes = {}
    for t in taught:
        if t.outcome_id not in outcomes:
            course, _ = Course.objects.get_or_create(program=program, title=t.course)
            outcomes[t.outcome_id] = LearningOutcome.objects.create(
                course=course, text=t.outcome_id
            )
        OutcomeSkill.objects.get_or_create(
            outcome=outcomes[t.outcome_id],
            concept_id=by_uri[t.uri],
            defaults={"status": "confirmed"},
        )
    batch = PostingImport.objects.create(
        institution=school,
        filename="bench.csv",
        format="csv",
        total=len(postings),
        processed=len(postings),
        status="done",
    )
    JobPosting.objects.bulk_create(
        [
            JobPosting(
                batch=batch,
                institution=school,
                line=i + 2,
                title=p.title,
                date=p.date,
                sector=p.sector,
                region=p.region,
                skills=list(p.skills),
                extracted=True,
            )
            for i, p in enumerate(postings)
        ],
        batch_size=5000,
    )
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        report = program_gap(
            program, filters=gap_mod.Filters(), source="imports", today=today
        ).report
        times.append(time.perf_counter() - t)
    print(
        f"database path (SQLite): median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}) over {runs} runs; {report.postings:,} postings, "
        f"{Course.objects.count()} courses, coverage {100 * report.coverage:.1f}%"
    )
    import shutil

    shutil.rmtree(os.environ["TANDEM_DATA_DIR"], ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=100_000)
    ap.add_argument("--courses", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", action="store_true", help="measure the report from the database")
    args = ap.parse_args()
    if args.db:
        bench_db(args.postings, args.courses, args.runs)
        return
    t0 = time.perf_counter()
    postings, taught, skills, names, today = build(args.postings, args.courses)
    built = time.perf_counter() - t0
    print(f"built {len(postings):,} postings, {len(taught)} mappings in {built:.1f} s")
    for label, filters, level in (
        ("no filter, level 1", Filters(), 1),
        (
            "sector + region + date range, level 2",
            Filters("tech", "North", "", today - timedelta(days=365), today),
            2,
        ),
    ):
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            report = analyse(
                postings,
                taught,
                skills,
                today=today,
                group_names=names,
                filters=filters,
                level=level,
            )
            times.append(time.perf_counter() - t)
        median = statistics.median(times)
        print(
            f"{label}: median {median:.2f} s (min {min(times):.2f}) over {args.runs} runs; "
            f"{report.postings:,} postings, {len(report.demanded):,} skills, "
            f"coverage {100 * report.coverage:.1f}%, "
            f"{len(report.groups)} groups, {len(report.trend)} months"
        )


if __name__ == "__main__":
    main()
