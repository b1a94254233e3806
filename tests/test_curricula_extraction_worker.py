"""Extraction jobs through the real database queue and a separate worker process, with the
label-embedding cache under the data dir; and what the semantic stage adds (paraphrases)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from tandem.curricula import services_jobs
from tandem.curricula.models import ExtractionJob, OutcomeSkill
from tandem.organizations.models import Role
from tandem.skills.engine.semantic import MODEL_ID, ml_available
from tandem.skills.services.batch import job_mode, reset_batch_extractor
from tandem.skills.services.extraction import reset_extractor
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    ProgramFactory,
    member,
    small_taxonomy,
)

# slow: starts `tandem worker` processes.
pytestmark = pytest.mark.slow

WORKER = (sys.executable, "-m", "tandem.cli", "manage", "db_worker", "--queue-name", "*")
PARAPHRASE = "Students bargain over the terms of supplier agreements."


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def _worker(tmp_path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": _database_url(),
        "TANDEM_DATA_DIR": str(tmp_path),
        "TANDEM_TASK_BACKEND": "database",
    }
    return subprocess.run(
        [*WORKER, "--batch", "--no-startup-delay"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _world():
    reset_extractor()
    reset_batch_extractor()
    small_taxonomy()
    school = InstitutionFactory()
    program = ProgramFactory(institution=school)
    course = CourseFactory(program=program)
    LearningOutcomeFactory(course=course, text="Students query a database with SQL.")
    LearningOutcomeFactory(course=course, text=PARAPHRASE)
    return school, program, member(school, Role.EDUCATOR)


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_runs_the_job_and_reuses_the_cached_embeddings(settings, tmp_path):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "extraction"],
        }
    }
    _school, program, educator = _world()

    first = services_jobs.extraction_job_start(actor=educator, scope="outcomes", program=program)
    # Nothing runs in the request: the task waits in the queue table.
    assert DBTaskResult.objects.get().task_path == "tandem.curricula.tasks.run_extraction_job"
    first.refresh_from_db()
    assert (first.status, first.processed, first.total) == ("queued", 0, 2)

    done = _worker(tmp_path)
    assert done.returncode == 0, done.stderr
    first.refresh_from_db()
    assert (first.status, first.processed, first.total, first.mode) == ("done", 2, 2, job_mode())
    sql = OutcomeSkill.objects.get(outcome__text__contains="SQL")
    assert (sql.concept.preferred_label, sql.status) == ("SQL", "suggested")
    cache = list((tmp_path / "cache" / "skills").glob(f"{MODEL_ID}-*.npz"))
    if first.mode == "combined":
        # The first job embedded the taxonomy's labels and cached them under the data dir...
        assert first.labels_embedded >= 10 and len(cache) == 1
    else:
        assert first.labels_embedded == 0 and cache == []

    second = services_jobs.extraction_job_start(actor=educator, scope="outcomes", program=program)
    assert _worker(tmp_path).returncode == 0
    second.refresh_from_db()
    # ...so the next worker process loads them from disk instead of embedding again.
    assert (second.status, second.labels_embedded, second.changed) == ("done", 0, 0)
    assert ExtractionJob.objects.filter(status="done").count() == 2


@pytest.mark.skipif(not ml_available(), reason="needs the ML extra (.[ml])")
@pytest.mark.django_db
def test_the_semantic_stage_suggests_paraphrased_skills(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _school, program, educator = _world()
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = services_jobs.extraction_job_start(actor=educator, scope="outcomes", program=program)
    job.refresh_from_db()
    assert (job.mode, job.status, job.processed) == ("combined", "done", 2)
    assert job.labels_embedded > 0
    paraphrase = OutcomeSkill.objects.filter(outcome__text=PARAPHRASE).select_related("concept")
    # No label is spelled out in the text; the lexical stage finds nothing, the semantic one
    # the skill it describes.
    assert [link.concept.preferred_label for link in paraphrase] == ["negotiate contracts"]
    assert paraphrase[0].spans == [[0, len(PARAPHRASE)]]

    reset_batch_extractor()  # a new worker process: the embeddings come from the disk cache
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = services_jobs.extraction_job_start(
            actor=educator, scope="outcomes", program=program
        )
    again.refresh_from_db()
    assert (again.labels_embedded, again.changed, again.mode) == (0, 0, "combined")
