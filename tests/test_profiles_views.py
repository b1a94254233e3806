"""Profile pages: authorization matrix, the student's flows, recommendations (ranking,
explanation, bounded queries) and the completion pages."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.profiles import services
from tandem.profiles.models import CourseCompletion, ProfileSkill, RemovedSkill
from tandem.skills.models import SkillConcept, SkillLabel
from tandem.skills.services import opportunity_skills_refresh
from tandem.skills.services.extraction import reset_extractor
from tests.factories import published_opportunity
from tests.profiles_support import YESTERDAY, profile_world

pytestmark = pytest.mark.django_db

EVERYONE = [
    "anonymous",
    "outsider",
    "recruiter",
    "other_coordinator",
    "other_student",
    "classmate",
    "educator",
    "coordinator",
    "admin",
    "student",
]


@pytest.fixture
def w(db):
    world = profile_world()
    yield world
    reset_extractor()


def login(client, user):
    if user is not None:
        client.force_login(user)


def state():
    return (
        sorted(ProfileSkill.objects.values_list("student_id", "concept_id", "source")),
        sorted(RemovedSkill.objects.values_list("student_id", "concept_id")),
        sorted(CourseCompletion.objects.values_list("student_id", "course_id")),
    )


# --- Authorization matrix -----------------------------------------------------------------
STUDENT_PAGES = ["profiles:mine", "profiles:opportunities", "profiles:skill_add"]


@pytest.mark.parametrize("name", STUDENT_PAGES)
@pytest.mark.parametrize("who", EVERYONE)
def test_student_pages_matrix(client, w, name, who):
    login(client, w.role(who))
    response = client.get(reverse(name))
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login" in response["Location"]
    elif who in ("classmate", "other_student", "student"):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("recruiter", 404),
        ("other_coordinator", 404),
        ("other_student", 404),
        ("classmate", 404),
        ("admin", 404),
        ("educator", 200),
        ("coordinator", 200),
        ("student", 302),  # to their own editable page
    ],
)
def test_student_profile_matrix_and_no_cv_excerpt_for_staff(client, w, who, status):
    services.profile_cv_extract(actor=w.student, student=w.student, text="My secret Python job")
    login(client, w.role(who))
    response = client.get(reverse("profiles:student", args=[w.student.public_id]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Python (computer programming)" in body
        assert "secret" not in body  # the CV excerpt is the student's alone
        assert "Remove" not in body  # read-only


WRITES = [
    ("profiles:cv", {"text": "I write SQL"}),
    ("profiles:cv_clear", {}),
    ("profiles:rebuild", {}),
    ("profiles:skill_add", {"concept": "CONCEPT"}),
    ("profiles:skill_remove", None),
]


def _post(client, w, name, data):
    if name == "profiles:skill_remove":
        return client.post(reverse(name, args=[w.sql.esco_id]))
    if data and data.get("concept") == "CONCEPT":
        data = {"concept": str(w.negotiate.esco_id)}
    return client.post(reverse(name), data or {})


@pytest.mark.parametrize("name,data", WRITES)
@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "recruiter", "educator", "coordinator", "admin"]
)
def test_student_writes_denied_change_nothing(client, w, name, data, who):
    services.profile_skill_add(actor=w.student, student=w.student, concept=w.sql)
    before = state()
    login(client, w.role(who))
    response = _post(client, w, name, data)
    assert response.status_code in (302, 403)
    if who == "anonymous":
        assert "/accounts/login" in response["Location"]
    else:
        assert response.status_code == 403
    assert state() == before


def test_a_student_edits_only_their_own_profile(client, w):
    services.profile_skill_add(actor=w.student, student=w.student, concept=w.sql)
    login(client, w.classmate)
    client.post(reverse("profiles:skill_remove", args=[w.sql.esco_id]))
    # The classmate's own (empty) profile got the removal; the student's is untouched.
    assert RemovedSkill.objects.get().student == w.classmate
    assert ProfileSkill.objects.get().student == w.student


# --- Student flows --------------------------------------------------------------------------
def test_student_cv_search_add_remove_flow(client, w):
    login(client, w.student)
    response = client.post(reverse("profiles:cv"), {"text": "Python and SQL at school"})
    assert response.status_code == 302
    page = client.get(reverse("profiles:mine")).content.decode()
    assert "Python and SQL at school" in page  # the excerpt, shown to the student
    results = client.get(reverse("profiles:skill_add"), {"q": "negoti"}, HTTP_HX_REQUEST="true")
    assert results.status_code == 200 and b"negotiate contracts" in results.content
    assert b"<html" not in results.content  # the partial only
    client.post(reverse("profiles:skill_add"), {"concept": str(w.negotiate.esco_id)})
    client.post(reverse("profiles:skill_remove", args=[w.sql.esco_id]))
    page = client.get(reverse("profiles:mine")).content.decode()
    assert "negotiate contracts" in page and "Skills you removed" in page


@pytest.mark.parametrize(
    "data,files,field",
    [
        ({}, {}, "text"),
        ({"text": "x" * 50_001}, {}, "text"),
        ({}, {"cv": b"not a pdf at all"}, "cv"),
    ],
)
def test_bad_cv_input_is_422_with_a_message(client, w, data, files, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, w.student)
    if files:
        data = {"cv": SimpleUploadedFile("cv.pdf", files["cv"], content_type="application/pdf")}
    response = client.post(reverse("profiles:cv"), data)
    assert response.status_code == 422
    assert response.context["cv_form"].errors[field]
    assert not ProfileSkill.objects.exists()


def test_bad_skill_ids_are_4xx(client, w):
    login(client, w.student)
    assert client.post(reverse("profiles:skill_add"), {"concept": "nope"}).status_code == 400
    assert client.post(reverse("profiles:skill_add"), {}).status_code == 400
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.post(reverse("profiles:skill_remove", args=[missing])).status_code == 404
    assert client.get(reverse("profiles:student", args=[missing])).status_code == 404


# --- Recommendations ------------------------------------------------------------------------
def test_recommendations_are_ranked_and_explained(client, w):
    services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    services.profile_skill_add(actor=w.student, student=w.student, concept=w.teamwork)
    login(client, w.student)
    response = client.get(reverse("profiles:opportunities"))
    assert response.status_code == 200
    recs = list(response.context["page_obj"])
    # Developer: Python + teamwork held, SQL a sibling of Python: (1 + 1 + 0.5) / 3.
    # Analyst: SQL (sibling: 0.5) and spreadsheets (0): 0.25. Procurement: 0.
    assert [r.opportunity for r in recs] == [w.dev_job, w.analyst_job, w.negotiator_job]
    assert [round(r.score, 4) for r in recs] == [round(2.5 / 3, 4), 0.25, 0.0]
    dev = recs[0]
    assert {c.pk for c in dev.matched} == {w.python.pk, w.teamwork.pk}
    assert [m.concept for m in dev.missing] == [w.sql]
    assert [c.title for c in dev.missing[0].courses] == ["Databases"]
    assert [c.pk for c in dev.missing[0].related] == [w.python.pk]
    procurement = recs[2]
    # Negotiation is only suggested in our Team project and confirmed at another
    # institution: no course to show.
    assert [(m.concept, m.courses) for m in procurement.missing] == [(w.negotiate, ())]
    body = response.content.decode()
    assert body.index("Developer internship") < body.index("Analyst internship")
    assert "Skill fit: 83%" in body and "Databases" in body


def test_recommendations_only_show_what_the_student_may_see(client, w):
    hidden = published_opportunity(w.partner, [w.other_institution], title="Elsewhere only")
    opportunity_skills_refresh()  # the worker's task after the opportunity's service commits
    login(client, w.other_student)
    titles = [
        r.opportunity.title
        for r in client.get(reverse("profiles:opportunities")).context["page_obj"]
    ]
    assert sorted(titles) == sorted(["Developer internship", hidden.title])
    login(client, w.student)
    titles = [
        r.opportunity.title
        for r in client.get(reverse("profiles:opportunities")).context["page_obj"]
    ]
    assert "Elsewhere only" not in titles and len(titles) == 3


def test_recommendation_queries_do_not_grow_with_opportunities(client, w):
    services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    login(client, w.student)
    url = reverse("profiles:opportunities")
    client.get(url)  # ranks and caches the student's list
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        published_opportunity(
            w.partner, [w.institution], title=f"More {i}", skills_wanted="SQL, negotiate contracts"
        )
    opportunity_skills_refresh()  # the worker's task after the opportunities' services commit
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page_obj"].object_list) == 11
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    # 20 of the page's own, plus one read of the student's cached list from Django's database
    # cache (the cache without Redis; with Redis that read is not a database query).
    assert len(many) <= 21


# --- Completions pages ----------------------------------------------------------------------
@pytest.mark.parametrize("who", EVERYONE)
def test_completions_page_matrix(client, w, who):
    login(client, w.role(who))
    response = client.get(reverse("profiles:completions"))
    if who == "anonymous":
        assert response.status_code == 302
    elif who in ("educator", "coordinator", "other_coordinator"):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "recruiter", "student", "admin", "other_coordinator"]
)
def test_recording_denied_changes_nothing(client, w, who):
    login(client, w.role(who))
    response = client.post(
        reverse("profiles:completions"),
        {
            "student": str(w.student.public_id),
            "course": str(w.python_course.public_id),
            "completed_on": str(YESTERDAY),
        },
    )
    # Another institution's coordinator cannot even choose our student or course: 422.
    assert response.status_code in (302, 403, 422)
    if who == "other_coordinator":
        assert response.status_code == 422
    assert not CourseCompletion.objects.exists() and not ProfileSkill.objects.exists()


def test_record_and_import_and_delete_through_the_pages(client, w):
    login(client, w.educator)
    response = client.post(
        reverse("profiles:completions"),
        {
            "student": str(w.student.public_id),
            "course": str(w.python_course.public_id),
            "completed_on": str(YESTERDAY),
            "grade": "A",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("profiles:completions"),
        {"student": str(w.student.public_id), "course": str(w.python_course.public_id)},
    )
    assert bad.status_code == 422 and bad.context["form"].errors["completed_on"]
    dup = client.post(
        reverse("profiles:completions"),
        {
            "student": str(w.student.public_id),
            "course": str(w.python_course.public_id),
            "completed_on": str(YESTERDAY),
        },
    )
    assert dup.status_code == 422
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = (
        "student_email,course,completed_on\n"
        f"{w.classmate.email},CS102,{YESTERDAY}\n"
        f"{w.classmate.email},CS404,{YESTERDAY}\n"
    ).encode()
    response = client.post(
        reverse("profiles:completions_import"),
        {
            "institution": str(w.institution.public_id),
            "file": SimpleUploadedFile("c.csv", csv, content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    assert "Line 3" in response.content.decode()
    assert CourseCompletion.objects.count() == 2
    page = client.get(reverse("profiles:completions"))
    assert page.status_code == 200 and w.classmate.full_name in page.content.decode()
    completion = CourseCompletion.objects.get(student=w.student)
    login(client, w.other_coordinator)
    assert (
        client.post(reverse("profiles:completion_delete", args=[completion.public_id])).status_code
        == 404
    )
    login(client, w.coordinator)
    client.post(reverse("profiles:completion_delete", args=[completion.public_id]))
    assert not CourseCompletion.objects.filter(student=w.student).exists()


def test_completions_list_queries_do_not_grow(client, w):
    login(client, w.coordinator)
    url = reverse("profiles:completions")
    services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for course in (w.data_course, w.team_course):
        services.course_completion_record(
            actor=w.educator, student=w.classmate, course=course, completed_on=YESTERDAY
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_nav_links_for_students_and_staff(client, w):
    login(client, w.student)
    body = client.get("/").content.decode()
    assert reverse("profiles:opportunities") in body and reverse("profiles:mine") in body
    login(client, w.educator)
    body = client.get("/").content.decode()
    assert reverse("profiles:completions") in body and reverse("profiles:opportunities") not in body


def test_two_esco_concepts_with_one_label_are_one_skill_on_the_card(client, w):
    """ESCO files some words twice (two concepts, one preferred label). A posting asking for
    "network" and a student holding either "network" concept: matched, never also missing."""
    networks = []
    for kind in ("knowledge", "skill"):
        cid = uuid.uuid5(uuid.NAMESPACE_URL, f"network-{kind}")
        c = SkillConcept.objects.create(
            uri=f"http://data.europa.eu/esco/skill/{cid}",
            esco_id=cid,
            preferred_label="network",
            kind=kind,
        )
        SkillLabel.objects.create(concept=c, label="network", search="network", is_preferred=True)
        networks.append(c)
    reset_extractor()
    job = published_opportunity(
        w.partner, [w.institution], title="Network internship", skills_wanted="network, SQL"
    )
    opportunity_skills_refresh()
    services.profile_skill_add(actor=w.student, student=w.student, concept=networks[1])
    login(client, w.student)
    response = client.get(reverse("profiles:opportunities"))
    rec = next(r for r in response.context["page_obj"] if r.opportunity == job)
    assert [c.preferred_label for c in rec.matched] == ["network"]
    assert [m.concept.preferred_label for m in rec.missing] == ["SQL"]
    assert rec.score == 0.5
    card = response.content.decode().split(f'data-opportunity="{job.public_id}"')[1]
    matched = card.split('<ul class="matched">')[1].split("</ul>")[0]
    missing = card.split('<ul class="missing">')[1].split("</ul>")[0]
    assert "network" in matched and "SQL" not in matched
    assert "network" not in missing and "SQL" in missing
