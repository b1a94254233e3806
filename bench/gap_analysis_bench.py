"""Gap analysis speed: 100,000 postings against a 40-course program (target < 10 s).

Runs ``tandem.curricula.gap.analyse`` (pure Python, no database) on synthetic data shaped like
the real thing: 13,939 skill URIs under a 4-level hierarchy, postings with 4–12 skills drawn
from a Zipf-like popularity curve over three years of dates, sectors and regions, and a
40-course program with 6 outcomes per course and 3 confirmed skills per outcome.

    .venv/bin/python bench/gap_analysis_bench.py [--postings 100000] [--courses 40] [--runs 3]
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=100_000)
    ap.add_argument("--courses", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
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
