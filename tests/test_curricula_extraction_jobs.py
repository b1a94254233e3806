"""Batch skill extraction jobs: run through the task queue, progress counts, idempotence,
educators' decisions kept, one job per scope (constraint), pages, API, authorization."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.curricula import services_jobs
from tandem.curricula.models import (
    ExtractionJob,
    ImportStatus,
    JobPosting,
    JobStatus,
    OutcomeSkill,
    PostingImport,
)
from tandem.curricula.services import (
    curricula_personal_data_erase,
    curricula_personal_data_export,
)
from tandem.organizations.models import Role
from tandem.skills.models import OpportunityDemand
from tandem.skills.services.batch import job_mode, reset_batch_extractor
from tandem.skills.services.extraction import reset_extractor
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    PartnerFactory,
    PartnershipFactory,
    ProgramFactory,
    UserFactory,
    member,
    published_opportunity,
    small_taxonomy,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/curriculum"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the label-embedding cache goes under the data dir
    reset_extractor()
    reset_batch_extractor()
    concepts = small_taxonomy()
    school = InstitutionFactory()
    partner = PartnerFactory()
    p = PartnershipFactory(types=["curriculum"], status="active", institutions=[school])
    p.partners.set([partner])
    program = ProgramFactory(institution=school)
    course = CourseFactory(program=program)
    o1 = LearningOutcomeFactory(
        course=course, text="Students query a database with SQL from Python."
    )
    o2 = LearningOutcomeFactory(
        course=course, text="Students work in teams and negotiate contracts with suppliers."
    )
    o3 = LearningOutcomeFactory(course=course, text="Students cook pasta.")
    educator = member(school, Role.EDUCATOR)
    rejected = OutcomeSkill.objects.create(
        outcome=o1,
        concept=concepts["SQL"],
        status="rejected",
        decided_by=educator,
        decided_at=timezone.now(),
    )
    confirmed = OutcomeSkill.objects.create(
        outcome=o2,
        concept=concepts["teamwork principles"],
        status="confirmed",
        decided_by=educator,
        decided_at=timezone.now(),
    )
    yield {
        "concepts": concepts,
        "school": school,
        "partner": partner,
        "program": program,
        "outcomes": (o1, o2, o3),
        "educator": educator,
        "rejected": rejected,
        "confirmed": confirmed,
        "tmp": tmp_path,
    }
    reset_extractor()
    reset_batch_extractor()


def _user(world, who):
    return {
        "no-membership": UserFactory,
        "other-educator": lambda: member(InstitutionFactory(), Role.EDUCATOR),
        "student": lambda: member(world["school"], Role.STUDENT),
        "curriculum-partner": lambda: member(world["partner"], Role.RECRUITER),
        "educator": lambda: world["educator"],
        "coordinator": lambda: member(world["school"], Role.COORDINATOR),
    }[who]()


def _start(client, data):
    """POST the start form; the job is enqueued on commit and runs here (the immediate
    backend of the task queue in tests; a worker process in production)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("curricula:extraction_job_start"), data)


def _links(outcome):
    return {
        link.concept.preferred_label: (link.status, link.source, link.decided_by_id)
        for link in OutcomeSkill.objects.filter(outcome=outcome).select_related("concept")
    }


def test_outcome_job_suggests_skills_keeps_decisions_and_is_idempotent(client, world):
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


def test_institution_wide_outcome_job_covers_every_program(client, world):
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


def test_opportunity_job_fills_the_demand_cache_used_by_the_gap_report(client, world):
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


def test_import_rerun_extracts_every_posting_again(client, world):
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


def test_one_job_at_a_time_per_scope(client, world):
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


def test_a_job_whose_worker_was_lost_frees_its_scope(world):
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


def test_a_live_workers_job_is_not_replaced(world):
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


def test_the_sweep_resumes_a_lost_job_from_its_last_chunk(world, settings):
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


def test_progress_partial_polls_while_the_job_runs(client, world):
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


WHO = [
    "no-membership",
    "other-educator",
    "student",
    "curriculum-partner",
    "educator",
    "coordinator",
]
ALLOWED = {"educator", "coordinator"}


def test_anonymous_is_sent_to_sign_in(client, world):
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    for url in (
        reverse("curricula:extraction_jobs"),
        reverse("curricula:extraction_job", args=[job.public_id]),
    ):
        assert client.get(url).status_code == 302
    response = _start(client, {"scope": "outcomes", "program": world["program"].public_id})
    assert response.status_code == 302 and "login" in response["Location"]
    assert ExtractionJob.objects.count() == 1


@pytest.mark.parametrize("who", WHO)
def test_start_matrix(client, world, who):
    client.force_login(_user(world, who))
    response = _start(client, {"scope": "outcomes", "program": world["program"].public_id})
    if who in ALLOWED:
        assert response.status_code == 302
        assert ExtractionJob.objects.get().status == "done"
        return
    # Staff of another institution cannot see the program (404); everyone else without a
    # staff role is refused outright (403). Nothing is queued, nothing is suggested.
    assert response.status_code == (404 if who == "other-educator" else 403)
    assert ExtractionJob.objects.count() == 0
    assert OutcomeSkill.objects.count() == 2
    institution_wide = _start(
        client, {"scope": "outcomes", "institution": world["school"].public_id}
    )
    assert institution_wide.status_code in (400, 403)
    assert ExtractionJob.objects.count() == 0


@pytest.mark.parametrize("who", WHO)
def test_view_matrix(client, world, who):
    job = services_jobs.extraction_job_start(
        actor=world["educator"], scope="outcomes", program=world["program"]
    )
    client.force_login(_user(world, who))
    listing = client.get(reverse("curricula:extraction_jobs"))
    detail = client.get(reverse("curricula:extraction_job", args=[job.public_id]))
    if who in ALLOWED:
        assert listing.status_code == 200 and str(job.public_id) in listing.text
        assert detail.status_code == 200
    elif who == "other-educator":
        assert listing.status_code == 200 and str(job.public_id) not in listing.text
        assert detail.status_code == 404
    else:
        assert listing.status_code == 403 and detail.status_code == 404


def test_list_queries_do_not_grow_with_jobs(client, world, django_assert_max_num_queries):
    educator = world["educator"]
    client.force_login(educator)
    client.get(reverse("curricula:extraction_jobs"))
    for _ in range(2):
        for scope, kwargs in (
            ("outcomes", {"program": world["program"]}),
            ("outcomes", {"institution": world["school"]}),
            ("opportunities", {"institution": world["school"]}),
        ):
            job = services_jobs.extraction_job_start(actor=educator, scope=scope, **kwargs)
            ExtractionJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("curricula:extraction_jobs"))
    assert response.status_code == 200 and response.text.count("<tr>") == 7


def test_bad_input_is_a_4xx_with_a_message(client, world):
    client.force_login(world["educator"])
    bad_scope = _start(client, {"scope": "everything"})
    assert bad_scope.status_code == 400 and "scope" in bad_scope.text
    no_institution = _start(client, {"scope": "opportunities"})
    assert no_institution.status_code == 400 and "Choose the institution" in no_institution.text
    no_import = _start(client, {"scope": "import"})
    assert no_import.status_code == 400 and "import to extract again" in no_import.text
    assert client.get(reverse("curricula:extraction_job_start")).status_code == 405
    assert ExtractionJob.objects.count() == 0


def test_institution_is_posted_by_public_id_never_by_database_id(client, world):
    school = world["school"]
    client.force_login(world["educator"])
    # The jobs page and the gap page's button both name the institution by its public id.
    page = client.get(reverse("curricula:extraction_jobs"))
    assert f'value="{school.public_id}"' in page.text
    assert f'<option value="{school.pk}"' not in page.text
    gap = client.get(reverse("curricula:gap", args=[world["program"].public_id]))
    assert f'name="institution" value="{school.public_id}"' in gap.text
    # A numeric database id is refused with a message on the field; nothing is queued.
    numeric = _start(client, {"scope": "outcomes", "institution": school.pk})
    assert numeric.status_code == 400
    form = numeric.context["form"]
    assert list(form.errors) == ["institution"]
    assert "is not a valid UUID" in form.errors["institution"][0]
    assert 'aria-invalid="true"' in numeric.text and "is not a valid UUID" in numeric.text
    assert ExtractionJob.objects.count() == 0
    by_public_id = _start(client, {"scope": "outcomes", "institution": str(school.public_id)})
    assert by_public_id.status_code == 302
    assert ExtractionJob.objects.get().institution == school


def test_service_refuses_other_institutions(world):
    other = member(InstitutionFactory(), Role.COORDINATOR)
    with pytest.raises(PermissionDeniedError):
        services_jobs.extraction_job_start(actor=other, scope="outcomes", program=world["program"])
    assert ExtractionJob.objects.count() == 0


def test_personal_data_export_and_erase(world):
    educator = world["educator"]
    job = services_jobs.extraction_job_start(
        actor=educator, scope="outcomes", program=world["program"]
    )
    exported = curricula_personal_data_export(educator)["extraction_jobs"]
    assert exported == [
        {"scope": "outcomes", "institution": world["school"].name, "created_at": job.created_at}
    ]
    curricula_personal_data_erase(educator)
    job.refresh_from_db()
    assert job.requested_by is None


# --- API ------------------------------------------------------------------------------------
def test_api_start_follow_and_list(client, world):
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
def test_api_matrix(client, world, who):
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


def test_job_page_says_while_the_extractor_is_prepared_and_labels_its_progress(client, world):
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
def test_curriculum_index_links_to_the_jobs_and_imports(client, world, who):
    client.force_login(_user(world, who))
    body = client.get(reverse("curricula:list")).text
    linked = reverse("curricula:extraction_jobs") in body and reverse("curricula:imports") in body
    assert linked == (who in ALLOWED)


def test_job_page_says_when_a_jobs_worker_was_lost(client, world):
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


def test_jobs_page_offers_only_the_scopes_it_can_start(client, world):
    client.force_login(world["educator"])
    body = client.get(reverse("curricula:extraction_jobs")).text
    assert 'value="outcomes"' in body and 'value="opportunities"' in body
    assert 'value="import"' not in body  # an import is re-run from its own page


# --- Cancelling a job ------------------------------------------------------------------------
def _cancel_url(job):
    return reverse("curricula:extraction_job_cancel", args=[job.public_id])


def test_educator_cancels_a_queued_job_from_its_page(client, world):
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
def test_cancelling_an_ended_job_is_a_conflict(client, world, status):
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


def test_a_job_cancelled_between_chunks_stops_and_keeps_what_it_wrote(world, monkeypatch, settings):
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
def test_cancel_matrix(client, world, who):
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
def test_api_cancel(client, world, who):
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


def test_admin_lists_jobs_read_only(client, world):
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
