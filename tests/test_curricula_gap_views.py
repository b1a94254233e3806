"""Gap analysis pages and posting imports: authorization, background extraction with
progress, bad files → 4xx with line numbers, report numbers, CSV and drill-down."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from tandem.curricula.models import (
    ExtractionJob,
    ImportStatus,
    JobPosting,
    OutcomeSkill,
    PostingImport,
)
from tandem.organizations.models import Role
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
    small_taxonomy,
)

pytestmark = pytest.mark.django_db

CSV = (
    "title,description,date,sector,region,occupation\n"
    "Data analyst,Python and SQL daily,2026-01-01,tech,North,analyst\n"
    "Bad date,Python,01/02/2026,tech,North,\n"
    "Analyst,SQL and work with spreadsheets,2025-06-01,tech,South,analyst\n"
    ",no title,2026-01-01,tech,North,\n"
    "Negotiator,negotiate contracts,2026-01-01,retail,North,\n"
)


@pytest.fixture
def world(db):
    reset_extractor()
    concepts = small_taxonomy()
    school = InstitutionFactory()
    partner = PartnerFactory()
    p = PartnershipFactory(types=["curriculum"], status="active", institutions=[school])
    p.partners.set([partner])
    program = ProgramFactory(institution=school)
    outcome = LearningOutcomeFactory(course=CourseFactory(program=program), text="Python.")
    OutcomeSkill.objects.create(
        outcome=outcome, concept=concepts["Python (computer programming)"], status="confirmed"
    )
    yield {"concepts": concepts, "school": school, "partner": partner, "program": program}
    reset_extractor()


def _user(world, who):
    return {
        "no-membership": UserFactory,
        "other-educator": lambda: member(InstitutionFactory(), Role.EDUCATOR),
        "student": lambda: member(world["school"], Role.STUDENT),
        "educator": lambda: member(world["school"], Role.EDUCATOR),
        "coordinator": lambda: member(world["school"], Role.COORDINATOR),
        "partner-not-curriculum": lambda: member(PartnerFactory(), Role.RECRUITER),
        "curriculum-partner": lambda: member(world["partner"], Role.RECRUITER),
    }[who]()


def _upload(client, world, name, content):
    """Upload; the import queues its extraction on commit, which runs here (immediate task
    backend)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("curricula:imports"),
            {"institution": world["school"].pk, "file": SimpleUploadedFile(name, content)},
        )


def test_csv_import_extracts_in_the_background_and_feeds_the_report(client, world):
    client.force_login(_user(world, "educator"))
    response = _upload(client, world, "jobs.csv", CSV.encode())
    assert response.status_code == 302
    batch = PostingImport.objects.get()
    assert (batch.status, batch.total, batch.processed) == (ImportStatus.DONE, 3, 3)
    assert batch.errors == [
        {"line": 3, "message": "date '01/02/2026' is not an ISO date (YYYY-MM-DD)"},
        {"line": 5, "message": "title is empty"},
    ]
    python = world["concepts"]["Python (computer programming)"].uri
    sql = world["concepts"]["SQL"].uri
    assert JobPosting.objects.get(line=2).skills == [python, sql] or set(
        JobPosting.objects.get(line=2).skills
    ) == {python, sql}
    page = client.get(reverse("curricula:import", args=[batch.public_id]))
    assert "line" in page.text.lower() and "title is empty" in page.text
    partial = client.get(
        reverse("curricula:import", args=[batch.public_id]), HTTP_HX_REQUEST="true"
    )
    assert "3 of 3" in partial.text and "<html" not in partial.text
    assert 'hx-trigger="every 1s"' not in partial.text  # done: stops polling

    url = reverse("curricula:gap", args=[world["program"].public_id])
    report = client.get(url, {"source": "imports", "date_from": "2025-01-01", "level": "1"})
    assert report.status_code == 200
    assert "working with computers" in report.text and "<svg" in report.text
    csv_response = client.get(url, {"source": "imports", "export": "csv"})
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == "uri,label,postings,demand,share,taught,outcomes"
    assert lines[1].startswith(f"{sql},SQL,2,")
    assert any(line.startswith(f"{python},Python (computer programming),1,") for line in lines)
    drill = client.get(
        reverse("curricula:gap_skill", args=[world["program"].public_id]), {"uri": sql}
    )
    assert drill.status_code == 200 and "Data analyst" in drill.text and "Analyst" in drill.text
    unknown = client.get(
        reverse("curricula:gap_skill", args=[world["program"].public_id]),
        {"uri": "http://data.europa.eu/esco/skill/nope"},
    )
    assert unknown.status_code == 404


def test_jsonld_import(client, world):
    client.force_login(_user(world, "coordinator"))
    doc = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "JobPosting",
                "title": "Engineer",
                "description": "Python",
                "datePosted": "2026-01-05",
                "industry": "tech",
                "jobLocation": {"@type": "Place", "address": {"addressRegion": "North"}},
            },
            {"@type": "Person", "name": "x"},
            {"@type": "JobPosting", "title": "", "description": "SQL"},
        ],
    }
    assert _upload(client, world, "jobs.jsonld", json.dumps(doc).encode()).status_code == 302
    batch = PostingImport.objects.get()
    assert batch.total == 1 and [e["line"] for e in batch.errors] == [2, 3]
    posting = JobPosting.objects.get()
    assert (posting.region, posting.sector, str(posting.date)) == ("North", "tech", "2026-01-05")


@pytest.mark.parametrize(
    "name,content",
    [
        ("jobs.json", b"{not json"),
        ("jobs.json", b'{"@type": "Person"}'),
        ("jobs.csv", b"title,description\nx,y\n"),
        ("jobs.csv", b"title,description,date,sector,region\n,,,,\n"),
        ("jobs.csv", b"\xff\xfe\x00bad"),
        ("jobs.txt", b"title"),
        ("jobs.csv", b""),
    ],
)
def test_bad_files_are_400_and_store_nothing(client, world, name, content):
    client.force_login(_user(world, "educator"))
    response = _upload(client, world, name, content)
    assert response.status_code == 400
    assert not PostingImport.objects.exists() and not JobPosting.objects.exists()


def test_malformed_json_reports_its_line(client, world):
    client.force_login(_user(world, "educator"))
    response = _upload(client, world, "jobs.json", b'[\n{"@type": "JobPosting",\n oops}\n]')
    assert response.status_code == 400 and "3: malformed JSON" in response.text


@pytest.mark.parametrize(
    "who,status",
    [
        ("no-membership", 404),
        ("other-educator", 404),
        ("partner-not-curriculum", 404),
        ("student", 403),
        ("educator", 200),
        ("curriculum-partner", 200),
    ],
)
def test_gap_matrix(client, world, who, status):
    client.force_login(_user(world, who))
    url = reverse("curricula:gap", args=[world["program"].public_id])
    assert client.get(url).status_code == status
    assert client.get(url, {"export": "csv"}).status_code == status
    for table in ("groups", "trend"):
        assert client.get(url, {"export": "csv", "table": table}).status_code == status
    drill = reverse("curricula:gap_skill", args=[world["program"].public_id])
    python = world["concepts"]["Python (computer programming)"].uri
    assert client.get(drill, {"uri": python}).status_code == status


def test_gap_anonymous_and_bad_filters(client, world):
    url = reverse("curricula:gap", args=[world["program"].public_id])
    assert client.get(url).status_code == 302
    client.force_login(_user(world, "educator"))
    assert client.get(url, {"date_from": "yesterday"}).status_code == 400
    assert client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400
    assert client.get(url, {"level": "9"}).status_code == 400


@pytest.mark.parametrize(
    "who,status",
    [
        ("no-membership", 403),
        ("student", 403),
        ("curriculum-partner", 403),
        ("other-educator", 400),
    ],
)
def test_import_matrix_denied_changes_nothing(client, world, who, status):
    client.force_login(_user(world, who))
    response = _upload(client, world, "jobs.csv", CSV.encode())
    assert response.status_code == status
    assert not PostingImport.objects.exists()


def test_import_pages_are_scoped(client, world):
    client.force_login(_user(world, "educator"))
    _upload(client, world, "jobs.csv", CSV.encode())
    batch = PostingImport.objects.get()
    client.force_login(_user(world, "other-educator"))
    assert client.get(reverse("curricula:import", args=[batch.public_id])).status_code == 404
    delete = reverse("curricula:import_delete", args=[batch.public_id])
    assert client.post(delete).status_code == 404
    assert PostingImport.objects.exists()
    client.force_login(_user(world, "coordinator"))
    assert client.post(delete).status_code == 302
    assert not JobPosting.objects.exists()


def test_opportunities_are_demand(client, world):
    from tandem.skills.services import opportunity_skills_refresh
    from tests.factories import published_opportunity

    published_opportunity(
        PartnerFactory(), [world["school"]], title="Intern", description="Use SQL every day."
    )
    opportunity_skills_refresh()  # the worker's task after the opportunity's service commits
    client.force_login(_user(world, "educator"))
    url = reverse("curricula:gap", args=[world["program"].public_id])
    response = client.get(url, {"source": "opportunities", "export": "csv"})
    assert world["concepts"]["SQL"].uri in response.content.decode()


def test_progress_polls_while_the_job_runs(client, world):
    batch = PostingImport.objects.create(
        institution=world["school"],
        filename="x.csv",
        format="csv",
        total=10,
        processed=4,
        status=ImportStatus.RUNNING,
    )
    client.force_login(_user(world, "educator"))
    partial = client.get(
        reverse("curricula:import", args=[batch.public_id]), HTTP_HX_REQUEST="true"
    )
    assert 'hx-trigger="every 1s"' in partial.text and "4 of 10" in partial.text
    assert 'value="4"' in partial.text and "<html" not in partial.text


@pytest.mark.parametrize(
    "who,offered", [("educator", True), ("coordinator", True), ("curriculum-partner", False)]
)
def test_gap_page_offers_the_extraction_job_only_to_who_may_start_it(client, world, who, offered):
    """A curriculum partner reads the gap report but may not start an institution's job: no
    button, and posting the button's form anyway is refused with nothing queued."""
    client.force_login(_user(world, who))
    page = client.get(reverse("curricula:gap", args=[world["program"].public_id]))
    assert page.status_code == 200
    start = reverse("curricula:extraction_job_start")
    assert (start in page.text) is offered
    if offered:
        return
    response = client.post(
        start, {"scope": "opportunities", "institution": world["school"].public_id}
    )
    assert response.status_code == 403
    assert not ExtractionJob.objects.exists()
