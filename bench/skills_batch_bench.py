"""Batch extraction job throughput: generated ~300-word postings, lexical and combined mode.

    .venv/bin/python bench/skills_batch_bench.py [--postings 2000] [--modes lexical,combined]
        [--combined-postings 2000] [--concepts 0] [--words 300]

Runs the real job (``tandem.curricula.services_jobs``: chunks of 200 postings, embedding
batches of 64, progress written after each chunk) on an import of generated postings, in a
fresh SQLite database in a temporary folder (never your own data). The postings are made
deterministically from real ESCO labels (the installed data packages) set in plain job-ad
sentences, so each names about a dozen skills. ``--concepts N`` loads only the first N ESCO
concepts (0: all 13,939), to keep the one-off label embedding short on a small machine.

Reports, per mode: building the extractor from the database (for ``combined``, including
embedding the taxonomy's labels or loading them from the on-disk cache), then the job's
wall-clock throughput in postings/s, and a second job on the same postings, which reuses
the extractor and changes nothing (idempotence).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FILLER = (
    "We are a growing company with offices in several cities.",
    "You will join a friendly team that values learning and fair pay.",
    "The role reports to the head of operations and works with many departments.",
    "We offer flexible hours, a training budget and a pension plan.",
    "Applications are reviewed on a rolling basis, so apply early.",
    "You will take part in planning meetings and help new colleagues settle in.",
    "Travel is occasional and limited to our regional sites.",
)
SKILL_SENTENCES = (
    "You will {x} every day.",
    "Experience with {x} is essential.",
    "Knowledge of {x} is a plus.",
    "The ideal candidate is able to {x} without supervision.",
    "Responsibilities include {x} and reporting on progress.",
)


def make_postings(labels: list[str], n: int, words: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts: list[str] = []
        count = 0
        while count < words:
            if rng.random() < 0.45:
                s = rng.choice(SKILL_SENTENCES).format(x=rng.choice(labels))
            else:
                s = rng.choice(FILLER)
            parts.append(s)
            count += len(s.split())
        out.append(" ".join(parts))
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load:.1f} at start"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=2000)
    ap.add_argument("--combined-postings", type=int, default=0, help="0: same as --postings")
    ap.add_argument("--modes", default="lexical,combined")
    ap.add_argument("--concepts", type=int, default=0, help="first N ESCO concepts; 0: all")
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument(
        "--cache-dir",
        default=str(Path.home() / ".cache" / "tandem" / "skills"),
        help="label-embedding cache to reuse between runs",
    )
    args = ap.parse_args()

    data_dir = tempfile.mkdtemp(prefix="tandem-batch-bench-")
    os.environ["TANDEM_DATA_DIR"] = data_dir
    os.environ.pop("TANDEM_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    (Path(data_dir) / "cache").mkdir()
    Path(args.cache_dir).mkdir(parents=True, exist_ok=True)
    os.symlink(args.cache_dir, Path(data_dir) / "cache" / "skills")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tandem.accounts.models import User
    from tandem.curricula.models import ExtractionJob, JobPosting, PostingImport
    from tandem.curricula.services_jobs import extraction_job_run, extraction_job_start
    from tandem.organizations.models import Membership, Organization
    from tandem.skills.engine.esco import load_taxonomy
    from tandem.skills.engine.semantic import ml_available
    from tandem.skills.models import SkillConcept, SkillLabel
    from tandem.skills.services.batch import get_batch_extractor

    print(machine())
    taxonomy = load_taxonomy()
    concepts = taxonomy.concepts[: args.concepts] if args.concepts else taxonomy.concepts
    rows = SkillConcept.objects.bulk_create(
        [
            SkillConcept(
                uri=c.uri,
                esco_id=uuid.UUID(c.uri.rsplit("/", 1)[1]),
                preferred_label=c.preferred_label,
            )
            for c in concepts
        ],
        batch_size=2000,
    )
    SkillLabel.objects.bulk_create(
        [
            SkillLabel(concept=row, label=label, search=label.lower(), is_preferred=i == 0)
            for row, c in zip(rows, concepts, strict=True)
            for i, label in enumerate(c.labels)
        ],
        batch_size=5000,
    )
    labels = [label for c in concepts for label in c.labels if len(label.split()) <= 4]
    print(f"taxonomy: {len(concepts):,} concepts, {SkillLabel.objects.count():,} labels")

    school = Organization.objects.create(
        name="Bench", slug="bench", kind="institution", type="college", sector="education"
    )
    user = User.objects.create_user(email="bench@example.org", password=None, full_name="Bench")
    Membership.objects.create(user=user, organization=school, role="coordinator")

    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        if mode != "lexical" and not ml_available():
            print(f"{mode}: skipped (the ML extra is not installed)")
            continue
        n = args.postings if mode == "lexical" else (args.combined_postings or args.postings)
        texts = make_postings(labels, n, args.words)
        batch = PostingImport.objects.create(
            institution=school, filename=f"{mode}.csv", format="csv", total=n, status="done"
        )
        JobPosting.objects.bulk_create(
            [
                JobPosting(batch=batch, institution=school, line=i + 2, title="Job", description=t)
                for i, t in enumerate(texts)
            ],
            batch_size=2000,
        )
        words = sum(len(t.split()) for t in texts) / n
        t0 = time.perf_counter()
        built = get_batch_extractor(mode)  # type: ignore[arg-type]
        build_s = time.perf_counter() - t0
        print(
            f"{mode}: extractor built in {build_s:.1f} s "
            f"({built.labels_embedded:,} labels embedded; 0 = loaded from the cache)"
        )
        for run in (1, 2):
            job = extraction_job_start(actor=user, scope="import", posting_import=batch)
            t0 = time.perf_counter()
            cpu0 = time.process_time()
            extraction_job_run(job_id=job.pk, mode=mode)  # type: ignore[arg-type]
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            job = ExtractionJob.objects.get(pk=job.pk)
            found = sum(
                len(s)
                for s in JobPosting.objects.filter(batch=batch).values_list("skills", flat=True)
            )
            print(
                f"{mode} job {run}: {job.processed:,} postings of ~{words:.0f} words "
                f"in {wall:.1f} s "
                f"= {job.processed / wall:,.1f} postings/s wall ({job.processed / cpu:,.1f}/s per "
                f"CPU-second), {found / n:.1f} skills per posting, {job.changed:,} changed, "
                f"status {job.status}"
            )
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
