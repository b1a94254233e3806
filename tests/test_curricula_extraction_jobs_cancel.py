"""Batch skill extraction jobs: cancelling a job (page, API, who may), a conflict once it has
ended, a job cancelled between chunks, and the read-only admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError
from tandem.curricula import services_jobs
from tandem.curricula.models import ExtractionJob, JobStatus, OutcomeSkill
from tests.curricula_jobs_support import (
    ALLOWED,
    API,
    WHO,
    _links,
    _user,
    world,  # noqa: F401 (a fixture)
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Cancelling a job ------------------------------------------------------------------------
def _cancel_url(job):
    return reverse("curricula:extraction_job_cancel", args=[job.public_id])


def test_educator_cancels_a_queued_job_from_its_page(client, world):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    client.force_login(world["educator"])
    page = client.get(reverse("curricula:extraction_job", args=[job.public_id]))
    assert f'action="{_cancel_url(job)}"' in page.text and "data-confirm=" in page.text
    response = client.post(_cancel_url(job))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    event = AuditEvent.objects.get(action="curricula.extraction_job.cancel")
    assert event.actor == world["educator"]
    # The worker never claims it; the page no longer offers to cancel it.
    assert services_jobs.extraction_job_run(job_id=job.pk) == 0
    assert OutcomeSkill.objects.count() == 2
    page = client.get(reverse("curricula:extraction_job", args=[job.public_id]))
    assert "Cancelled" in page.text and _cancel_url(job) not in page.text
    # A cancelled job frees its scope (the partial unique constraint covers only
    # queued and running jobs).
    again = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    assert again.status == JobStatus.QUEUED


@pytest.mark.parametrize("status", [JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED])
def test_cancelling_an_ended_job_is_a_conflict(client, world, status):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    ExtractionJob.objects.filter(pk=job.pk).update(status=status)
    job.refresh_from_db()
    with pytest.raises(ConflictError, match="already ended"):
        services_jobs.extraction_job_cancel(actor=world["educator"], job=job)
    client.force_login(world["educator"])
    page = client.post(_cancel_url(job))
    assert page.status_code == 409 and 'id="cancel-error"' in page.text
    assert "only a queued or running job can be cancelled" in page.text
    api = client.post(f"{API}/extraction-jobs/{job.public_id}/cancel")
    assert api.status_code == 409
    assert "only a queued or running job" in api.json()["detail"]
    job.refresh_from_db()
    assert job.status == status
    assert not AuditEvent.objects.filter(action="curricula.extraction_job.cancel").exists()


def test_a_job_cancelled_between_chunks_stops_and_keeps_what_it_wrote(world, monkeypatch, settings):  # noqa: F811
    """The task calls ``extraction_job_run``; run it here with one outcome per chunk and
    cancel the job (through the service) right after the first chunk is written."""
    settings.EXTRACTION_JOB_CHUNK = 1
    educator = world["educator"]
    o1, o2, o3 = world["outcomes"]
    job = services_jobs.extraction_job_start(
        actor=educator, scope="outcomes", program=world["program"]
    )
    real_write = services_jobs._WRITERS["outcomes"]
    written: list[list[int]] = []

    def write_then_cancel(extractor, chunk):
        changed = real_write(extractor, chunk)
        written.append([o.pk for o in chunk])
        if len(written) == 1:
            services_jobs.extraction_job_cancel(
                actor=educator, job=ExtractionJob.objects.get(pk=job.pk)
            )
        return changed

    monkeypatch.setitem(services_jobs._WRITERS, "outcomes", write_then_cancel)
    assert services_jobs.extraction_job_run(job_id=job.pk) == 1
    assert written == [[o1.pk]]  # no chunk after the cancellation
    job.refresh_from_db()
    assert (job.status, job.processed, job.total) == (JobStatus.CANCELLED, 1, 3)
    # The first outcome's suggestions stay; the others were never extracted.
    assert OutcomeSkill.objects.filter(outcome=o1, status="suggested").exists()
    assert not OutcomeSkill.objects.filter(outcome__in=[o2, o3], status="suggested").exists()
    assert _links(o2) == {"teamwork principles": ("confirmed", "extractor", educator.pk)}


@pytest.mark.parametrize("who", ["anonymous", *WHO])
def test_cancel_matrix(client, world, who):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    if who != "anonymous":
        client.force_login(_user(world, who))
    page = client.post(_cancel_url(job))
    api = client.post(f"{API}/extraction-jobs/{job.public_id}/cancel")
    job.refresh_from_db()
    if who in ALLOWED:
        assert page.status_code == 302 and api.status_code == 409
        assert job.status == JobStatus.CANCELLED
        return
    if who == "anonymous":
        assert page.status_code == 302 and "login" in page["Location"]
        assert api.status_code == 401
    else:  # a job you may not see does not exist for you
        assert (page.status_code, api.status_code) == (404, 404)
    assert job.status == JobStatus.QUEUED and job.finished_at is None
    assert not AuditEvent.objects.filter(action="curricula.extraction_job.cancel").exists()


@pytest.mark.parametrize("who", ["educator", "coordinator"])
def test_api_cancel(client, world, who):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    ExtractionJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    client.force_login(_user(world, who))
    response = client.post(f"{API}/extraction-jobs/{job.public_id}/cancel")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(job.public_id) and body["status"] == "cancelled"
    assert body["finished_at"] is not None
    assert (
        client.get(reverse("curricula:extraction_job_cancel", args=[job.public_id])).status_code
        == 405
    )


def test_admin_lists_jobs_read_only(client, world):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:curricula_extractionjob_changelist"))
    assert listing.status_code == 200 and str(job.institution.name) in listing.text
    detail = client.get(reverse("admin:curricula_extractionjob_change", args=[job.pk]))
    assert detail.status_code == 200 and 'name="status"' not in detail.text
    assert client.get(reverse("admin:curricula_extractionjob_add")).status_code == 403
    client.post(reverse("admin:curricula_extractionjob_change", args=[job.pk]), {"status": "done"})
    client.post(reverse("admin:curricula_extractionjob_delete", args=[job.pk]), {"post": "yes"})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
