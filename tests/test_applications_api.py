"""REST API for applications: authorization matrix for every endpoint, bad input, problem+json."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail

from tandem.accounts.services import api_token_create
from tandem.applications.models import Application, StageChange
from tandem.audit.models import AuditEvent
from tests.factories import (
    application_at,
    application_cast,
    pdf_upload,
    png_upload,
    published_opportunity,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/applications"
STATEMENT = "I have built two web apps and want to learn from your engineers."
PROBLEM = "application/problem+json"

VIEWERS = ["student", "recruiter", "supervisor", "coordinator", "educator", "admin"]
NON_VIEWERS = [
    "outsider",
    "other_recruiter",
    "other_coordinator",
    "other_student",
    "classmate",
    "mentor",
]
EVERYONE = ["anonymous", *NON_VIEWERS, *VIEWERS]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast()


def _as(client, cast, role):
    user = cast.role(role)
    if user is not None:
        client.force_login(user)
    return client


def _state() -> tuple:
    return (
        list(Application.objects.order_by("pk").values_list("pk", "stage", "statement")),
        StageChange.objects.count(),
        AuditEvent.objects.count(),
    )


def _expect_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    return response.json()


# --- list and counts --------------------------------------------------------------------------
@pytest.mark.parametrize("role", EVERYONE)
def test_list_matrix(client, cast, role):
    app = application_at(cast, "submitted")
    response = _as(client, cast, role).get(f"{BASE}/")
    if role == "anonymous":
        _expect_problem(response, 401)
        return
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert ids == ([str(app.public_id)] if role in VIEWERS else [])


def test_list_shape_filters_and_pagination(client, cast):
    app = application_at(cast, "interview")
    other = published_opportunity(cast.host, [cast.institution], title="Welding apprenticeship")
    application_at(cast, "submitted", opportunity=other)
    client.force_login(cast.recruiter)
    body = client.get(f"{BASE}/", {"stage": "interview"}).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == str(app.public_id)
    assert item["opportunity"]["id"] == str(cast.opportunity.public_id)
    assert item["opportunity"]["host"]["name"] == cast.host.name
    assert item["student"] == {"id": str(cast.student.public_id), "name": cast.student.full_name}
    assert item["stage"] == "interview" and item["has_cv"] is True
    assert "statement" not in item
    assert client.get(f"{BASE}/", {"opportunity": str(other.public_id)}).json()["count"] == 1
    assert client.get(f"{BASE}/", {"q": "welding"}).json()["count"] == 1
    assert client.get(f"{BASE}/", {"page": 2}).status_code in (200, 404)
    _expect_problem(client.get(f"{BASE}/", {"stage": "hired"}), 422)
    _expect_problem(client.get(f"{BASE}/", {"opportunity": "nope"}), 422)


@pytest.mark.parametrize("role", EVERYONE)
def test_stage_counts_matrix(client, cast, role):
    application_at(cast, "interview")
    response = _as(client, cast, role).get(f"{BASE}/stage-counts")
    if role == "anonymous":
        _expect_problem(response, 401)
        return
    body = response.json()
    expected = 1 if role in VIEWERS else 0
    assert body["total"] == expected and body["counts"]["interview"] == expected
    assert set(body["counts"]) >= {"submitted", "completed"}


# --- detail -------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", EVERYONE)
def test_detail_matrix(client, cast, role):
    app = application_at(cast, "offer")
    response = _as(client, cast, role).get(f"{BASE}/{app.public_id}")
    if role == "anonymous":
        _expect_problem(response, 401)
    elif role in VIEWERS:
        body = response.json()
        assert body["statement"] == app.statement
        assert body["next_stages"] == (
            ["accepted", "declined", "withdrawn"] if role == "student" else []
        )
        can_cv = role in {"student", "recruiter", "supervisor", "coordinator"}
        assert (body["cv_url"] == f"{BASE}/{app.public_id}/cv") is can_cv
    else:
        _expect_problem(response, 404)


def test_detail_unknown_or_malformed_id(client, cast):
    client.force_login(cast.admin)
    _expect_problem(client.get(f"{BASE}/{uuid.uuid4()}"), 404)
    assert client.get(f"{BASE}/12").status_code in (404, 422)


# --- create -------------------------------------------------------------------------------------
CREATE_404 = ["outsider", "other_recruiter", "other_coordinator", "other_student", "mentor"]
CREATE_403 = ["recruiter", "supervisor", "coordinator", "educator", "admin"]


@pytest.mark.parametrize("role", ["anonymous", *CREATE_404, *CREATE_403, "student"])
def test_create_matrix(client, cast, role, django_capture_on_commit_callbacks):
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(client, cast, role).post(
            f"{BASE}/",
            {
                "opportunity": str(cast.opportunity.public_id),
                "statement": STATEMENT,
                "cv": pdf_upload(),
            },
        )
    if role == "student":
        assert response.status_code == 201, response.content
        body = response.json()
        app = Application.objects.get()
        assert body["id"] == str(app.public_id) and body["stage"] == "submitted"
        assert body["history"][0]["to_stage"] == "submitted"
        assert len(mail.outbox) == 3
        return
    _expect_problem(response, {"anonymous": 401}.get(role, 404 if role in CREATE_404 else 403))
    assert _state() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"statement": STATEMENT, "cv": "pdf"}, 422, "opportunity"),
        ({"opportunity": "not-a-uuid", "statement": STATEMENT, "cv": "pdf"}, 422, "opportunity"),
        ({"opportunity": "OPP", "cv": "pdf"}, 400, "statement"),
        ({"opportunity": "OPP", "statement": "tiny", "cv": "pdf"}, 400, "statement"),
        ({"opportunity": "OPP", "statement": STATEMENT}, 400, "cv"),
        ({"opportunity": "OPP", "statement": STATEMENT, "cv": "png"}, 400, "cv"),
        ({"opportunity": "OPP", "statement": STATEMENT, "cv": "big"}, 400, "cv"),
        ({"opportunity": "OPP", "statement": STATEMENT, "cv": "text"}, 400, "cv"),
        (
            {"opportunity": "OPP", "statement": STATEMENT, "cv": "pdf", "institution": "OTHER"},
            400,
            "institution",
        ),
        (
            {"opportunity": "OPP", "statement": STATEMENT, "cv": "pdf", "institution": "RANDOM"},
            400,
            "institution",
        ),
    ],
)
def test_create_bad_input_is_problem_json(client, cast, settings, data, status, field):
    settings.UPLOAD_MAX_BYTES = 1000
    uploads = {
        "pdf": pdf_upload(),
        "png": png_upload("cv.pdf"),
        "big": pdf_upload(content=b"%PDF-1.4\n" + b"0" * 2000),
        "text": pdf_upload(content=b"hello"),
    }
    values = {
        "OPP": str(cast.opportunity.public_id),
        "OTHER": str(cast.other_institution.public_id),
        "RANDOM": str(uuid.uuid4()),
    }
    payload = {k: uploads[v] if k == "cv" else values.get(v, v) for k, v in data.items()}
    client.force_login(cast.student)
    body = _expect_problem(client.post(f"{BASE}/", payload), status)
    assert field in body["errors"]
    assert not Application.objects.exists()


def test_create_for_an_unknown_or_hidden_opportunity_is_404(client, cast):
    hidden = published_opportunity(cast.host, [cast.other_institution])
    client.force_login(cast.student)
    for opp_id in (uuid.uuid4(), hidden.public_id):
        response = client.post(
            f"{BASE}/", {"opportunity": str(opp_id), "statement": STATEMENT, "cv": pdf_upload()}
        )
        _expect_problem(response, 404)
    assert not Application.objects.exists()


def test_create_twice_is_409(client, cast):
    application_at(cast, "submitted")
    client.force_login(cast.student)
    response = client.post(
        f"{BASE}/",
        {
            "opportunity": str(cast.opportunity.public_id),
            "statement": STATEMENT,
            "cv": pdf_upload(),
        },
    )
    assert "already applied" in _expect_problem(response, 409)["detail"]


def test_create_with_a_bearer_token(client, cast):
    _token, raw = api_token_create(actor=cast.student, name="cli")
    response = client.post(
        f"{BASE}/",
        {
            "opportunity": str(cast.opportunity.public_id),
            "statement": STATEMENT,
            "cv": pdf_upload(),
        },
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201


# --- move ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", EVERYONE)
def test_move_matrix(client, cast, role, django_capture_on_commit_callbacks):
    app = application_at(cast, "submitted")
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(client, cast, role).post(
            f"{BASE}/{app.public_id}/move",
            {"stage": "under_review", "note": "Looks promising"},
            content_type="application/json",
        )
    if role in {"recruiter", "supervisor"}:
        assert response.status_code == 200
        body = response.json()
        assert body["stage"] == "under_review"
        assert body["history"][-1]["note"] == "Looks promising"
        assert [m.to for m in mail.outbox] == [[cast.student.email]]
        return
    expected = 401 if role == "anonymous" else 403 if role in VIEWERS else 404
    _expect_problem(response, expected)
    assert _state() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({}, 422),
        ({"stage": "hired"}, 422),
        ({"stage": 7}, 422),
        ({"stage": "offer"}, 400),
        ({"stage": "under_review", "note": "x" * 2001}, 422),
    ],
)
def test_move_bad_input(client, cast, payload, status):
    app = application_at(cast, "submitted")
    before = _state()
    client.force_login(cast.recruiter)
    response = client.post(f"{BASE}/{app.public_id}/move", payload, content_type="application/json")
    _expect_problem(response, status)
    assert _state() == before


def test_move_malformed_json_is_4xx(client, cast):
    app = application_at(cast, "submitted")
    client.force_login(cast.recruiter)
    response = client.post(
        f"{BASE}/{app.public_id}/move", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_move_full_opportunity_is_409(client, cast):
    opp = published_opportunity(cast.host, [cast.institution], seats=1)
    application_at(cast, "accepted", opportunity=opp, student=cast.classmate)
    app = application_at(cast, "offer", opportunity=opp)
    client.force_login(cast.student)
    response = client.post(
        f"{BASE}/{app.public_id}/move", {"stage": "accepted"}, content_type="application/json"
    )
    assert _expect_problem(response, 409)["detail"] == "All seats are taken."


# --- CV -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", EVERYONE)
def test_cv_matrix(client, cast, role):
    app = application_at(cast, "submitted")
    response = _as(client, cast, role).get(f"{BASE}/{app.public_id}/cv")
    if role in {"student", "recruiter", "supervisor", "coordinator"}:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        return
    expected = 401 if role == "anonymous" else 403 if role in VIEWERS else 404
    _expect_problem(response, expected)
