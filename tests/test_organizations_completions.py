"""Program completion dates: the form on a student's membership and the CSV upload —
authorization matrix (denied cases change nothing), bad input and bad CSV lines, audit and
personal-data export."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.personal_data import export_personal_data
from tandem.audit.models import AuditEvent
from tandem.organizations import completions
from tandem.organizations.models import Membership, Role
from tests.factories import member, survey_cast

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "other_coordinator", "student", "educator", "coordinator"]
# anonymous goes to the login page; everyone but the owner's coordinators is refused.
EXPECTED = {
    "anonymous": 302,
    "outsider": 403,
    "other_coordinator": 403,
    "student": 403,
    "educator": 403,
    "coordinator": None,  # allowed
    "admin": None,
}


@pytest.fixture
def cast():
    return survey_cast()


def login(client, cast, role):
    user = None if role == "anonymous" else getattr(cast, role)
    if user is not None:
        client.force_login(user)
    return client


def student_membership(cast):
    return Membership.objects.get(user=cast.student, organization=cast.institution)


def dates():
    return tuple(Membership.objects.order_by("pk").values_list("completed_on", flat=True))


def completion_url(cast):
    return reverse(
        "organizations:member_completion",
        args=[cast.institution.public_id, student_membership(cast).public_id],
    )


def import_url(cast):
    return reverse("organizations:completions_import", args=[cast.institution.public_id])


def csv_file(text: str):
    return SimpleUploadedFile("done.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize("role", [*ROLES, "admin"])
def test_completion_form_matrix(client, cast, role):
    before, events = dates(), AuditEvent.objects.count()
    login(client, cast, role)
    day = timezone.localdate() - timedelta(days=10)
    get = client.get(completion_url(cast))
    post = client.post(completion_url(cast), {"completed_on": day.isoformat()})
    if EXPECTED[role] is not None:
        assert (get.status_code, post.status_code) == (EXPECTED[role], EXPECTED[role])
        assert dates() == before and AuditEvent.objects.count() == events
        return
    assert get.status_code == 200 and 'type="date"' in get.content.decode()
    assert post.status_code == 302
    assert student_membership(cast).completed_on == day
    event = AuditEvent.objects.get(action="membership.completion.set")
    assert event.changes == {"completed_on": [None, day.isoformat()]}


@pytest.mark.parametrize("role", [*ROLES, "admin"])
def test_import_matrix(client, cast, role):
    before, events = dates(), AuditEvent.objects.count()
    login(client, cast, role)
    body = f"email,completed_on\n{cast.student.email},2026-01-15\n"
    response = client.post(import_url(cast), {"file": csv_file(body)})
    if EXPECTED[role] is not None:
        assert response.status_code == EXPECTED[role]
        assert dates() == before and AuditEvent.objects.count() == events
        return
    assert response.status_code == 302
    assert student_membership(cast).completed_on == date(2026, 1, 15)


def test_the_form_and_upload_show_on_the_page_only_to_coordinators(client, cast):
    client.force_login(cast.coordinator)
    body = client.get(reverse("organizations:detail", args=[cast.institution.public_id]))
    assert completion_url(cast) in body.content.decode()
    assert import_url(cast) in body.content.decode()
    partner = reverse("organizations:detail", args=[cast.partner.public_id])
    client.force_login(cast.recruiter)
    assert import_url(cast) not in client.get(partner).content.decode()


def test_only_students_of_this_institution_have_a_completion_page(client, cast):
    client.force_login(cast.coordinator)
    educator = Membership.objects.get(user=cast.educator, organization=cast.institution)
    url = reverse(
        "organizations:member_completion", args=[cast.institution.public_id, educator.public_id]
    )
    assert client.get(url).status_code == 404
    other = Membership.objects.get(user=cast.other_coordinator)
    url = reverse(
        "organizations:member_completion", args=[cast.institution.public_id, other.public_id]
    )
    assert client.get(url).status_code == 404


def test_form_refuses_a_future_or_malformed_date_with_a_field_message(client, cast):
    client.force_login(cast.coordinator)
    before = dates()
    future = timezone.localdate() + timedelta(days=1)
    response = client.post(completion_url(cast), {"completed_on": future.isoformat()})
    assert response.status_code == 422
    assert "The completion date is in the future." in response.content.decode()
    response = client.post(completion_url(cast), {"completed_on": "31/13/2026"})
    assert response.status_code == 422 and "Enter a valid date." in response.content.decode()
    assert dates() == before


def test_an_empty_date_clears_the_completion(client, cast):
    m = student_membership(cast)
    completions.membership_completion_set(
        actor=cast.coordinator, membership=m, completed_on=date(2026, 1, 2)
    )
    client.force_login(cast.coordinator)
    assert client.post(completion_url(cast), {"completed_on": ""}).status_code == 302
    assert student_membership(cast).completed_on is None
    changes = [
        e.changes
        for e in AuditEvent.objects.filter(action="membership.completion.set").order_by("pk")
    ]
    assert changes == [
        {"completed_on": [None, "2026-01-02"]},
        {"completed_on": ["2026-01-02", None]},
    ]


def test_bad_csv_lines_are_reported_by_number_and_good_ones_recorded(client, cast):
    other = member(cast.institution, Role.STUDENT)
    stranger = member(cast.other_institution, Role.STUDENT)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    body = (
        "Email,Completed_On\n"
        f"{cast.student.email.upper()},2026-01-15\n"  # 2: good (case-insensitive)
        "nobody@example.com,2026-01-15\n"  # 3: unknown
        f"{stranger.email},2026-01-15\n"  # 4: another institution's student
        f"{other.email},15/01/2026\n"  # 5: not ISO
        f"{other.email},{future}\n"  # 6: future
        ",\n"  # 7: blank, ignored
        f"{cast.educator.email},2026-01-15\n"  # 8: not a student
    )
    client.force_login(cast.coordinator)
    response = client.post(import_url(cast), {"file": csv_file(body)})
    assert response.status_code == 200
    assert response.context["errors"] == [
        "Line 3: No student of this institution has that e-mail.",
        "Line 4: No student of this institution has that e-mail.",
        "Line 5: completed_on is not a date (YYYY-MM-DD).",
        "Line 6: The completion date is in the future.",
        "Line 8: No student of this institution has that e-mail.",
    ]
    assert student_membership(cast).completed_on == date(2026, 1, 15)
    assert Membership.objects.get(user=other).completed_on is None
    assert Membership.objects.get(user=stranger).completed_on is None
    # The same file again changes nothing and says so.
    again = completions.membership_completions_import(
        actor=cast.coordinator, institution=cast.institution, content=body.encode()
    )
    assert (again.updated, again.skipped, len(again.errors)) == (0, 1, 5)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("mail,completed_on\nx@example.com,2026-01-01\n", "Line 1: Missing columns: email."),
        ("email,completed_on\nnobody@example.com,2026-01-01\n", "Line 2: No student"),
    ],
)
def test_a_file_with_no_good_row_is_a_422_that_records_nothing(client, cast, body, message):
    client.force_login(cast.coordinator)
    before, events = dates(), AuditEvent.objects.count()
    response = client.post(import_url(cast), {"file": csv_file(body)})
    assert response.status_code == 422 and message in response.content.decode()
    assert dates() == before and AuditEvent.objects.count() == events


def test_a_non_utf8_file_is_a_422(client, cast):
    client.force_login(cast.coordinator)
    upload = SimpleUploadedFile("x.csv", b"email,completed_on\n\xff\xfe,2026\n")
    response = client.post(import_url(cast), {"file": upload})
    assert (
        response.status_code == 422 and "Save the file as UTF-8 CSV." in response.content.decode()
    )


def test_the_completion_date_is_in_the_personal_data_export(cast):
    completions.membership_completion_set(
        actor=cast.coordinator, membership=student_membership(cast), completed_on=date(2026, 1, 2)
    )
    exported = export_personal_data(cast.student)["memberships"]
    assert [m["completed_on"] for m in exported] == [date(2026, 1, 2)]
