"""Batch skill extraction jobs: the API (start, follow, list, who may) and what the job pages
and the curriculum index show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tandem.curricula import services_jobs
from tandem.curricula.models import ExtractionJob, JobStatus
from tandem.skills.services.batch import job_mode
from tests.curricula_jobs_support import (
    ALLOWED,
    API,
    WHO,
    _user,
    world,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


# --- API ------------------------------------------------------------------------------------
def test_api_start_follow_and_list(client, world):  # noqa: F811
    client.force_login(world["educator"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"{API}/extraction-jobs",
            {"scope": "outcomes", "program_id": str(world["program"].public_id)},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == "outcomes" and body["program_id"] == str(world["program"].public_id)
    detail = client.get(f"{API}/extraction-jobs/{body['id']}").json()
    assert (detail["status"], detail["total"], detail["processed"], detail["mode"]) == (
        "done",
        3,
        3,
        job_mode(),
    )
    listing = client.get(f"{API}/extraction-jobs").json()
    assert [j["id"] for j in listing["items"]] == [body["id"]]
    ExtractionJob.objects.update(status=JobStatus.RUNNING)
    again = client.post(
        f"{API}/extraction-jobs",
        {"scope": "outcomes", "program_id": str(world["program"].public_id)},
        content_type="application/json",
    )
    assert again.status_code == 409 and again["Content-Type"].startswith("application/problem")
    bad = client.post(
        f"{API}/extraction-jobs", {"scope": "opportunities"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "institution_id" in bad.json()["errors"]
    wrong_type = client.post(
        f"{API}/extraction-jobs", {"scope": "nope"}, content_type="application/json"
    )
    assert wrong_type.status_code == 422
    assert ExtractionJob.objects.count() == 1


@pytest.mark.parametrize("who", ["anonymous", *WHO])
def test_api_matrix(client, world, who):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    ExtractionJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    if who != "anonymous":
        client.force_login(_user(world, who))
    start = client.post(
        f"{API}/extraction-jobs",
        {"scope": "opportunities", "institution_id": str(world["school"].public_id)},
        content_type="application/json",
    )
    detail = client.get(f"{API}/extraction-jobs/{job.public_id}")
    listing = client.get(f"{API}/extraction-jobs")
    if who == "anonymous":
        assert (start.status_code, detail.status_code, listing.status_code) == (401, 401, 401)
    elif who in ALLOWED:
        assert (start.status_code, detail.status_code) == (201, 200)
        assert listing.json()["count"] == 2
        return
    else:
        assert (start.status_code, detail.status_code) == (403, 404)
        assert listing.json()["count"] == 0
    assert ExtractionJob.objects.count() == 1


def test_job_page_says_while_the_extractor_is_prepared_and_labels_its_progress(client, world):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    client.force_login(world["educator"])
    url = reverse("curricula:extraction_job", args=[job.public_id])
    # Claimed by the worker, which is still loading the model and the label embeddings (no
    # mode yet): "0 of 3" alone looked stuck for minutes on a first combined job.
    ExtractionJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    running = client.get(url, HTTP_HX_REQUEST="true").text
    assert 'id="progress-preparing"' in running and "Preparing the skill extractor" in running
    assert '<progress max="3" value="0" aria-labelledby="progress-status">' in running
    assert '<p id="progress-status">Running: 0 of 3 items extracted' in running
    ExtractionJob.objects.filter(pk=job.pk).update(mode="lexical", processed=1)
    assert "Preparing the skill extractor" not in client.get(url, HTTP_HX_REQUEST="true").text


@pytest.mark.parametrize("who", ["educator", "coordinator", "student", "curriculum-partner"])
def test_curriculum_index_links_to_the_jobs_and_imports(client, world, who):  # noqa: F811
    client.force_login(_user(world, who))
    body = client.get(reverse("curricula:list")).text
    linked = reverse("curricula:extraction_jobs") in body and reverse("curricula:imports") in body
    assert linked == (who in ALLOWED)


def test_job_page_says_when_a_jobs_worker_was_lost(client, world):  # noqa: F811
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    client.force_login(world["educator"])
    url = reverse("curricula:extraction_job", args=[job.public_id])
    soon = timezone.now() + timedelta(seconds=30)
    ExtractionJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, lease_owner="w:1:x", lease_expires_at=soon
    )
    assert "progress-lost" not in client.get(url).text
    # Its worker died (killed, out of memory): nobody renewed the lease.
    ExtractionJob.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    body = client.get(url, HTTP_HX_REQUEST="true").text
    assert "Worker lost, resuming" in body and 'hx-trigger="every 2s"' in body
    assert "Preparing the skill extractor" not in body
    api = client.get(f"{API}/extraction-jobs/{job.public_id}").json()
    assert (api["status"], api["worker_lost"], api["resumed"]) == ("running", True, 0)
    # A worker resumed it.
    ExtractionJob.objects.filter(pk=job.pk).update(lease_expires_at=soon, resumed=1)
    body = client.get(url).text
    assert "progress-lost" not in body and "Resumed after its worker was lost (1 time)" in body
    ExtractionJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    body = client.get(url).text
    assert "progress-lost" not in body and "progress-resumed" not in body
    # A queued job no worker has picked up says so.
    ExtractionJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    assert "No worker has picked this job up yet" in client.get(url).text


def test_jobs_page_offers_only_the_scopes_it_can_start(client, world):  # noqa: F811
    client.force_login(world["educator"])
    body = client.get(reverse("curricula:extraction_jobs")).text
    assert 'value="outcomes"' in body and 'value="opportunities"' in body
    assert 'value="import"' not in body  # an import is re-run from its own page
