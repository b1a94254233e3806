"""Web pages for applications: authorization matrix for every view, bad input, HTMX."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.urls import reverse

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

STATEMENT = "I have built two web apps and want to learn from your engineers."

VIEWERS = ["student", "recruiter", "supervisor", "coordinator", "educator", "admin"]
NON_VIEWERS = [
    "outsider",  # no membership
    "other_recruiter",  # another partner organization
    "other_coordinator",  # another institution's coordinator
    "other_student",  # another student (other institution)
    "classmate",  # another student (same institution)
    "mentor",  # wrong role at the host
]
EVERYONE = ["anonymous", *NON_VIEWERS, *VIEWERS]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast()


def _client_for(client, cast, role):
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


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


# --- list ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", EVERYONE)
def test_list_matrix(client, cast, role):
    app = application_at(cast, "submitted")
    response = _client_for(client, cast, role).get(reverse("applications:list"))
    if role == "anonymous":
        assert _is_login_redirect(response)
        return
    assert response.status_code == 200
    shown = str(app.public_id) in response.content.decode()
    assert shown == (role in VIEWERS)


def test_partner_staff_see_only_applicants_to_their_postings(client, cast):
    mine = application_at(cast, "submitted")
    elsewhere = published_opportunity(cast.other_partner, [cast.institution])
    theirs = application_at(cast, "submitted", opportunity=elsewhere)
    client.force_login(cast.recruiter)
    page = client.get(reverse("applications:list")).content.decode()
    assert str(mine.public_id) in page and str(theirs.public_id) not in page


def test_list_filters_search_and_pagination(client, cast, django_assert_max_num_queries):
    students = [cast.student, cast.classmate]
    apps = [application_at(cast, "submitted", student=s, with_cv=False) for s in students]
    other_opp = published_opportunity(cast.host, [cast.institution], title="Welding apprenticeship")
    welding = application_at(cast, "interview", opportunity=other_opp, with_cv=False)
    client.force_login(cast.recruiter)
    url = reverse("applications:list")
    page = client.get(url, {"stage": "interview"}).content.decode()
    assert str(welding.public_id) in page and str(apps[0].public_id) not in page
    page = client.get(url, {"opportunity": str(other_opp.public_id)}).content.decode()
    assert str(welding.public_id) in page and str(apps[1].public_id) not in page
    page = client.get(url, {"q": "welding"}).content.decode()
    assert str(welding.public_id) in page and str(apps[0].public_id) not in page
    # Garbage filters are not errors: they just match nothing.
    for params in ({"stage": "nope"}, {"opportunity": "not-a-uuid"}, {"page": "x"}):
        assert client.get(url, params).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url, {"page": 2}).status_code == 200
    # HTMX asks for the results partial only.
    partial = client.get(url, {"stage": "interview"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert str(welding.public_id) in partial.content.decode()


def test_list_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    for _ in range(30):
        opp = published_opportunity(cast.host, [cast.institution])
        application_at(cast, "submitted", opportunity=opp, with_cv=False)
    client.force_login(cast.coordinator)
    # 26: a first view fills three cache entries — the stage counts
    # (applications/stage_counts.py), the list's capped count and its page ids
    # (core/listing_cache.py) — about five statements each with the database cache the tests
    # use (none with Redis). The next view reads them: the page's rows and no count.
    with django_assert_max_num_queries(26):
        response = client.get(reverse("applications:list"))
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(reverse("applications:list"))
    assert len(response.context["page_obj"].object_list) == 25


# --- detail -------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", EVERYONE)
def test_detail_matrix(client, cast, role):
    app = application_at(cast, "submitted")
    response = _client_for(client, cast, role).get(
        reverse("applications:detail", args=[app.public_id])
    )
    if role == "anonymous":
        assert _is_login_redirect(response)
    elif role in VIEWERS:
        assert response.status_code == 200
        assert app.statement in response.content.decode()
    else:
        assert response.status_code == 404


def test_detail_unknown_id_is_404(client, cast):
    client.force_login(cast.admin)
    assert client.get(reverse("applications:detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/applications/123/").status_code == 404


def test_detail_shows_only_allowed_stage_buttons(client, cast):
    app = application_at(cast, "offer")
    client.force_login(cast.student)
    page = client.get(reverse("applications:detail", args=[app.public_id])).content.decode()
    assert 'value="accepted"' in page and 'value="declined"' in page
    client.force_login(cast.recruiter)
    page = client.get(reverse("applications:detail", args=[app.public_id])).content.decode()
    assert 'value="accepted"' not in page


# --- move ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", EVERYONE)
def test_move_matrix(client, cast, role, django_capture_on_commit_callbacks):
    app = application_at(cast, "submitted")
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client_for(client, cast, role).post(
            reverse("applications:move", args=[app.public_id]), {"to_stage": "under_review"}
        )
    app.refresh_from_db()
    if role in {"recruiter", "supervisor"}:
        assert response.status_code == 302
        assert app.stage == "under_review"
        assert [m.to for m in mail.outbox] == [[cast.student.email]]
        return
    if role == "anonymous":
        assert _is_login_redirect(response)
    elif role in VIEWERS:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    assert _state() == before
    assert mail.outbox == []


def test_move_get_is_not_allowed(client, cast):
    app = application_at(cast, "submitted")
    client.force_login(cast.recruiter)
    assert client.get(reverse("applications:move", args=[app.public_id])).status_code == 405


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 400),
        ({"to_stage": "hired"}, 400),
        ({"to_stage": "offer"}, 400),  # an illegal jump
        ({"to_stage": "under_review", "note": "x" * 2001}, 400),
    ],
)
def test_move_bad_input_is_4xx_and_changes_nothing(client, cast, data, status):
    app = application_at(cast, "submitted")
    before = _state()
    client.force_login(cast.recruiter)
    response = client.post(reverse("applications:move", args=[app.public_id]), data)
    assert response.status_code == status
    assert _state() == before


def test_move_full_opportunity_is_409(client, cast):
    opp = published_opportunity(cast.host, [cast.institution], seats=1)
    application_at(cast, "accepted", opportunity=opp, student=cast.classmate)
    app = application_at(cast, "offer", opportunity=opp)
    client.force_login(cast.student)
    response = client.post(
        reverse("applications:move", args=[app.public_id]), {"to_stage": "accepted"}
    )
    assert response.status_code == 409
    assert "All seats are taken" in response.content.decode()
    app.refresh_from_db()
    assert app.stage == "offer"


def test_move_with_htmx_returns_the_panel(client, cast):
    app = application_at(cast, "submitted")
    client.force_login(cast.recruiter)
    url = reverse("applications:move", args=[app.public_id])
    response = client.post(url, {"to_stage": "under_review"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="application-panel"' in body and "<html" not in body
    assert 'value="shortlisted"' in body
    # An error is shown inside the panel (htmx swaps only 2xx answers).
    response = client.post(url, {"to_stage": "completed"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


# --- CV download --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", EVERYONE)
def test_cv_matrix(client, cast, role):
    app = application_at(cast, "submitted")
    response = _client_for(client, cast, role).get(reverse("applications:cv", args=[app.public_id]))
    if role == "anonymous":
        assert _is_login_redirect(response)
    elif role in {"student", "recruiter", "supervisor", "coordinator"}:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    elif role in {"educator", "admin"}:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_cv_missing_is_404(client, cast):
    app = application_at(cast, "submitted", with_cv=False)
    client.force_login(cast.student)
    assert client.get(reverse("applications:cv", args=[app.public_id])).status_code == 404


# --- apply --------------------------------------------------------------------------------------
APPLY_DENIED_404 = ["outsider", "other_recruiter", "other_coordinator", "other_student", "mentor"]
APPLY_DENIED_403 = ["recruiter", "supervisor", "coordinator", "educator", "admin"]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["anonymous", *APPLY_DENIED_404, *APPLY_DENIED_403, "student"])
def test_apply_matrix(client, cast, role, method, django_capture_on_commit_callbacks):
    url = reverse("applications:apply", args=[cast.opportunity.public_id])
    c = _client_for(client, cast, role)
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        if method == "get":
            response = c.get(url)
        else:
            response = c.post(url, {"statement": STATEMENT, "cv": pdf_upload()})
    if role == "student":
        if method == "get":
            assert response.status_code == 200
            assert 'enctype="multipart/form-data"' in response.content.decode()
        else:
            app = Application.objects.get()
            assert response.status_code == 302
            assert response["Location"] == reverse("applications:detail", args=[app.public_id])
            assert len(mail.outbox) == 3
        return
    if role == "anonymous":
        assert _is_login_redirect(response)
    elif role in APPLY_DENIED_404:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert _state() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"statement": "", "cv": "pdf"}, "Write a personal statement."),
        ({"statement": "short", "cv": "pdf"}, "too short"),
        ({"statement": STATEMENT}, "Upload your CV"),
        ({"statement": STATEMENT, "cv": "png"}, "must be a PDF"),
        ({"statement": STATEMENT, "cv": "big"}, "too large"),
        (
            {"statement": STATEMENT, "cv": "pdf", "institution": "not-a-uuid"},
            'id="id_institution_error"',
        ),
        (
            {"statement": STATEMENT, "cv": "pdf", "institution": str(uuid.uuid4())},
            'id="id_institution_error"',
        ),
    ],
)
def test_apply_bad_input_shows_inline_errors(client, cast, settings, data, field_error):
    settings.UPLOAD_MAX_BYTES = 1000
    uploads = {
        "pdf": pdf_upload(),
        "png": png_upload("photo.pdf"),
        "big": pdf_upload(content=b"%PDF-1.4\n" + b"0" * 2000),
    }
    payload = dict(data)
    if "cv" in payload:
        payload["cv"] = uploads[payload["cv"]]
    client.force_login(cast.student)
    response = client.post(
        reverse("applications:apply", args=[cast.opportunity.public_id]), payload
    )
    assert 400 <= response.status_code < 500
    body = response.content.decode()
    assert field_error in body
    assert 'class="error"' in body
    assert not Application.objects.exists()


def test_apply_other_users_or_unknown_ids_are_404(client, cast):
    client.force_login(cast.student)
    assert client.get(reverse("applications:apply", args=[uuid.uuid4()])).status_code == 404
    hidden = published_opportunity(cast.host, [cast.other_institution])
    assert client.get(reverse("applications:apply", args=[hidden.public_id])).status_code == 404
    assert (
        client.post(
            reverse("applications:apply", args=[hidden.public_id]),
            {"statement": STATEMENT, "cv": pdf_upload()},
        ).status_code
        == 404
    )
    assert not Application.objects.exists()


def test_applying_twice_leads_to_the_existing_application(client, cast):
    app = application_at(cast, "submitted")
    client.force_login(cast.student)
    response = client.post(
        reverse("applications:apply", args=[cast.opportunity.public_id]),
        {"statement": STATEMENT, "cv": pdf_upload()},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[app.public_id])
    assert Application.objects.count() == 1


# --- Django admin: read-only -------------------------------------------------------------------
def test_admin_is_read_only(client, cast):
    app = application_at(cast, "submitted")
    client.force_login(cast.admin)
    assert client.get("/admin/applications/application/").status_code == 200
    change_url = f"/admin/applications/application/{app.pk}/change/"
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"stage": "completed"}).status_code == 403
    assert client.get("/admin/applications/application/add/").status_code == 403
    app.refresh_from_db()
    assert app.stage == "submitted"
