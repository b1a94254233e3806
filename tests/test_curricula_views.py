"""Curriculum pages: the authorization matrix for every view, and the educator's flow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.curricula.models import Course, LearningOutcome, MappingStatus, OutcomeSkill, Program
from tandem.organizations.models import Role
from tandem.skills.services.extraction import reset_extractor
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    PartnerFactory,
    ProgramFactory,
    UserFactory,
    member,
    small_taxonomy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    reset_extractor()
    concepts = small_taxonomy()
    school = InstitutionFactory()
    program = ProgramFactory(institution=school, title="Data BSc")
    course = CourseFactory(program=program, title="Databases")
    outcome = LearningOutcomeFactory(course=course, text="Query data with SQL.")
    link = OutcomeSkill.objects.create(outcome=outcome, concept=concepts["SQL"], score=1.0)
    yield {
        "concepts": concepts,
        "school": school,
        "program": program,
        "course": course,
        "outcome": outcome,
        "link": link,
    }
    reset_extractor()


def _user(world, who):
    if who == "anonymous":
        return None
    if who == "no-membership":
        return UserFactory()
    if who == "other-educator":
        return member(InstitutionFactory(), Role.EDUCATOR)
    if who == "partner":
        return member(PartnerFactory(), Role.RECRUITER)
    return member(world["school"], who)


def _state(world):
    return (
        Program.objects.count(),
        list(Program.objects.values_list("title", flat=True)),
        Course.objects.count(),
        LearningOutcome.objects.count(),
        list(OutcomeSkill.objects.values_list("status", flat=True)),
        AuditEvent.objects.count(),
    )


READS = ["program", "course"]  # pages students of the institution may read
# (url name, object key, method, data) of every page that changes something.
WRITES = [
    ("program_create", None, "post", {"title": "New"}),
    ("program_edit", "program", "post", {"title": "Renamed"}),
    ("program_delete", "program", "post", {}),
    ("course_create", "program", "post", {"title": "New course"}),
    ("course_edit", "course", "post", {"title": "Renamed"}),
    ("course_delete", "course", "post", {}),
    ("outcome_create", "course", "post", {"text": "Write Python."}),
    ("outcome_edit", "outcome", "post", {"text": "Write Python."}),
    ("outcome_delete", "outcome", "post", {}),
    ("outcome_suggest", "outcome", "post", {}),
    ("mapping_add", "outcome", "post", {"concept": "x"}),
    ("mapping_decide", "link", "post", {"status": "confirmed"}),
]


def _url(world, name, key):
    if key is None:
        return reverse(f"curricula:{name}")
    return reverse(f"curricula:{name}", args=[world[key].public_id])


@pytest.mark.parametrize("name", READS)
@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 302),
        ("no-membership", 404),
        ("other-educator", 404),
        ("partner", 404),
        (Role.STUDENT, 200),
        (Role.EDUCATOR, 200),
        (Role.COORDINATOR, 200),
    ],
)
def test_read_matrix(client, world, name, who, status):
    user = _user(world, who)
    if user:
        client.force_login(user)
    response = client.get(_url(world, name, name))
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("name,key,method,data", WRITES)
@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 302),
        ("no-membership", 404),
        ("other-educator", 404),
        ("partner", 404),
        (Role.STUDENT, 403),
    ],
)
def test_write_matrix_denied_changes_nothing(client, world, name, key, method, data, who, status):
    user = _user(world, who)
    if user:
        client.force_login(user)
    if name == "program_create":
        # Refused outright to non-staff; another institution's educator may create programs,
        # but not for this institution (not among the form's choices).
        data = {**data, "institution": world["school"].pk}
        status = {"anonymous": 302, "other-educator": 422}.get(who, 403)
    if name == "mapping_add" and data.get("concept") == "x":
        data = {"concept": str(world["concepts"]["Python (computer programming)"].esco_id)}
    before = _state(world)
    response = getattr(client, method)(_url(world, name, key), data)
    assert response.status_code == status
    assert _state(world) == before


@pytest.mark.parametrize("who", [Role.EDUCATOR, Role.COORDINATOR])
@pytest.mark.parametrize("name,key,method,data", WRITES)
def test_write_matrix_staff_allowed(client, world, name, key, method, data, who):
    client.force_login(_user(world, who))
    if name == "mapping_add":
        data = {"concept": str(world["concepts"]["Python (computer programming)"].esco_id)}
    if name == "program_create":
        data = {**data, "institution": world["school"].pk}
    response = getattr(client, method)(_url(world, name, key), data)
    assert response.status_code == 302, response.content[:500]
    if name != "outcome_suggest":  # machine suggestions are not audited; decisions are
        assert AuditEvent.objects.exists()


def test_list_shows_only_visible_programs(client, world):
    ProgramFactory(title="Elsewhere")
    client.force_login(_user(world, Role.STUDENT))
    response = client.get(reverse("curricula:list"))
    assert response.status_code == 200
    assert "Data BSc" in response.text and "Elsewhere" not in response.text
    client.force_login(UserFactory())
    assert "Data BSc" not in client.get(reverse("curricula:list")).text


def test_student_sees_no_edit_controls(client, world):
    client.force_login(_user(world, Role.STUDENT))
    response = client.get(_url(world, "course", "course"))
    assert "SQL" in response.text
    assert reverse("curricula:mapping_decide", args=[world["link"].public_id]) not in response.text


def test_educator_flow_with_htmx_decision(client, world):
    client.force_login(_user(world, Role.EDUCATOR))
    course = world["course"]
    response = client.post(
        reverse("curricula:outcome_create", args=[course.public_id]),
        {"text": "Automate reports in Python and work with spreadsheets."},
    )
    assert response.status_code == 302
    outcome = course.outcomes.get(text__startswith="Automate")
    assert set(outcome.skill_links.values_list("concept__preferred_label", flat=True)) == {
        "Python (computer programming)",
        "use spreadsheets software",
    }
    page = client.get(reverse("curricula:course", args=[course.public_id]))
    assert "Python (computer programming)" in page.text and "lexical" in page.text
    link = outcome.skill_links.get(concept__preferred_label="use spreadsheets software")
    response = client.post(
        reverse("curricula:mapping_decide", args=[link.public_id]),
        {"status": "rejected"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="outcome-{outcome.public_id}"' in response.text
    assert "<html" not in response.text
    link.refresh_from_db()
    assert link.status == MappingStatus.REJECTED


def test_skill_search_and_add(client, world):
    client.force_login(_user(world, Role.EDUCATOR))
    outcome = world["outcome"]
    url = reverse("curricula:mapping_add", args=[outcome.public_id])
    response = client.get(url, {"q": "bargaining"})
    assert response.status_code == 200 and "negotiate contracts" in response.text
    partial = client.get(url, {"q": "python"}, HTTP_HX_REQUEST="true")
    assert "Python (computer programming)" in partial.text and "<html" not in partial.text
    concept = world["concepts"]["negotiate contracts"]
    assert client.post(url, {"concept": str(concept.esco_id)}).status_code == 302
    assert outcome.skill_links.get(concept=concept).status == MappingStatus.CONFIRMED


@pytest.mark.parametrize(
    "name,key,data",
    [
        ("mapping_add", "outcome", {"concept": "not-a-uuid"}),
        ("mapping_add", "outcome", {"concept": "8d2c3b3e-0000-4000-8000-000000000000"}),
        ("mapping_decide", "link", {"status": "maybe"}),
        ("outcome_create", "course", {"text": ""}),
        ("outcome_create", "course", {"text": "x" * 2001}),
        ("program_edit", "program", {"title": ""}),
        ("course_create", "program", {"title": "Databases"}),
    ],
)
def test_bad_input_is_4xx(client, world, name, key, data):
    client.force_login(_user(world, Role.EDUCATOR))
    before = _state(world)
    response = client.post(_url(world, name, key), data)
    assert 400 <= response.status_code < 500
    assert _state(world) == before


def test_unknown_ids_are_404(client, world):
    client.force_login(_user(world, Role.EDUCATOR))
    missing = "00000000-0000-4000-8000-000000000000"
    for name in ("program", "course", "outcome_edit", "mapping_decide"):
        method = client.post if name == "mapping_decide" else client.get
        assert method(reverse(f"curricula:{name}", args=[missing])).status_code == 404


def _page_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_course_and_list_pages_do_not_grow_queries_with_rows(client, world):
    from tandem.curricula.models import OutcomeComment

    client.force_login(_user(world, Role.EDUCATOR))
    course = world["course"]
    url = reverse("curricula:course", args=[course.public_id])

    def grow(n):
        for i in range(n):
            o = LearningOutcomeFactory(course=course, text=f"Outcome {i}")
            OutcomeSkill.objects.create(outcome=o, concept=world["concepts"]["SQL"])
            OutcomeComment.objects.create(outcome=o, organization=world["school"], body="ok")
            ProgramFactory(institution=world["school"])

    grow(2)
    course_few = _page_queries(client, url)
    list_few = _page_queries(client, reverse("curricula:list"))
    grow(8)
    assert _page_queries(client, url) == course_few
    assert _page_queries(client, reverse("curricula:list")) == list_few
