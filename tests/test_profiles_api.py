"""/api/v1/profiles: authorization matrix, profile, recommendations, skills, completions."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from tandem.profiles import services
from tandem.profiles.models import CourseCompletion, ProfileSkill, RemovedSkill
from tandem.skills.services.extraction import reset_extractor
from tests.factories import MINIMAL_PDF
from tests.profiles_support import YESTERDAY, profile_world

pytestmark = pytest.mark.django_db
API = "/api/v1/profiles"


@pytest.fixture
def w(db):
    world = profile_world()
    yield world
    reset_extractor()


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/me", "/me/opportunities"])
@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("recruiter", 403),
        ("educator", 403),
        ("coordinator", 403),
        ("admin", 403),
        ("student", 200),
    ],
)
def test_me_matrix(client, w, path, who, status):
    response = as_(client, w.role(who)).get(API + path)
    assert response.status_code == status
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("recruiter", 404),
        ("other_coordinator", 404),
        ("classmate", 404),
        ("admin", 404),
        ("educator", 200),
        ("coordinator", 200),
    ],
)
def test_student_profile_matrix(client, w, who, status):
    services.profile_cv_extract(actor=w.student, student=w.student, text="A secret SQL project")
    response = as_(client, w.role(who)).get(f"{API}/students/{w.student.public_id}")
    assert response.status_code == status
    if status == 200:
        skills = response.json()["skills"]
        assert [s["skill_label"] for s in skills] == ["SQL"]
        assert skills[0]["evidence"] == [
            {
                "source": "cv",
                "course_id": None,
                "course_title": None,
                "opportunity_id": None,
                "opportunity_title": None,
                "cv_excerpt": "",
            }
        ]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "recruiter", "educator", "admin"])
def test_writes_denied_change_nothing(client, w, who):
    c = as_(client, w.role(who))
    before = (ProfileSkill.objects.count(), RemovedSkill.objects.count())
    for path, body in [
        ("/me/skills", {"skill_uri": w.sql.uri}),
        ("/me/skills/remove", {"skill_uri": w.sql.uri}),
        ("/me/cv", {"text": "SQL"}),
        ("/me/rebuild", {}),
    ]:
        response = c.post(API + path, body, content_type="application/json")
        assert response.status_code in (401, 403)
    assert (ProfileSkill.objects.count(), RemovedSkill.objects.count()) == before


def test_student_flow(client, w):
    services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    c = as_(client, w.student)
    response = c.post(
        f"{API}/me/skills", {"skill_uri": w.teamwork.uri}, content_type="application/json"
    )
    assert response.status_code == 201
    labels = [s["skill_label"] for s in response.json()["skills"]]
    assert labels == ["Python (computer programming)", "teamwork principles"]
    recs = c.get(f"{API}/me/opportunities").json()
    assert [r["title"] for r in recs] == [
        "Developer internship",
        "Analyst internship",
        "Procurement internship",
    ]
    assert recs[0]["score"] == round(2.5 / 3, 6)
    assert {m["uri"] for m in recs[0]["matched"]} == {w.python.uri, w.teamwork.uri}
    assert recs[0]["missing"][0]["courses"][0]["title"] == "Databases"
    assert recs[0]["missing"][0]["related"] == [
        {"uri": w.python.uri, "label": w.python.preferred_label}
    ]
    response = c.post(
        f"{API}/me/skills/remove", {"skill_uri": w.python.uri}, content_type="application/json"
    )
    assert response.json()["removed_skill_uris"] == [w.python.uri]
    assert c.post(f"{API}/me/cv", {"text": "SQL"}, content_type="application/json").json() == {
        "skills_found": 1
    }
    assert c.post(f"{API}/me/rebuild").json() == {"added": 0, "removed": 0}


def test_bad_input(client, w):
    c = as_(client, w.student)
    r = c.post(f"{API}/me/skills", {"skill_uri": "http://x"}, content_type="application/json")
    assert r.status_code == 400 and "skill_uri" in r.json()["errors"]
    r = c.post(f"{API}/me/skills", {}, content_type="application/json")
    assert r.status_code == 422
    r = c.post(f"{API}/me/cv", {"text": "  "}, content_type="application/json")
    assert r.status_code == 400 and "text" in r.json()["errors"]
    assert not ProfileSkill.objects.exists()


def test_completions_api(client, w):
    body = {
        "student_id": str(w.student.public_id),
        "course_id": str(w.data_course.public_id),
        "completed_on": str(YESTERDAY),
        "grade": "B",
    }
    for who, status in [
        ("recruiter", 403),
        ("student", 403),
        ("other_coordinator", 404),
    ]:
        client.logout()
        r = as_(client, w.role(who)).post(
            f"{API}/completions", body, content_type="application/json"
        )
        assert r.status_code == status
    assert not CourseCompletion.objects.exists()
    client.logout()
    c = as_(client, w.educator)
    r = c.post(f"{API}/completions", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["grade"] == "B"
    assert c.post(f"{API}/completions", body, content_type="application/json").status_code == 409
    bad = dict(body, student_id=str(w.other_student.public_id))
    r = c.post(f"{API}/completions", bad, content_type="application/json")
    assert r.status_code == 400 and "student_id" in r.json()["errors"]
    assert [x["course_title"] for x in c.get(f"{API}/completions").json()] == ["Databases"]
    client.logout()
    assert [x["course_title"] for x in as_(client, w.student).get(f"{API}/completions").json()] == [
        "Databases"
    ]
    client.logout()
    assert as_(client, w.classmate).get(f"{API}/completions").json() == []


# --- CV as a PDF (multipart) ------------------------------------------------------------------
def pdf_with(text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypted(content: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(content))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(content: bytes, name: str = "cv.pdf", content_type: str = "application/pdf"):
    return {"cv": SimpleUploadedFile(name, content, content_type=content_type)}


def test_cv_pdf_upload_finds_the_skills(client, w):
    c = as_(client, w.student)
    response = c.post(f"{API}/me/cv/pdf", upload(pdf_with("I wrote SQL reports in Python.")))
    assert response.status_code == 200
    assert response.json() == {"skills_found": 2}
    entries = ProfileSkill.objects.filter(student=w.student, source="cv")
    assert sorted(entries.values_list("concept__preferred_label", flat=True)) == [
        "Python (computer programming)",
        "SQL",
    ]
    assert all("SQL reports" in e.excerpt for e in entries)
    profile = c.get(f"{API}/me").json()
    assert [s["skill_label"] for s in profile["skills"]] == ["Python (computer programming)", "SQL"]
    # A new CV replaces the previous one's skills.
    response = c.post(f"{API}/me/cv/pdf", upload(pdf_with("Skills: negotiate contracts")))
    assert response.json() == {"skills_found": 1}
    assert list(
        ProfileSkill.objects.filter(student=w.student).values_list("concept", flat=True)
    ) == [w.negotiate.pk]


@pytest.mark.parametrize(
    "content,name,content_type",
    [
        (b"Python and SQL, honestly", "cv.txt", "text/plain"),  # not a PDF
        (pdf_with("SQL").replace(b"%PDF-", b"%PDX-"), "cv.pdf", "application/pdf"),
        (b"%PDF-1.4 garbage", "cv.pdf", "application/pdf"),  # cannot be read
        (MINIMAL_PDF, "cv.pdf", "application/pdf"),  # no text in it
        (encrypted(pdf_with("SQL")), "cv.pdf", "application/pdf"),  # password
        (b"", "cv.pdf", "application/pdf"),  # empty
    ],
)
def test_cv_pdf_bad_files_get_a_field_message_and_change_nothing(
    client, w, content, name, content_type
):
    services.profile_cv_extract(actor=w.student, student=w.student, text="teamwork principles")
    before = list(ProfileSkill.objects.values_list("pk", "concept", "excerpt"))
    response = as_(client, w.student).post(f"{API}/me/cv/pdf", upload(content, name, content_type))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["cv"]
    assert list(ProfileSkill.objects.values_list("pk", "concept", "excerpt")) == before


def test_cv_pdf_too_large_and_missing(client, w, settings):
    c = as_(client, w.student)
    settings.UPLOAD_MAX_BYTES = 1000
    response = c.post(f"{API}/me/cv/pdf", upload(pdf_with("SQL") + b" " * 1000))
    assert response.status_code == 400
    assert response.json()["errors"] == {"cv": ["The file is too large."]}
    response = c.post(f"{API}/me/cv/pdf", {})
    assert response.status_code == 422 and "cv" in response.json()["errors"]
    # A JSON body is not a file either.
    response = c.post(f"{API}/me/cv/pdf", {"text": "SQL"}, content_type="application/json")
    assert response.status_code == 422 and "cv" in response.json()["errors"]
    assert not ProfileSkill.objects.exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("recruiter", 403),
        ("other_coordinator", 403),
        ("educator", 403),
        ("coordinator", 403),
        ("admin", 403),
    ],
)
def test_cv_pdf_only_for_students(client, w, who, status):
    response = as_(client, w.role(who)).post(f"{API}/me/cv/pdf", upload(pdf_with("SQL")))
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert not ProfileSkill.objects.exists()


def test_completion_list_queries_do_not_grow_with_rows(client, w):
    """The student's own list and the staff list: as many queries for three rows as for one."""

    def record(course):
        CourseCompletion.objects.create(
            student=w.student,
            course=course,
            institution=course.program.institution,
            completed_on=YESTERDAY,
            recorded_by=w.educator,
        )

    def queries(viewer, rows):
        client.logout()
        c = as_(client, viewer)
        with CaptureQueriesContext(connection) as captured:
            assert len(c.get(f"{API}/completions").json()) == rows
        return len(captured.captured_queries)

    record(w.data_course)
    one = {viewer: queries(viewer, 1) for viewer in (w.student, w.educator)}
    record(w.python_course)
    record(w.team_course)
    assert {viewer: queries(viewer, 3) for viewer in (w.student, w.educator)} == one
