"""The completions page after a CSV upload: it is rendered at the import's POST-only address,
so its search and its pages must lead back to the list (they answered 405 before); and the
file's errors read "Line N: …" whether some rows were recorded or none. And the student's
confirmation names the skill they added, as it does the one they removed."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.organizations.models import Role
from tandem.profiles.models import CourseCompletion
from tandem.skills.services.extraction import reset_extractor
from tests.factories import member
from tests.profiles_support import YESTERDAY, profile_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    world = profile_world()
    yield world
    reset_extractor()


def _upload(client, w, rows: str):
    return client.post(
        reverse("profiles:completions_import"),
        {
            "institution": str(w.institution.public_id),
            "file": SimpleUploadedFile(
                "c.csv", f"student_email,course,completed_on\n{rows}".encode(), "text/csv"
            ),
        },
    )


def test_search_and_pages_after_an_import_lead_back_to_the_list(client, w):
    # 26 completions recorded beforehand: the list has two pages (25 a page).
    students = [member(w.institution, Role.STUDENT) for _ in range(26)]
    for s in students:
        CourseCompletion.objects.create(
            student=s,
            course=w.python_course,
            institution=w.institution,
            completed_on=YESTERDAY,
            recorded_by=w.educator,
        )
    client.force_login(w.educator)
    response = _upload(
        client, w, f"{w.classmate.email},CS102,{YESTERDAY}\nnobody@example.org,CS102,{YESTERDAY}\n"
    )
    assert response.status_code == 200  # one row recorded, one listed as an error
    body = response.content.decode()
    assert "Line 3" in body
    listing = reverse("profiles:completions")
    search = re.search(r'<form method="get" action="([^"]+)"[^>]*role="search"', body)
    assert search and search.group(1) == listing
    next_page = re.search(r'<a rel="next" href="([^"]+)"', body)
    assert next_page and next_page.group(1) == f"{listing}?page=2"
    assert client.get(next_page.group(1)).status_code == 200
    found = client.get(listing, {"q": w.classmate.full_name})
    assert found.status_code == 200 and w.classmate.full_name in found.content.decode()


def test_a_file_with_no_good_row_lists_its_lines_like_a_partial_one(client, w):
    client.force_login(w.educator)
    header = client.post(
        reverse("profiles:completions_import"),
        {
            "institution": str(w.institution.public_id),
            "file": SimpleUploadedFile("c.csv", b"email,course\nx,y\n", "text/csv"),
        },
    )
    assert header.status_code == 422
    assert header.context["import_form"].errors["file"] == [
        "Line 1: Missing columns: student_email, completed_on."
    ]
    rows = _upload(client, w, f"nobody@example.org,CS102,{YESTERDAY}\n")
    assert rows.status_code == 422
    assert rows.context["import_form"].errors["file"] == [
        "Line 2: No student of this institution has that e-mail."
    ]
    assert not CourseCompletion.objects.exists()


def test_adding_a_skill_back_names_it_like_removing_it(client, w):
    client.force_login(w.student)
    client.post(reverse("profiles:skill_remove", args=[w.sql.esco_id]))  # message not shown yet
    response = client.post(
        reverse("profiles:skill_add"), {"concept": str(w.sql.esco_id)}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["“SQL” removed from your profile.", "“SQL” added to your profile."]
