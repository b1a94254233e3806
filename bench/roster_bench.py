"""Roster import benchmark: a generated OneRoster 1.1 export of 4,000 students, 150 teachers
and 16,000 enrollments, imported into a fresh institution, then imported again (nothing to
change).

    .venv/bin/python bench/roster_bench.py [--students 4000] [--teachers 150]
                                           [--enrollments 16000]

Runs on SQLite in a temporary data folder of its own (migrated first, not timed), or on the
PostgreSQL database of ``TANDEM_DATABASE_URL`` (use a throw-away one). Prints the machine,
the load (``uptime``) and the time of each import; the figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCHOOLS = 4


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def generate(folder: Path, students: int, teachers: int, enrollments: int) -> None:
    """A deterministic OneRoster 1.1 bulk export (seed 7)."""
    rng = random.Random(7)
    write_csv(
        folder / "manifest.csv",
        ["propertyName", "value"],
        [["manifest.version", "1.0"], ["oneroster.version", "1.1"]]
        + [[f"file.{n}", "bulk"] for n in ("orgs", "users", "courses", "classes", "enrollments")],
    )
    common = ["sourcedId", "status", "dateLastModified"]
    write_csv(
        folder / "orgs.csv",
        [*common, "name", "type", "identifier", "parentSourcedId"],
        [["d", "", "", "Bench District", "district", "", ""]]
        + [[f"s{i}", "", "", f"Bench School {i}", "school", "", "d"] for i in range(SCHOOLS)],
    )
    courses = 40
    write_csv(
        folder / "courses.csv",
        [*common, "title", "courseCode", "orgSourcedId"],
        [
            [f"c{i}", "", "", f"Course {i}", f"BEN{i:03d}", f"s{i % SCHOOLS}"]
            for i in range(courses)
        ],
    )
    classes = max(1, teachers * 3)
    write_csv(
        folder / "classes.csv",
        [*common, "title", "courseSourcedId", "classCode", "schoolSourcedId"],
        [
            [
                f"k{i}",
                "",
                "",
                f"Class {i}",
                f"c{i % courses}",
                f"BEN{i % courses:03d}-{i}",
                f"s{i % courses % SCHOOLS}",
            ]
            for i in range(classes)
        ],
    )
    header = [
        *common,
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "givenName",
        "familyName",
        "email",
    ]
    users = (
        [
            [
                f"u{i}",
                "",
                "",
                "true",
                f"s{i % SCHOOLS}",
                "student",
                f"st{i}",
                f"Student{i}",
                "Bench",
                f"student{i}@bench.example",
            ]
            for i in range(students)
        ]
        + [
            [
                f"t{i}",
                "",
                "",
                "true",
                f"s{i % SCHOOLS}",
                "teacher",
                f"te{i}",
                f"Teacher{i}",
                "Bench",
                f"teacher{i}@bench.example",
            ]
            for i in range(teachers)
        ]
        + [["a0", "", "", "true", "d", "administrator", "ad", "Admin", "Bench", "a@bench.example"]]
    )
    write_csv(folder / "users.csv", header, users)
    rows = [
        [f"et{i}", "", "", f"k{i}", f"s{i % courses % SCHOOLS}", f"t{i % teachers}", "teacher"]
        for i in range(classes)
    ]
    pairs: set[tuple[int, int]] = set()
    while len(rows) + len(pairs) < enrollments:
        pairs.add((rng.randrange(students), rng.randrange(classes)))
    rows += [
        [f"es{n}", "", "", f"k{k}", f"s{k % courses % SCHOOLS}", f"u{u}", "student"]
        for n, (u, k) in enumerate(sorted(pairs))
    ]
    write_csv(
        folder / "enrollments.csv",
        [*common, "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
        rows,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=4000)
    parser.add_argument("--teachers", type=int, default=150)
    parser.add_argument("--enrollments", type=int, default=16000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="roster-bench-"))
    if not os.environ.get("TANDEM_DATABASE_URL"):
        os.environ["TANDEM_DATA_DIR"] = str(work / "data")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tandem.organizations.models import Organization
    from tandem.rosters.reader import files_from_path
    from tandem.rosters.services import roster_import

    call_command("migrate", verbosity=0)
    export = work / "export"
    export.mkdir()
    generate(export, args.students, args.teachers, args.enrollments)
    institution = Organization.objects.create(
        name=f"Roster Bench {time.time_ns()}",
        slug=f"roster-bench-{time.time_ns()}",
        kind="institution",
        type="college",
        sector="education",
        city="Leeds",
    )
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {connection.vendor}"
    )
    print(
        f"data: {args.students} students, {args.teachers} teachers, {args.enrollments} enrollments"
    )
    for run in ("fresh", "again"):
        load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        start = time.perf_counter()
        result = roster_import(
            actor=None, institution=institution, files=files_from_path(export)
        ).as_dict()
        took = time.perf_counter() - start
        print(f"{run}: {took:.1f} s  users {result['users']}  enrollments {result['enrollments']}")
        print(f"  uptime: {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
