"""The big world: one institution with a large catalogue of approved postings, many students
and applications, for the scale benchmarks (``bench/scale_pages_bench.py``) and the
flat-query tests (``tests/test_scale_pages.py``).

    TANDEM_DATA_DIR=/tmp/big .venv/bin/python bench/bigworld.py \
        --opportunities 100000 --students 10000 --applications 50000 [--flush]

Runs on the database of the settings (SQLite under ``TANDEM_DATA_DIR``, or PostgreSQL when
``TANDEM_DATABASE_URL`` points there — use a throw-away database such as ``bench_big``).

**A benchmark fixture generator, not product code.** It writes in batches, bypassing the
audited services on purpose: going through one service call per row would take hours for
160,000 rows. Whatever ``save()`` derives is set here by hand (``eligible_programs_key``),
and the skill index is filled by :func:`fill_opportunity_skills`.

**Time** at the full size (``docs/benchmarks.md``, "Scale", 7 December 2026, on a machine
loaded by others, load average 6–12): SQLite ~100 s (was 218 s), PostgreSQL 167–307 s (was
478 s), 56–65 s of the generator's CPU on either. How: the big tables go in through
:func:`_insert` (the values ``bulk_create`` would send, in one ``executemany`` or
PostgreSQL ``COPY`` a batch, without the ORM's per-value compiling); the postings' search
indexes are built once after their insert instead of row by row
(:func:`_without_search_indexes`: PostgreSQL's trigram GIN indexes, SQLite's FTS5 trigger);
the connection skips durability while it loads (:func:`_bulk_session`); and the rankings
come from the product's own batch refresh, which shares the visibility masks per (program,
year) and the index work per reach among students.

What it builds (its own organizations, next to whatever else is in the database):

- the institution ``bigworld-university`` with one coordinator
  (``coordinator@bigworld.test``), a handful of curriculum programs, and ``students``
  students (``student-00001@bigworld.test`` …) with a program, a year of study and 3–6
  declared ESCO skills each;
- 40 partner organizations in several sectors, each with a recruiter
  (``recruiter-00@bigworld.test`` …);
- ``opportunities`` postings with realistic titles and descriptions: 98 % published and
  approved by the institution (some open to every program, some to one or two programs, some
  bounded by year of study), 2 % awaiting the institution's approval (the coordinator's
  queue);
- ``applications`` applications by the students to published postings, spread over every
  stage;
- the skills of every posting (see :func:`fill_opportunity_skills`);
- every new student's stored "For you" ranking (``recommendations_refresh``, as the
  background task computes it), so that a first visit reads it as later visits do.

Every account's password is :data:`PASSWORD`. The same seed gives the same world.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # pragma: no cover - run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()

from bigworld_data import (
    ALL_SKILLS,
    CITIES,
    FIRST,
    LAST,
    LEVELS,
    PARTNER_KINDS,
    PARTNER_NAMES,
    PROGRAM_FIELDS,
    PROGRAMS,
    ROLES,
    SECTORS,
    SKILLS,
    STAGES_WEIGHTED,
)
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

PASSWORD = "bigworld-2026"  # noqa: S105 - a benchmark fixture's printed password
DOMAIN = "bigworld.test"
INSTITUTION_SLUG = "bigworld-university"
BATCH = 5000


@dataclass(frozen=True)
class BigWorld:
    """What tests and benches log in as, and the sizes built."""

    institution: Any
    coordinator: Any
    student: Any  # Computer Science, year 2: sees most postings
    recruiter: Any
    opportunities: int
    students: int
    applications: int


def _say(step: str) -> None:
    pass


def build_big_world(
    *,
    opportunities: int = 100_000,
    students: int = 10_000,
    applications: int = 50_000,
    seed: int = 12,
    grow: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BigWorld:
    """Build the big world in the current database (see the module docstring). Refuses to
    build it twice (flush the database first) unless ``grow``: then the sizes given are
    added to the world already there (tests measure a page, grow the world, measure again).
    New applications go to new students and new postings."""
    from tandem.organizations.models import Organization

    say = progress or _say
    exists = Organization.objects.filter(slug=INSTITUTION_SLUG).exists()
    if exists and not grow:
        raise RuntimeError("the big world is already in this database: flush it first")
    rng = random.Random(seed)
    with _bulk_session(), transaction.atomic():
        say("organizations and staff")
        inst, coordinator, partners, recruiters = (
            _existing_organizations() if exists else _organizations(rng)
        )
        say(f"{students} students")
        student_ids = _students(rng, inst, students)
        say(f"{opportunities} opportunities")
        with _without_search_indexes("opportunities_opportunity", say):
            published_ids = _opportunities(rng, inst, partners, opportunities)
        say(f"{applications} applications")
        made = _applications(rng, inst, student_ids, published_ids, applications)
        from tandem.applications.stage_counts import applications_changed

        applications_changed()  # bulk_create sends no post_save: the cached counts go stale
        say("commit (the deferred foreign-key checks of every row run here)")
    with _bulk_session():
        say("opportunity skills")
        fill_opportunity_skills(published_ids)
        say("planner statistics (ANALYZE)")
        with connection.cursor() as cursor:  # fresh planner statistics on both databases
            cursor.execute("ANALYZE")
        say('students\' "for you" rankings')
        from tandem.profiles.services.recommendations import recommendations_refresh

        recommendations_refresh(student_ids=student_ids)  # what the background refresh stores
    from tandem.accounts.models import User

    return BigWorld(
        institution=inst,
        coordinator=coordinator,
        student=User.objects.get(email=f"student-00001@{DOMAIN}"),
        recruiter=recruiters[0],
        opportunities=opportunities,
        students=students,
        applications=made,
    )


@contextmanager
def _bulk_session() -> Iterator[None]:
    """The generator's connection, for the time of a bulk load, trades durability for speed:
    a crash loses the world being built, which is thrown away anyway. SQLite: no fsync
    (``synchronous=OFF``), a 256 MB page cache (the default 2 MB made the inserts into the
    100,000-row tables' B-trees read pages back from the OS), temporary B-trees in memory.
    PostgreSQL: commits do not wait for the WAL to reach the disk, and the search indexes are
    built with 512 MB of ``maintenance_work_mem`` (the default 64 MB). Set back afterwards (the
    tests build small worlds on their own connection)."""
    if connection.in_atomic_block:  # settings of the outer call hold
        yield
        return
    if connection.vendor == "sqlite":
        pragmas = ("synchronous", "cache_size", "temp_store")
        with connection.cursor() as cursor:
            before = {}
            for p in pragmas:
                cursor.execute(f"PRAGMA {p}")
                before[p] = cursor.fetchone()[0]
            for p, value in (("synchronous", 0), ("cache_size", -262144), ("temp_store", 2)):
                cursor.execute(f"PRAGMA {p} = {value}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for p, value in before.items():
                    cursor.execute(f"PRAGMA {p} = {int(value)}")
        return
    if connection.vendor == "postgresql":
        settings = {"synchronous_commit": "off", "maintenance_work_mem": "512MB"}
        was: dict[str, str] = {}
        with connection.cursor() as cursor:
            for name, setting in settings.items():
                cursor.execute(
                    "SELECT current_setting(%s), set_config(%s, %s, false)", [name, name, setting]
                )
                was[name] = cursor.fetchone()[0]
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for name, setting in was.items():
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, setting])
        return
    yield


@contextmanager
def _without_search_indexes(table: str, say: Callable[[str], None]) -> Iterator[None]:
    """Full-text search indexes off during a bulk insert into ``table``, built once after it
    instead of updated row by row. PostgreSQL: its GIN indexes (the trigram search indexes,
    migration opportunities/0003) are dropped and built again (53 of the 132 s of the build
    before). SQLite: the trigger that copies each new row into the FTS5 table
    (``<table>_fts_ai``) is dropped, the new rows are copied with one ``INSERT … SELECT``, and
    the trigger is created again. Must run inside a transaction: when the insert fails, the
    rollback restores the indexes and the trigger."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [f"{table}_fts_ai"],
            )
            trigger = cursor.fetchone()
            if trigger is None:
                yield
                return
            cursor.execute(f'PRAGMA table_info("{table}_fts")')
            columns = [row[1] for row in cursor.fetchall()]
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
            (last,) = cursor.fetchone()
            cursor.execute(f'DROP TRIGGER "{trigger[0]}"')
        yield
        say("search index (FTS5) filled")
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{table}_fts" (rowid, {names}) '  # noqa: S608 - names of the schema
                f'SELECT id, {names} FROM "{table}" WHERE id > %s ORDER BY id',
                [last],
            )
            cursor.execute(trigger[1])
        return
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexdef LIKE %s",
            [table, "% USING gin %"],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    if indexes:
        say(f"{len(indexes)} search indexes built again")
    with connection.cursor() as cursor:
        # The rows' deferred foreign-key checks first: PostgreSQL builds no index on a table
        # with trigger events pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


_SIMPLE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "FloatField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _converter(field: Any) -> Callable[[Any], Any]:
    """How a value of ``field`` goes to the database driver, as ``bulk_create`` would send
    it: unchanged for the plain types, else the field's ``get_db_prep_save`` (remembered per
    value where values repeat: dates, decimals)."""
    kind = field.get_internal_type()
    if kind == "ForeignKey":
        kind = field.target_field.get_internal_type()
    if kind in _SIMPLE:
        return lambda v: v
    if kind == "UUIDField":
        if connection.vendor == "sqlite":
            return lambda v: None if v is None else v.hex
        return lambda v: v
    prep = field.get_db_prep_save
    if kind in {"DateTimeField", "DateField", "DecimalField"}:
        memo: dict[Any, Any] = {}

        def convert(v: Any) -> Any:
            got = memo.get(v, memo)
            if got is memo:
                got = memo[v] = prep(v, connection)
            return got

        return convert
    return lambda v: prep(v, connection)


def _insert(objs: list[Any]) -> list[Any]:
    """``bulk_create`` for the generator's big tables, a few times faster: the same values
    (defaults from each instance, ``auto_now``/``auto_now_add`` set to one time per call,
    every field converted as the ORM converts it) sent with one prepared ``executemany``
    (PostgreSQL: one ``COPY``) instead of the ORM compiling multi-row statements value by
    value. The new rows' ids, in order, are the ids above the table's largest before (one
    writer: the generator's transaction); they are set on the instances, which are returned."""
    if not objs:
        return objs
    from django.utils import timezone

    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for o in objs:
                setattr(o, f.attname, now)
    converters = [(f.attname, _converter(f)) for f in fields]
    rows = [tuple(convert(getattr(o, name)) for name, convert in converters) for o in objs]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        # Table and column names from the models' metadata, quoted; values as parameters.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        (last,) = cursor.fetchone()
        if connection.vendor == "postgresql":  # COPY: one stream, not a statement a row
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        cursor.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [last])  # noqa: S608
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) != len(objs):
        raise RuntimeError(f"{meta.db_table}: {len(objs)} rows written, {len(ids)} found")
    for o, pk in zip(objs, ids, strict=True):
        o.pk = pk
        o._state.adding = False
        o._state.db = connection.alias
    return objs


def _organizations(rng: random.Random) -> tuple[Any, Any, list[Any], list[Any]]:
    from tandem.accounts.models import User
    from tandem.curricula.models import Program
    from tandem.organizations.models import Membership, Organization, Role

    inst = Organization.objects.create(
        name="Bigworld University",
        slug=INSTITUTION_SLUG,
        kind="institution",
        type="university",
        sector="education",
        city="Leeds",
    )
    Program.objects.bulk_create(
        [Program(institution=inst, title=p, code=f"BW{i:02}") for i, p in enumerate(PROGRAMS)]
    )
    password = make_password(PASSWORD)
    coordinator = User.objects.create(
        email=f"coordinator@{DOMAIN}", full_name="Casey Coordinator", password=password
    )
    Membership.objects.create(user=coordinator, organization=inst, role=Role.COORDINATOR)
    partners = Organization.objects.bulk_create(
        [
            Organization(
                name=f"{PARTNER_NAMES[i % len(PARTNER_NAMES)]} "
                f"{PARTNER_KINDS[i % len(PARTNER_KINDS)]} {i // len(PARTNER_NAMES) + 1}",
                slug=f"bigworld-partner-{i:02}",
                kind="partner",
                type="company",
                sector=SECTORS[i % len(SECTORS)],
                city=CITIES[i % len(CITIES)],
            )
            for i in range(40)
        ]
    )
    recruiters = User.objects.bulk_create(
        [
            User(email=f"recruiter-{i:02}@{DOMAIN}", full_name=f"Recruiter {i}", password=password)
            for i in range(len(partners))
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, organization=p, role=Role.RECRUITER)
            for u, p in zip(recruiters, partners, strict=True)
        ]
    )
    return inst, coordinator, partners, recruiters


def _existing_organizations() -> tuple[Any, Any, list[Any], list[Any]]:
    from tandem.accounts.models import User
    from tandem.organizations.models import Organization

    inst = Organization.objects.get(slug=INSTITUTION_SLUG)
    partners = list(
        Organization.objects.filter(slug__startswith="bigworld-partner-").order_by("slug")
    )
    recruiters = list(
        User.objects.filter(email__startswith="recruiter-", email__endswith="@" + DOMAIN).order_by(
            "email"
        )
    )
    return inst, User.objects.get(email=f"coordinator@{DOMAIN}"), partners, recruiters


def _batches(seq: Sequence[Any], size: int = BATCH):  # type: ignore[no-untyped-def]
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _students(rng: random.Random, inst: Any, n: int) -> list[int]:
    from tandem.accounts.models import User
    from tandem.organizations.models import Membership, Role
    from tandem.profiles.models import ProfileSkill

    concepts = _skill_concepts()
    password = make_password(PASSWORD)
    ids: list[int] = []
    first = 1 + Membership.objects.filter(organization=inst, role=Role.STUDENT).count()
    for chunk in _batches(range(first, first + n)):
        users = _insert(
            [
                User(
                    email=f"student-{i:05}@{DOMAIN}",
                    full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    password=password,
                )
                for i in chunk
            ]
        )
        members, skills = [], []
        for k, user in enumerate(users):
            # The first student is the benches' and tests' viewer: Computer Science, year 2.
            program = PROGRAMS[0] if chunk[k] == 1 else rng.choice(PROGRAMS)
            year = 2 if chunk[k] == 1 else rng.randint(1, 4)
            members.append(
                Membership(
                    user=user,
                    organization=inst,
                    role=Role.STUDENT,
                    program=program,
                    year_of_study=year,
                )
            )
            pool = [u for f in (*PROGRAM_FIELDS[program], "common") for u in SKILLS[f]]
            for uri in rng.sample(sorted(set(pool)), min(len(set(pool)), rng.randint(3, 6))):
                skills.append(
                    ProfileSkill(student=user, concept_id=concepts[uri], source="declared")
                )
        _insert(members)
        _insert(skills)
        ids.extend(u.pk for u in users)
    return ids


def _skill_concepts() -> dict[str, int]:
    """The pool's ESCO concepts (created when the taxonomy is not loaded): URI → pk."""
    import uuid

    from tandem.skills.models import SkillConcept

    have = dict(SkillConcept.objects.filter(uri__in=ALL_SKILLS).values_list("uri", "pk"))
    missing = [
        SkillConcept(
            uri=uri,
            esco_id=uuid.UUID(uri.rsplit("/", 1)[-1]),
            preferred_label=label,
            kind="skill",
        )
        for uri, label in ALL_SKILLS.items()
        if uri not in have
    ]
    if missing:
        SkillConcept.objects.bulk_create(missing, ignore_conflicts=True)
        have = dict(SkillConcept.objects.filter(uri__in=ALL_SKILLS).values_list("uri", "pk"))
    return have


def _opportunities(rng: random.Random, inst: Any, partners: list[Any], n: int) -> list[int]:
    from datetime import timedelta

    from django.utils import timezone

    from tandem.opportunities.models import Opportunity, OpportunityApproval, programs_key

    now = timezone.now()
    published: list[int] = []
    first = Opportunity.objects.filter(host__in=partners).count()
    for chunk in _batches(range(first, first + n)):
        opps = []
        for i in chunk:
            role, field, otype, wanted, work = ROLES[rng.randrange(len(ROLES))]
            host = partners[rng.randrange(len(partners))]
            city = CITIES[rng.randrange(len(CITIES))]
            r = rng.random()
            fits = [p for p, f in PROGRAM_FIELDS.items() if field in f]
            programs = [] if r < 0.5 or not fits else rng.sample(fits, min(len(fits), 2))
            min_year = rng.choice([None, None, 2, 3]) if rng.random() < 0.4 else None
            awaiting = rng.random() < 0.02
            opps.append(
                Opportunity(
                    host=host,
                    title=f"{rng.choice(LEVELS)} {role.lower()} {otype.replace('_', ' ')}",
                    type=otype,
                    description=(
                        f"{host.name} is looking for a {role.lower()} to {work}. You will "
                        f"work with a mentor in {city}, take part in team rituals and present "
                        f"what you built at the end. Reference BW-{i:06}."
                    ),
                    skills_wanted=wanted,
                    location=city,
                    work_mode="remote" if city == "Remote" else rng.choice(["on_site", "hybrid"]),
                    hours_per_week=rng.choice([None, 20, 37.5]),
                    seats=rng.randint(1, 5),
                    eligible_programs=programs,
                    eligible_programs_key=programs_key(programs),
                    min_year_of_study=min_year,
                    application_deadline=now + timedelta(days=rng.randint(14, 200)),
                    status="awaiting_approval" if awaiting else "published",
                )
            )
        opps = _insert(opps)
        _insert(
            [
                OpportunityApproval(
                    opportunity=o,
                    institution=inst,
                    status="pending" if o.status == "awaiting_approval" else "approved",
                    decided_at=None if o.status == "awaiting_approval" else now,
                )
                for o in opps
            ]
        )
        published.extend(o.pk for o in opps if o.status == "published")
    return published


def _applications(
    rng: random.Random, inst: Any, students: list[int], published: list[int], n: int
) -> int:
    from tandem.applications.models import Application

    if not students or not published:
        return 0
    stages = [s for s, _ in STAGES_WEIGHTED]
    weights = [w for _, w in STAGES_WEIGHTED]
    seen: set[tuple[int, int]] = set()
    rows: list[Any] = []
    made = 0
    tries = 0
    while len(seen) < n and tries < 3 * n:
        tries += 1
        pair = (rng.choice(published), rng.choice(students))
        if pair in seen:
            continue
        seen.add(pair)
        stage = rng.choices(stages, weights)[0]
        rows.append(
            Application(
                opportunity_id=pair[0],
                student_id=pair[1],
                institution=inst,
                statement="I would like to learn how a professional team works and bring "
                "what I learned in my courses.",
                stage=stage,
                hire_outcome=rng.choice(["", "hired", "not_hired"]) if stage == "completed" else "",
            )
        )
        if len(rows) >= BATCH:
            _insert(rows)
            made += len(rows)
            rows = []
    if rows:
        _insert(rows)
        made += len(rows)
    return made


def fill_opportunity_skills(opportunity_ids: Sequence[int]) -> int:
    """Fill the opportunity → ESCO skill index for these postings; the number written.

    Through the skills app's public bulk service, ``opportunity_skills_store`` (both the
    per-opportunity lists and the inverted index), with the fingerprint of each posting's
    text, as ``opportunity_skills_refresh`` stores them. The skills themselves are picked
    from the fixed pool by each posting's field — as the lexical extractor would find them,
    without running it 100,000 times; ``opportunity_skills_refresh(force=True)`` re-extracts
    them for real.
    """
    from tandem.opportunities.models import Opportunity
    from tandem.skills.services import (
        ExtractedSkills,
        opportunity_skills_store,
        opportunity_text,
        text_fingerprint,
    )

    field_of = {role.lower(): field for role, field, *_ in ROLES}
    written = 0
    for chunk in _batches(list(opportunity_ids)):
        results = []
        for o in Opportunity.objects.filter(pk__in=chunk).only(
            "pk", "title", "description", "skills_wanted"
        ):
            field = next((f for r, f in field_of.items() if r in o.title), "common")
            uris = (*SKILLS[field], *list(SKILLS["common"])[:1])
            results.append(ExtractedSkills(o.pk, text_fingerprint(opportunity_text(o)), uris))
        written += opportunity_skills_store(results=results, mode="lexical")
    return written


def main() -> int:
    from django.core.management import call_command

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--opportunities", type=int, default=100_000)
    ap.add_argument("--students", type=int, default=10_000)
    ap.add_argument("--applications", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--flush", action="store_true", help="empty the database first")
    args = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    call_command("migrate", verbosity=0)
    if args.flush:
        call_command("flush", interactive=False, verbosity=0)

    def progress(step: str) -> None:
        # Wall clock and the generator's own CPU (a loaded machine inflates the first only;
        # the database server's CPU, PostgreSQL's, is in neither).
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"{wall:6.1f} s  (CPU {cpu:5.1f} s)  {step}", flush=True)

    world = build_big_world(
        opportunities=args.opportunities,
        students=args.students,
        applications=args.applications,
        seed=args.seed,
        progress=progress,
    )
    print(
        f"built in {time.perf_counter() - t0:.1f} s (CPU {time.process_time() - c0:.1f} s) "
        f"on {connection.vendor}: "
        f"{world.opportunities} opportunities, {world.students} students, "
        f"{world.applications} applications; logins {world.coordinator.email}, "
        f"{world.student.email}, {world.recruiter.email} (password {PASSWORD})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
