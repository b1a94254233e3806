"""Every file parser meets hostile bytes with a result or its documented error, never another
exception: the completion CSV reader (``tandem.core.csv_import``), the posting importer (CSV
and JSON-LD, ``tandem.curricula.importers``, Django-free) and the CV PDF reader. The imports
that crashed (CR-only line ends, a bare CR in a field, a field over 128 KB, NUL, ``[`` ×
100,000) are checked through their pages and the API too."""

from __future__ import annotations

import contextlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.core.csv_import import CsvUpload
from tandem.core.errors import DomainError
from tandem.curricula import importers

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

# Bytes biased towards what breaks CSV and JSON readers.
_PIECES = st.sampled_from(
    [b",", b'"', b"\r", b"\n", b"\r\n", b"\x00", b"[", b"{", b"]", b"}", b":", b"\xff", b"a"]
)
hostile_bytes = st.one_of(
    st.binary(max_size=400),
    st.lists(_PIECES, max_size=200).map(b"".join),
    st.builds(
        lambda head, body: head + body,
        st.sampled_from([b"email,completed_on\n", b"title,description,date,sector,region\n"]),
        st.lists(_PIECES, max_size=200).map(b"".join),
    ),
)


def _read_completions(content: bytes) -> list:
    errors: list[tuple[int, str]] = []
    return list(CsvUpload(content, columns=("email",), max_rows=50, errors=errors))


@FUZZ
@given(hostile_bytes)
def test_the_completion_csv_reader_gives_rows_or_a_domain_error(content):
    try:
        rows = _read_completions(content)
    except DomainError as exc:
        assert exc.fields.get("file")
        return
    for line, row in rows:
        assert line >= 2 and all("\x00" not in v for v in row.values())


@FUZZ
@given(hostile_bytes, st.sampled_from(["jobs.csv", "jobs.json", "jobs.jsonld"]))
def test_the_posting_importer_gives_a_result_or_a_value_error(content, filename):
    try:
        _fmt, parsed = importers.parse(filename, content)
    except ValueError:
        return
    assert all(e.line >= 0 and e.message for e in parsed.errors)
    assert all("\x00" not in r.title + r.description for r in parsed.rows)


@FUZZ
@given(
    st.recursive(
        st.none() | st.booleans() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_the_jsonld_importer_takes_any_json(value):
    import json

    _fmt, parsed = importers.parse("jobs.json", json.dumps(value).encode("utf-8", "surrogatepass"))
    assert isinstance(parsed.rows, tuple)


@FUZZ
@given(st.binary(max_size=600))
def test_the_cv_pdf_reader_gives_text_or_a_domain_error(tail):
    from tandem.profiles.services.profile import pdf_text

    try:
        text = pdf_text(b"%PDF-1.4\n" + tail)
    except DomainError:
        return
    assert "\x00" not in text
    text.encode("utf-8")


def test_a_damaged_real_pdf_gives_text_or_a_domain_error():
    from tandem.profiles.services.profile import pdf_text
    from tests.factories import MINIMAL_PDF

    for cut in range(9, len(MINIMAL_PDF), max(1, len(MINIMAL_PDF) // 40)):
        for damaged in (MINIMAL_PDF[:cut], MINIMAL_PDF[:cut] + b"\x00" + MINIMAL_PDF[cut + 1 :]):
            with contextlib.suppress(DomainError):
                pdf_text(damaged)


# --- The cases that crashed, one by one -------------------------------------------------------
BIG = "x" * (140 * 1024)


def test_cr_only_line_ends_are_read_as_lines():
    rows = _read_completions(b"email,completed_on\ra@x.org,2026-01-01\rb@x.org,\r")
    assert [(line, row["email"]) for line, row in rows] == [(2, "a@x.org"), (3, "b@x.org")]
    _fmt, parsed = importers.parse(
        "jobs.csv", b"title,description,date,sector,region\rA,d,2026-01-01,s,r\rB,d,,s,r\r"
    )
    assert [r.title for r in parsed.rows] == ["A", "B"] and parsed.errors == ()


def test_a_bare_cr_inside_a_quoted_field_is_kept():
    rows = _read_completions(b'email,completed_on\n"a@x.org","one\rtwo"\n')
    assert rows == [(2, {"email": "a@x.org", "completed_on": "one\rtwo"})]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"email,completed_on\na@x.org,1\nb\x00@x.org,2\n", 3),
        (b"email,completed_on\ra@x.org,1\rb\x00@x.org,2\r", 3),
        (f"email,completed_on\na@x.org,1\nb,{BIG}\n".encode(), 3),
        (f"email,{BIG}\n".encode(), 1),
    ],
)
def test_unreadable_csv_is_a_domain_error_naming_the_line(content, line):
    with pytest.raises(DomainError) as exc:
        _read_completions(content)
    (message,) = exc.value.fields["file"]
    assert message.startswith(f"Line {line}: The file cannot be read as CSV: ")


def test_the_posting_importer_names_the_line_of_a_nul_or_a_huge_field():
    with pytest.raises(ValueError, match=r"^line 3: the file contains a NUL character$"):
        importers.parse("jobs.csv", b"title,description,date,sector,region\nA\nB\x00\n")
    _fmt, parsed = importers.parse(
        "jobs.csv", f"title,description,date,sector,region\nA,{BIG},,s,r\n".encode()
    )
    assert parsed.rows == () and parsed.errors[0].line == 2
    assert "field larger than field limit" in parsed.errors[0].message
    _fmt, parsed = importers.parse("jobs.csv", f"title,{BIG}\n".encode())
    assert parsed.errors[0].line == 1


def test_deeply_nested_jsonld_is_a_line_error():
    _fmt, parsed = importers.parse("jobs.json", b"[" * 100_000)
    assert parsed.errors == (importers.LineError(1, "malformed JSON: nested too deeply"),)
    nested = b'{"@type": "JobPosting", "title": ' + b'{"name": ' * 900 + b'"T"' + b"}" * 901
    _fmt, parsed = importers.parse("jobs.json", nested)
    assert [r.title for r in parsed.rows] == ["T"]


# --- Through the pages and the API ---------------------------------------------------------------
HOSTILE_COMPLETION_FILES = {
    "cr-only": None,  # readable: no 500, rows recorded or refused line by line
    "bare-cr": b"student_email,course,completed_on\na@x.org,C\rx,2026-01-01\n",
    "huge-field": f"student_email,course,completed_on\na@x.org,{BIG},2026-01-01\n".encode(),
    "nul": b"student_email,course,completed_on\na@x.org,C\x00,2026-01-01\n",
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["bare-cr", "huge-field", "nul"])
def test_a_hostile_course_completion_file_is_a_4xx_naming_the_line(client, case):
    from tests.profiles_support import profile_world

    w = profile_world()
    client.force_login(w.coordinator)
    response = client.post(
        reverse("profiles:completions_import"),
        {
            "institution": str(w.institution.public_id),
            "file": SimpleUploadedFile("c.csv", HOSTILE_COMPLETION_FILES[case], "text/csv"),
        },
    )
    assert 400 <= response.status_code < 500
    assert "Line 2: " in response.content.decode()


@pytest.mark.django_db
def test_a_cr_only_course_completion_file_is_read(client):
    from tandem.profiles.models import CourseCompletion
    from tests.profiles_support import YESTERDAY, profile_world

    w = profile_world()
    client.force_login(w.coordinator)
    body = (
        f"student_email,course,completed_on\r{w.student.email},{w.python_course.title},"
        f"{YESTERDAY.isoformat()}\r"
    )
    response = client.post(
        reverse("profiles:completions_import"),
        {
            "institution": str(w.institution.public_id),
            "file": SimpleUploadedFile("c.csv", body.encode(), "text/csv"),
        },
    )
    assert response.status_code < 400, response.content.decode()[:500]
    assert CourseCompletion.objects.filter(student=w.student).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        b"email,completed_on\nx\rx@x.org,2026-01-01\n",
        f"email,completed_on\nx@x.org,{BIG}\n".encode(),
        b"email,completed_on\r\nx@x.org,2026-01-01\x00\r\n",
    ],
)
def test_a_hostile_program_completion_file_is_a_4xx_naming_the_line(client, content):
    from tandem.organizations.models import Membership
    from tests.factories import survey_cast

    cast = survey_cast()
    client.force_login(cast.coordinator)
    before = list(Membership.objects.values_list("completed_on", flat=True))
    response = client.post(
        reverse("organizations:completions_import", args=[cast.institution.public_id]),
        {"file": SimpleUploadedFile("done.csv", content, content_type="text/csv")},
    )
    assert 400 <= response.status_code < 500
    assert "Line 2: " in response.content.decode()
    assert list(Membership.objects.values_list("completed_on", flat=True)) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("jobs.json", b"[" * 100_000, "1: malformed JSON: nested too deeply"),
        ("jobs.csv", b"title,description,date,sector,region\nA\x00,d,,s,r\n", "line 2: "),
    ],
)
def test_a_hostile_posting_import_is_a_400_problem(client, filename, content, message):
    from tandem.curricula.models import PostingImport
    from tandem.organizations.models import Role
    from tests.factories import InstitutionFactory, member

    school = InstitutionFactory()
    client.force_login(member(school, Role.COORDINATOR))
    response = client.post(
        "/api/v1/curriculum/imports",
        {"institution_id": str(school.public_id), "file": SimpleUploadedFile(filename, content)},
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["errors"]["file"][0]
    assert PostingImport.objects.count() == 0
