"""/api/v1/curriculum: authorization matrix, CRUD, mapping decisions, gap JSON, imports."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from tandem.audit.models import AuditEvent
from tandem.curricula.models import Course, LearningOutcome, OutcomeSkill, PostingImport, Program
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
API = "/api/v1/curriculum"


@pytest.fixture
def world(db):
    reset_extractor()
    concepts = small_taxonomy()
    school = InstitutionFactory()
    partner = PartnerFactory()
    p = PartnershipFactory(types=["curriculum"], status="active", institutions=[school])
    p.partners.set([partner])
    program = ProgramFactory(institution=school, title="Data BSc")
    course = CourseFactory(program=program, title="Databases")
    outcome = LearningOutcomeFactory(course=course, text="Query data with SQL.")
    link = OutcomeSkill.objects.create(outcome=outcome, concept=concepts["SQL"], score=1.0)
    yield {
        "concepts": concepts,
        "school": school,
        "partner": partner,
        "program": program,
        "course": course,
        "outcome": outcome,
        "link": link,
    }
    reset_extractor()


def _login(client, world, who):
    user = {
        "anonymous": lambda: None,
        "no-membership": UserFactory,
        "other-educator": lambda: member(InstitutionFactory(), Role.EDUCATOR),
        "student": lambda: member(world["school"], Role.STUDENT),
        "educator": lambda: member(world["school"], Role.EDUCATOR),
        "partner-not-curriculum": lambda: member(PartnerFactory(), Role.RECRUITER),
        "curriculum-partner": lambda: member(world["partner"], Role.RECRUITER),
    }[who]()
    if user:
        client.force_login(user)
    return user


def _state():
    return (
        list(Program.objects.values_list("title", flat=True)),
        list(Course.objects.values_list("title", flat=True)),
        list(LearningOutcome.objects.values_list("text", flat=True)),
        list(OutcomeSkill.objects.order_by("pk").values_list("status", flat=True)),
        PostingImport.objects.count(),
        AuditEvent.objects.count(),
    )


def _endpoints(world):
    p, c, o, m = (world[k].public_id for k in ("program", "course", "outcome", "link"))
    sql = world["concepts"]["Python (computer programming)"].uri
    return {
        "program": ("get", f"{API}/programs/{p}", None),
        "courses": ("get", f"{API}/programs/{p}/courses", None),
        "course": ("get", f"{API}/courses/{c}", None),
        "outcomes": ("get", f"{API}/courses/{c}/outcomes", None),
        "outcome": ("get", f"{API}/outcomes/{o}", None),
        "gap": ("get", f"{API}/programs/{p}/gap", None),
        "program_update": ("put", f"{API}/programs/{p}", {"title": "Renamed"}),
        "program_delete": ("delete", f"{API}/programs/{p}", None),
        "course_create": ("post", f"{API}/programs/{p}/courses", {"title": "New"}),
        "course_update": ("put", f"{API}/courses/{c}", {"title": "Renamed"}),
        "course_delete": ("delete", f"{API}/courses/{c}", None),
        "outcome_create": ("post", f"{API}/courses/{c}/outcomes", {"text": "Python."}),
        "outcome_update": ("put", f"{API}/outcomes/{o}", {"text": "Python."}),
        "outcome_delete": ("delete", f"{API}/outcomes/{o}", None),
        "mapping_add": ("post", f"{API}/outcomes/{o}/mappings", {"skill_uri": sql}),
        "mapping_decide": ("post", f"{API}/mappings/{m}/decision", {"status": "confirmed"}),
    }


def _call(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type="application/json")


READS = {"program", "courses", "course", "outcomes", "outcome"}
# Expected status per caller; writes by the right role answer 200/201/204.
DENIED = {
    "anonymous": 401,
    "no-membership": 404,
    "other-educator": 404,
    "partner-not-curriculum": 404,
}
WRITES = [
    "program_update",
    "program_delete",
    "course_create",
    "course_update",
    "course_delete",
    "outcome_create",
    "outcome_update",
    "outcome_delete",
    "mapping_add",
    "mapping_decide",
]


@pytest.mark.parametrize("who,status", list(DENIED.items()))
@pytest.mark.parametrize("name", sorted(READS | {"gap", *WRITES}))
def test_outsiders_see_nothing_and_change_nothing(client, world, who, status, name):
    _login(client, world, who)
    method, url, body = _endpoints(world)[name]
    before = _state()
    response = _call(client, method, url, body)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert _state() == before


@pytest.mark.parametrize("who", ["student", "curriculum-partner"])
@pytest.mark.parametrize("name", sorted(READS | {"gap", *WRITES}))
def test_readers_read_but_do_not_write(client, world, who, name):
    _login(client, world, who)
    method, url, body = _endpoints(world)[name]
    before = _state()
    response = _call(client, method, url, body)
    if name in READS or (name == "gap" and who == "curriculum-partner"):
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert _state() == before


@pytest.mark.parametrize("name", WRITES)
def test_educator_writes(client, world, name):
    _login(client, world, "educator")
    method, url, body = _endpoints(world)[name]
    response = _call(client, method, url, body)
    assert response.status_code in (200, 201, 204), response.content
    assert AuditEvent.objects.exists()


def test_crud_and_decisions(client, world):
    user = _login(client, world, "educator")
    response = client.post(
        f"{API}/programs",
        {"institution_id": str(world["school"].public_id), "title": "AI MSc"},
        content_type="application/json",
    )
    assert response.status_code == 201
    program_id = response.json()["id"]
    course = client.post(
        f"{API}/programs/{program_id}/courses", {"title": "ML"}, content_type="application/json"
    ).json()
    outcome = client.post(
        f"{API}/courses/{course['id']}/outcomes",
        {"text": "Build models in Python and work in teams."},
        content_type="application/json",
    ).json()
    labels = {m["skill_label"]: m for m in outcome["mappings"]}
    assert set(labels) == {"Python (computer programming)", "teamwork principles"}
    assert {m["status"] for m in labels.values()} == {"suggested"}
    mapping_id = labels["teamwork principles"]["id"]
    decided = client.post(
        f"{API}/mappings/{mapping_id}/decision",
        {"status": "rejected"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "rejected"
    listed = client.get(f"{API}/programs").json()
    assert {p["title"] for p in listed["items"]} == {"Data BSc", "AI MSc"}
    assert user is not None


@pytest.mark.parametrize(
    "name,body,status",
    [
        ("mapping_add", {"skill_uri": "http://data.europa.eu/esco/skill/unknown"}, 400),
        ("mapping_add", {}, 422),
        ("mapping_decide", {"status": "maybe"}, 422),
        ("outcome_create", {"text": ""}, 400),
        ("outcome_create", {"text": "x" * 2001}, 422),
        ("course_create", {"title": "Databases"}, 409),
        ("program_update", {"title": "   "}, 400),
    ],
)
def test_bad_input_is_4xx(client, world, name, body, status):
    _login(client, world, "educator")
    method, url, _ = _endpoints(world)[name]
    before = _state()
    response = _call(client, method, url, body)
    assert response.status_code == status
    assert _state() == before


def test_gap_json_and_bad_filters(client, world):
    _login(client, world, "educator")
    OutcomeSkill.objects.filter(pk=world["link"].pk).update(status="confirmed")
    url = f"{API}/programs/{world['program'].public_id}/gap"
    body = client.get(url).json()
    assert body["taught_not_demanded"][0]["label"] == "SQL"
    assert body["coverage"] == 0.0 and body["half_life_days"] == 365.0
    assert client.get(url, {"level": 9}).status_code == 422
    assert client.get(url, {"date_from": "nope"}).status_code == 422
    assert client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400


def test_import_endpoint(client, world):
    _login(client, world, "educator")
    csv = b"title,description,date,sector,region\nAnalyst,SQL,2026-01-01,tech,North\nx,y,bad,,\n"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"{API}/imports",
            {
                "institution_id": str(world["school"].public_id),
                "file": SimpleUploadedFile("jobs.csv", csv),
            },
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total"], body["errors"]) == (
        1,
        [{"line": 3, "message": "date 'bad' is not an ISO date (YYYY-MM-DD)"}],
    )
    detail = client.get(f"{API}/imports/{body['id']}").json()
    assert (detail["status"], detail["processed"]) == ("done", 1)
    bad = client.post(
        f"{API}/imports",
        {
            "institution_id": str(world["school"].public_id),
            "file": SimpleUploadedFile("jobs.json", b"{oops"),
        },
    )
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    _login(client, world, "other-educator")
    assert client.get(f"{API}/imports/{body['id']}").status_code == 404
    denied = client.post(
        f"{API}/imports",
        {
            "institution_id": str(world["school"].public_id),
            "file": SimpleUploadedFile("jobs.csv", csv),
        },
    )
    assert denied.status_code == 403
    assert PostingImport.objects.count() == 1
