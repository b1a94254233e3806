"""Extraction jobs survive a killed worker, stop when cancelled, and never hold up e-mail —
with real `tandem worker` processes, on the database queue and on Redis (RQ).

The workers run the lexical mode with a short lease (2 s), one item per chunk and a pause
between chunks, so that a 54-item job lasts long enough to kill its worker in the middle.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from tandem.applications.models import Application
from tandem.applications.services import application_move
from tandem.audit.models import AuditEvent
from tandem.curricula import services_jobs
from tandem.curricula.models import ExtractionJob, JobStatus, OutcomeSkill
from tandem.organizations.models import Role
from tandem.skills.services.batch import reset_batch_extractor
from tandem.skills.services.extraction import reset_extractor
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    MembershipFactory,
    PartnerFactory,
    ProgramFactory,
    UserFactory,
    member,
    published_opportunity,
    small_taxonomy,
)

# slow: starts and kills `tandem worker` processes.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ITEMS = 54
QUEUES = ["default", "extraction"]
REDIS_URL = os.environ.get("TANDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
WORKER_SETTINGS = {
    "TANDEM_EXTRACTION_JOB_MODE": "lexical",
    "TANDEM_EXTRACTION_JOB_LEASE_SECONDS": "2",
    "TANDEM_WORKER_SWEEP_SECONDS": "0.5",
    "TANDEM_EXTRACTION_JOB_CHUNK": "1",
    "TANDEM_EXTRACTION_JOB_PAUSE_SECONDS": "0.2",
    "TANDEM_EXTRACTION_JOB_SLICE_SECONDS": "1",
    "TANDEM_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


# The RQ runs share one Redis database (its queue keys are global), so under xdist they all
# run on one worker (``--dist loadgroup``); the database-queue runs spread out.
@pytest.fixture(params=["database", pytest.param("rq", marks=pytest.mark.xdist_group("redis"))])
def backend(request, settings):
    """The test process enqueues through the same backend the worker processes serve."""
    settings.EXTRACTION_JOB_LEASE_SECONDS = 2
    if request.param == "database":
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}
        }
        return request.param
    import django_rq
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"the RQ backend needs Redis at {REDIS_URL} (TANDEM_TEST_REDIS_URL)")
    settings.RQ_QUEUES = {name: {"URL": REDIS_URL} for name in QUEUES}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}}
    for name in QUEUES:  # what an earlier, interrupted run may have left
        django_rq.get_queue(name).empty()
    return request.param


class Worker:
    """A `tandem worker` process (in its own process group, as on a machine of its own)."""

    def __init__(self, backend: str, tmp_path: Path, name: str) -> None:
        self.log = tmp_path / f"{name}.log"
        env = {
            **os.environ,
            **WORKER_SETTINGS,
            "TANDEM_DATABASE_URL": _database_url(),
            "TANDEM_DATA_DIR": str(tmp_path),
            "TANDEM_TASK_BACKEND": backend,
            "TANDEM_REDIS_URL": REDIS_URL,
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tandem.cli", "worker"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no signal handler, no cleanup (RQ's work horse goes with it)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _wait(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _job(job: ExtractionJob) -> ExtractionJob:
    job.refresh_from_db()
    return job


@pytest.fixture
def world(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    reset_extractor()
    reset_batch_extractor()
    small_taxonomy()
    school = InstitutionFactory()
    program = ProgramFactory(institution=school)
    course = CourseFactory(program=program)
    for i in range(ITEMS):
        LearningOutcomeFactory(course=course, text=f"Students query a database with SQL ({i}).")
    yield school, program, member(school, Role.EDUCATOR)
    reset_extractor()
    reset_batch_extractor()


def test_a_job_whose_worker_is_killed_is_resumed_by_a_fresh_worker_exactly_once(
    backend, world, tmp_path, client
):
    _school, program, educator = world
    first = Worker(backend, tmp_path, "first")
    workers = [first]
    try:
        job = services_jobs.extraction_job_start(actor=educator, scope="outcomes", program=program)
        _wait(lambda: _job(job).processed >= 8, 120, "the first worker to make progress")
        first.kill()
        job = _job(job)
        stopped_at = job.processed
        assert job.status == JobStatus.RUNNING and stopped_at < ITEMS
        assert OutcomeSkill.objects.values("outcome").distinct().count() == stopped_at

        # Nobody renews the lease: within 2 seconds the page says so.
        _wait(lambda: _job(job).worker_lost, 10, "the lease to expire")
        client.force_login(educator)
        page = client.get(reverse("curricula:extraction_job", args=[job.public_id])).text
        assert "Worker lost, resuming" in page

        workers.append(Worker(backend, tmp_path, "second"))
        _wait(lambda: _job(job).status == JobStatus.DONE, 120, "the fresh worker to finish")
    finally:
        for worker in workers:
            worker.kill()
    job = _job(job)
    assert (job.processed, job.total, job.changed, job.mode) == (ITEMS, ITEMS, ITEMS, "lexical")
    assert job.resumed >= 1 and not job.worker_lost
    # Each outcome's suggestions exist once: the same set for every outcome, no duplicates.
    links = Counter(OutcomeSkill.objects.values_list("outcome_id", "concept__preferred_label"))
    assert set(links.values()) == {1}
    per_outcome = Counter(outcome for outcome, _label in links)
    assert len(per_outcome) == ITEMS and len(set(per_outcome.values())) == 1
    assert "SQL" in {label for _o, label in links}
    finished = AuditEvent.objects.filter(action="curricula.extraction_job.finish")
    assert [e.changes["processed"] for e in finished] == [ITEMS]
    assert "worker lost; resuming" in workers[1].output()


def test_mail_goes_out_while_a_long_job_runs_and_cancel_stops_the_job(backend, world, tmp_path):
    school, program, educator = world
    company = PartnerFactory()
    recruiter = UserFactory(email="recruiter@example.org")
    MembershipFactory(user=recruiter, organization=company, role="recruiter")
    student = UserFactory(email="waiting.student@example.org")
    MembershipFactory(user=student, organization=school, role="student")
    opportunity = published_opportunity(company, [school], title="Lab technician placement")
    application = Application.objects.create(
        opportunity=opportunity, student=student, institution=school, statement="Hello"
    )
    # One worker for both queues, the worst case (`tandem serve` starts one per queue).
    worker = Worker(backend, tmp_path, "only")
    try:
        job = services_jobs.extraction_job_start(actor=educator, scope="outcomes", program=program)
        _wait(lambda: _job(job).processed >= 3, 120, "the job to make progress")
        application_move(actor=recruiter, application=application, to_stage="under_review")
        # A bound for a loaded machine (the suite's other process, the browsers): what the
        # test asserts is the next line, that the e-mail went out while the job still ran.
        _wait(
            lambda: "To: waiting.student@example.org" in worker.output(),
            60,
            "the e-mail to be sent",
        )
        # Sent while the job still runs: it did not wait for the job's end.
        job = _job(job)
        assert job.status == JobStatus.RUNNING and job.processed < ITEMS - 10

        cancelled = time.monotonic()
        services_jobs.extraction_job_cancel(actor=educator, job=job)
        last = [-1, time.monotonic()]

        def settled() -> bool:
            processed = _job(job).processed
            if processed != last[0]:
                last[:] = [processed, time.monotonic()]
            return time.monotonic() - last[1] >= 1.5

        _wait(settled, 10, "the job to stop")
        assert last[1] - cancelled < 3, "the worker went on for seconds after the cancel"
        time.sleep(1.5)  # and it stays stopped
        job = _job(job)
        assert (job.status, job.processed) == (JobStatus.CANCELLED, last[0])
        assert job.processed < ITEMS
        # What it wrote is kept, and only that.
        assert OutcomeSkill.objects.values("outcome").distinct().count() == job.processed
    finally:
        worker.kill()
