"""Batch skill extraction jobs: run through the task queue, progress counts, idempotence,
educators' decisions kept, one job per scope (constraint), lost workers and their sweep.
Access, API and pages: test_curricula_extraction_jobs_access.py and
test_curricula_extraction_jobs_api_pages.py; cancelling:
test_curricula_extraction_jobs_cancel.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError
from tandem.curricula import services_jobs
from tandem.curricula.models import (
    ExtractionJob,
    ImportStatus,
    JobPosting,
    JobStatus,
    OutcomeSkill,
    PostingImport,
)
from tandem.skills.models import OpportunityDemand
from tandem.skills.services.batch import job_mode
from tests.curricula_jobs_support import (
    _links,
    _start,
    _user,
    world,  # noqa: F401 (a fixture)
)
from tests.factories import (
    CourseFactory,
    LearningOutcomeFactory,
    PartnerFactory,
    ProgramFactory,
    published_opportunity,
)

pytestmark = pytest.mark.django_db


def test_outcome_job_suggests_skills_keeps_decisions_and_is_idempotent(client, world):  # noqa: F811
    o1, o2, o3 = world["outcomes"]
    educator = world["educator"]
    client.force_login(educator)
    program_page = client.get(reverse("curricula:program", args=[world["program"].public_id]))
    assert f'data-extraction-mode="{job_mode()}"' in program_page.text
    assert 'name="scope" value="outcomes"' in program_page.text
    response = _start(client, {"scope": "outcomes", "program": world["program"].public_id})
    job = ExtractionJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("curricula:extraction_job", args=[job.public_id])
    assert (job.status, job.total, job.processed, job.mode) == ("done", 3, 3, job_mode())
    assert job.changed == 2 and job.requested_by == educator
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert AuditEvent.objects.filter(action="curricula.extraction_job.start").count() == 1

    # The rejected SQL stays rejected (not suggested again); the confirmed skill stays
    # confirmed by the educator; new suggestions are added beside them.
    assert _links(o1) == {
        "SQL": ("rejected", "extractor", educator.pk),
        "Python (computer programming)": ("suggested", "extractor", None),
    }
    assert _links(o2) == {
        "teamwork principles": ("confirmed", "extractor", educator.pk),
        "negotiate contracts": ("suggested", "extractor", None),
    }
    assert _links(o3) == {}
    rows = sorted(OutcomeSkill.objects.values_list("pk", "outcome_id", "concept_id", "status"))

    # Run again: same rows, nothing changed, nothing duplicated.
    _start(client, {"scope": "outcomes", "program": world["program"].public_id})
    again = ExtractionJob.objects.order_by("-pk").first()
    assert (again.status, again.processed, again.changed) == ("done", 3, 0)
    assert sorted(OutcomeSkill.objects.values_list("pk", "outcome_id", "concept_id", "status")) == (
        rows
    )

    # An undecided suggestion the text no longer supports is removed; one the educator
    # confirmed in the meantime is kept as it is.
    stale = OutcomeSkill.objects.create(
        outcome=o3, concept=world["concepts"]["use spreadsheets software"], score=0.5
    )
    kept = OutcomeSkill.objects.create(
        outcome=o3,
        concept=world["concepts"]["Python (computer programming)"],
        status="confirmed",
        decided_by=educator,
        score=0.5,
    )
    _start(client, {"scope": "outcomes", "program": world["program"].public_id})
    third = ExtractionJob.objects.order_by("-pk").first()
    assert third.changed == 1
    assert not OutcomeSkill.objects.filter(pk=stale.pk).exists()
    kept.refresh_from_db()
    assert (kept.status, kept.decided_by, kept.score) == ("confirmed", educator, 0.5)

    page = client.get(reverse("curricula:extraction_jobs"))
    assert page.status_code == 200 and page.text.count("/curriculum/extraction-jobs/") >= 4
    assert f'data-extraction-mode="{job_mode()}"' in page.text


def test_institution_wide_outcome_job_covers_every_program(client, world):  # noqa: F811
    other_program = ProgramFactory(institution=world["school"])
    extra = LearningOutcomeFactory(
        course=CourseFactory(program=other_program), text="Use Python daily."
    )
    LearningOutcomeFactory(course=CourseFactory(), text="Python elsewhere.")  # other school
    client.force_login(_user(world, "coordinator"))
    _start(client, {"scope": "outcomes", "institution": world["school"].public_id})
    job = ExtractionJob.objects.get()
    assert (job.status, job.total, job.processed, job.program) == ("done", 4, 4, None)
    assert _links(extra) == {"Python (computer programming)": ("suggested", "extractor", None)}
    assert OutcomeSkill.objects.filter(outcome__course__program__institution=world["school"])
    assert not OutcomeSkill.objects.exclude(
        outcome__course__program__institution=world["school"]
    ).exists()


def test_opportunity_job_fills_the_demand_cache_used_by_the_gap_report(client, world):  # noqa: F811
    company = PartnerFactory()
    opp = published_opportunity(
        company, [world["school"]], title="Data analyst", description="SQL and Python daily."
    )
    draft = published_opportunity(company, [], title="Draft", description="SQL")
    draft.status = "draft"
    draft.save()
    client.force_login(world["educator"])
    _start(client, {"scope": "opportunities", "institution": world["school"].public_id})
    job = ExtractionJob.objects.get()
    assert (job.status, job.total, job.processed, job.changed) == ("done", 1, 1, 1)
    demand = OpportunityDemand.objects.get()
    sql = world["concepts"]["SQL"].uri
    python = world["concepts"]["Python (computer programming)"].uri
    assert demand.opportunity == opp and {sql, python} <= set(demand.skills)
    assert demand.mode == job_mode()

    # The gap report reuses what the job stored (same text), whatever mode it was.
    report = client.get(
        reverse("curricula:gap", args=[world["program"].public_id]), {"source": "opportunities"}
    )
    assert report.status_code == 200 and "SQL" in report.text
    assert f'data-extraction-mode="{job_mode()}"' in report.text
    assert OpportunityDemand.objects.get().mode == job_mode()

    _start(client, {"scope": "opportunities", "institution": world["school"].public_id})
    assert ExtractionJob.objects.order_by("-pk").first().changed == 0
    assert OpportunityDemand.objects.count() == 1


def test_import_rerun_extracts_every_posting_again(client, world):  # noqa: F811
    school = world["school"]
    batch = PostingImport.objects.create(
        institution=school, filename="jobs.csv", format="csv", total=2, status="failed"
    )
    for line, text in ((2, "SQL reports"), (3, "Negotiate contracts with suppliers")):
        JobPosting.objects.create(
            batch=batch, institution=school, line=line, title="Job", description=text
        )
    client.force_login(world["educator"])
    page = client.get(reverse("curricula:import", args=[batch.public_id]))
    assert 'name="scope" value="import"' in page.text
    _start(client, {"scope": "import", "posting_import": batch.public_id})
    job = ExtractionJob.objects.get()
    assert (job.status, job.total, job.processed, job.changed) == ("done", 2, 2, 2)
    skills = dict(JobPosting.objects.values_list("line", "skills"))
    # Best first: the literal mention (the semantic stage may add close neighbours after it).
    assert skills[2][0] == world["concepts"]["SQL"].uri
    assert skills[3][0] == world["concepts"]["negotiate contracts"].uri
    batch.refresh_from_db()
    assert (batch.status, batch.processed, batch.total) == ("done", 2, 2)

    # While the import's own extraction runs, a re-run is refused.
    PostingImport.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    batch.refresh_from_db()
    with pytest.raises(ConflictError):
        services_jobs.extraction_job_start(
            actor=world["educator"], scope="import", posting_import=batch
        )


def test_one_job_at_a_time_per_scope(client, world):  # noqa: F811
    educator = world["educator"]
    first = services_jobs.extraction_job_start(
        actor=educator, scope="outcomes", program=world["program"]
    )  # not committed here, so not run: it stays queued
    assert first.status == JobStatus.QUEUED and first.total == 3
    with pytest.raises(ConflictError):
        services_jobs.extraction_job_start(
            actor=educator, scope="outcomes", program=world["program"]
        )
    # Another scope of the same institution is fine.
    services_jobs.extraction_job_start(
        actor=educator, scope="outcomes", institution=world["school"]
    )
    # The page answers 409 with the reason; nothing is created.
    client.force_login(educator)
    response = _start(client, {"scope": "outcomes", "program": world["program"].public_id})
    assert response.status_code == 409 and "already queued or running" in response.text
    assert ExtractionJob.objects.count() == 2
    # The database refuses a second active job for the scope even past the service check.
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtractionJob.objects.create(
            institution=world["school"], scope="outcomes", scope_key=first.scope_key
        )
    # A finished job does not block the scope.
    ExtractionJob.objects.filter(pk=first.pk).update(status=JobStatus.DONE)
    services_jobs.extraction_job_start(actor=educator, scope="outcomes", program=world["program"])


def test_a_job_whose_worker_was_lost_frees_its_scope(world):  # noqa: F811
    """No 409 for a job whose lease expired with no worker to resume it: it is marked failed
    and the new job starts."""
    educator = world["educator"]
    dead = services_jobs.extraction_job_start(
        actor=educator, scope="outcomes", program=world["program"]
    )
    ExtractionJob.objects.filter(pk=dead.pk).update(
        status=JobStatus.RUNNING,
        lease_owner="gone:1:x",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    services_jobs.extraction_job_start(actor=educator, scope="outcomes", program=world["program"])
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "worker was lost" in dead.errors[0]["message"]
    # A failed job is not run again by a late or duplicate delivery of its task.
    assert services_jobs.extraction_job_run(job_id=dead.pk) == 0


def test_a_live_workers_job_is_not_replaced(world):  # noqa: F811
    educator = world["educator"]
    live = services_jobs.extraction_job_start(
        actor=educator, scope="outcomes", program=world["program"]
    )
    ExtractionJob.objects.filter(pk=live.pk).update(
        status=JobStatus.RUNNING,
        lease_owner="alive:1:x",
        lease_expires_at=timezone.now() + timedelta(seconds=30),
        updated_at=timezone.now() - timedelta(hours=2),  # a long first step (embedding)
    )
    with pytest.raises(ConflictError):
        services_jobs.extraction_job_start(
            actor=educator, scope="outcomes", program=world["program"]
        )
    # Its task, delivered twice, does not run beside the live worker.
    assert services_jobs.extraction_job_run(job_id=live.pk) == 0
    assert services_jobs.extraction_job_reclaim() == []


def test_the_sweep_resumes_a_lost_job_from_its_last_chunk(world, settings):  # noqa: F811
    """A worker died after the first chunk: the sweep enqueues the rest (the immediate
    backend runs it here), which continues after that chunk; counts stay exact."""
    settings.EXTRACTION_JOB_CHUNK = 1
    educator = world["educator"]
    o1 = world["outcomes"][0]
    job = services_jobs.extraction_job_start(
        actor=educator, scope="outcomes", program=world["program"]
    )
    real_write = services_jobs._WRITERS["outcomes"]
    written: list[int] = []

    class Killed(BaseException):  # not an Exception: the job is not marked failed
        pass

    def write_then_die(extractor, chunk):
        if written:
            raise Killed
        written.extend(o.pk for o in chunk)
        return real_write(extractor, chunk)

    services_jobs._WRITERS["outcomes"] = write_then_die
    try:
        with pytest.raises(Killed):
            services_jobs.extraction_job_run(job_id=job.pk, mode="lexical")
    finally:
        services_jobs._WRITERS["outcomes"] = real_write
    job.refresh_from_db()
    assert (job.status, job.processed, job.cursor, job.worker_lost) == (
        JobStatus.RUNNING,
        1,
        o1.pk,
        False,
    )
    assert services_jobs.extraction_job_reclaim() == []  # its lease has not expired yet
    ExtractionJob.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    job.refresh_from_db()
    assert job.worker_lost
    assert services_jobs.extraction_job_reclaim() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.processed, job.total, job.resumed) == (JobStatus.DONE, 3, 3, 1)
    assert written == [o1.pk]
    finished = AuditEvent.objects.filter(action="curricula.extraction_job.finish")
    assert finished.count() == 1 and finished.get().changes["processed"] == 3


def test_progress_partial_polls_while_the_job_runs(client, world):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    ExtractionJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, processed=1)
    client.force_login(world["educator"])
    url = reverse("curricula:extraction_job", args=[job.public_id])
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert "1 of 3" in partial.text and 'hx-trigger="every 2s"' in partial.text
    assert "<html" not in partial.text
    ExtractionJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, processed=3)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert "3 of 3" in done.text and "hx-trigger" not in done.text
    full = client.get(url)
    assert "<html" in full.text and f'data-extraction-mode="{job_mode()}"' in full.text
