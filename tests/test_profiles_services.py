"""Profile services: completions (form and CSV), CV extraction, the student's decisions, the
idempotent rebuild from courses and placements, personal data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from reportlab.pdfgen import canvas

from tandem.accounts.personal_data import export_personal_data
from tandem.accounts.services import user_erase
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.profiles import services
from tandem.profiles.models import CourseCompletion, ProfileSkill, RemovedSkill
from tandem.profiles.selectors import held_concept_ids
from tandem.skills.services.extraction import reset_extractor
from tests.factories import MINIMAL_PDF, ApplicationFactory
from tests.profiles_support import YESTERDAY, profile_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    world = profile_world()
    yield world
    reset_extractor()


def entries(student, source=None):
    qs = ProfileSkill.objects.filter(student=student)
    if source:
        qs = qs.filter(source=source)
    return sorted(
        (e.source, e.concept.preferred_label, e.course_id, e.application_id)
        for e in qs.select_related("concept")
    )


def pdf_with(text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


# --- Completions ----------------------------------------------------------------------------
def test_educator_records_a_completion_and_the_profile_takes_confirmed_skills(w):
    c = services.course_completion_record(
        actor=w.educator, student=w.student, course=w.team_course, completed_on=YESTERDAY, grade="A"
    )
    assert (c.institution, c.recorded_by, c.grade) == (w.institution, w.educator, "A")
    # Only the confirmed mapping counts: negotiation is merely suggested for this course.
    assert entries(w.student) == [("course", "teamwork principles", w.team_course.pk, None)]
    event = AuditEvent.objects.get(action="profiles.completion.record")
    assert "A" not in str(event.changes)  # no grade in the audit trail


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "recruiter", "student"])
def test_who_may_record_a_completion(w, who):
    kwargs = dict(student=w.student, course=w.python_course, completed_on=YESTERDAY)
    if who == "coordinator":
        services.course_completion_record(actor=w.coordinator, **kwargs)
        assert CourseCompletion.objects.count() == 1
    else:
        with pytest.raises(PermissionDeniedError):
            services.course_completion_record(actor=w.role(who), **kwargs)
        assert not CourseCompletion.objects.exists()
        assert not ProfileSkill.objects.exists()


def test_completion_rules(w):
    with pytest.raises(DomainError) as exc:
        services.course_completion_record(
            actor=w.educator,
            student=w.other_student,
            course=w.python_course,
            completed_on=YESTERDAY,
        )
    assert "student" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        services.course_completion_record(
            actor=w.educator,
            student=w.student,
            course=w.python_course,
            completed_on=dt.date.today() + dt.timedelta(days=2),
        )
    assert "completed_on" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        services.course_completion_record(
            actor=w.educator,
            student=w.student,
            course=w.python_course,
            completed_on=YESTERDAY,
            grade="x" * 21,
        )
    assert "grade" in exc.value.fields
    services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    with pytest.raises(ConflictError):
        services.course_completion_record(
            actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
        )
    assert CourseCompletion.objects.count() == 1


def test_deleting_a_completion_takes_its_skills_away(w):
    c = services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    with pytest.raises(PermissionDeniedError):
        services.course_completion_delete(actor=w.other_coordinator, completion=c)
    services.course_completion_delete(actor=w.coordinator, completion=c)
    assert not CourseCompletion.objects.exists()
    assert entries(w.student) == []


def test_csv_import_records_good_rows_and_reports_bad_ones_by_line(w):
    csv = (
        "student_email,course,completed_on,grade\n"
        f"{w.student.email},CS101,{YESTERDAY},B+\n"  # 2: ok (by code)
        f"{w.classmate.email.upper()},Databases,{YESTERDAY},\n"  # 3: ok (by title, any case)
        f"{w.other_student.email},CS101,{YESTERDAY},\n"  # 4: not our student
        f"{w.student.email},CS999,{YESTERDAY},\n"  # 5: no such course
        f"{w.student.email},CS102,yesterday,\n"  # 6: bad date
        f"{w.student.email},CS102,2999-01-01,\n"  # 7: future
        "\n"
        f"{w.student.email},CS101,{YESTERDAY},\n"  # 9: duplicate of line 2: skipped
    ).encode()
    result = services.course_completions_import(
        actor=w.coordinator, institution=w.institution, content=csv
    )
    assert (result.created, result.skipped) == (2, 1)
    assert [line for line, _ in result.errors] == [4, 5, 6, 7]
    assert sorted(CourseCompletion.objects.values_list("student__email", "course__code")) == sorted(
        [(w.student.email, "CS101"), (w.classmate.email, "CS102")]
    )
    assert CourseCompletion.objects.get(student=w.student).grade == "B+"
    assert entries(w.classmate) == [
        ("course", "SQL", w.data_course.pk, None),
        ("course", "use spreadsheets software", w.data_course.pk, None),
    ]
    # The same file again records nothing new.
    again = services.course_completions_import(
        actor=w.coordinator, institution=w.institution, content=csv
    )
    assert (again.created, again.skipped) == (0, 3)


def test_csv_import_refuses_bad_files_and_other_institutions(w):
    with pytest.raises(DomainError) as exc:
        services.course_completions_import(
            actor=w.coordinator, institution=w.institution, content=b"email,course\nx,y\n"
        )
    assert exc.value.fields["file"] == ["Line 1: Missing columns: student_email, completed_on."]
    with pytest.raises(DomainError) as exc:
        services.course_completions_import(
            actor=w.coordinator,
            institution=w.institution,
            content=b"student_email,course,completed_on\nnobody@x.org,CS101,2024-01-01\n",
        )
    assert exc.value.fields["file"] == ["Line 2: No student of this institution has that e-mail."]
    with pytest.raises(DomainError):
        services.course_completions_import(
            actor=w.coordinator, institution=w.institution, content=b"\xff\xfe\x00bad"
        )
    with pytest.raises(PermissionDeniedError):
        services.course_completions_import(
            actor=w.other_coordinator,
            institution=w.institution,
            content=f"student_email,course,completed_on\n{w.student.email},CS101,{YESTERDAY}\n".encode(),
        )
    assert not CourseCompletion.objects.exists()


# --- CV ---------------------------------------------------------------------------------------
def test_cv_text_gives_suggestions_with_excerpts_and_replaces_the_previous_cv(w):
    n = services.profile_cv_extract(
        actor=w.student,
        student=w.student,
        text="Two years of Python scripting at a bakery. I like to work in teams.",
    )
    assert n == 2
    rows = {e.concept.preferred_label: e for e in ProfileSkill.objects.select_related("concept")}
    assert set(rows) == {"Python (computer programming)", "teamwork principles"}
    assert "Python scripting" in rows["Python (computer programming)"].excerpt
    assert all(e.source == "cv" for e in rows.values())
    services.profile_cv_extract(actor=w.student, student=w.student, text="Expert in SQL.")
    assert entries(w.student) == [("cv", "SQL", None, None)]
    event = AuditEvent.objects.filter(action="profiles.cv.extract").last()
    assert "SQL" not in str(event.changes)


def test_cv_pdf_is_read_and_bad_files_are_refused(w):
    n = services.profile_cv_extract(
        actor=w.student, student=w.student, pdf=pdf_with("Skills: SQL, negotiate contracts")
    )
    assert n == 2
    assert entries(w.student) == [
        ("cv", "SQL", None, None),
        ("cv", "negotiate contracts", None, None),
    ]
    for bad in (b"PK\x03\x04 not a pdf", b"%PDF-1.4 garbage", MINIMAL_PDF):
        with pytest.raises(DomainError) as exc:
            services.profile_cv_extract(actor=w.student, student=w.student, pdf=bad)
        assert exc.value.fields
    with pytest.raises(DomainError):
        services.profile_cv_extract(actor=w.student, student=w.student, text="   ")
    assert len(entries(w.student)) == 2  # the failed uploads left the previous CV alone


def test_only_the_student_extracts_their_cv(w):
    for who in ("classmate", "educator", "coordinator", "recruiter", "admin"):
        with pytest.raises(PermissionDeniedError):
            services.profile_cv_extract(actor=w.role(who), student=w.student, text="Python")
    assert not ProfileSkill.objects.exists()


# --- Decisions and rebuild --------------------------------------------------------------------
def test_rebuild_is_idempotent_and_keeps_removals_and_additions(w):
    services.course_completion_record(
        actor=w.educator, student=w.student, course=w.data_course, completed_on=YESTERDAY
    )
    placement = ApplicationFactory(
        opportunity=w.dev_job, student=w.student, institution=w.institution, stage="completed"
    )
    ApplicationFactory(  # not completed: gives nothing
        opportunity=w.negotiator_job, student=w.student, institution=w.institution, stage="placed"
    )
    first = services.profile_rebuild(actor=w.student, student=w.student)
    assert first.added == 3  # Python, SQL, teamwork from the completed placement
    expected = [
        ("course", "SQL", w.data_course.pk, None),
        ("course", "use spreadsheets software", w.data_course.pk, None),
        ("placement", "Python (computer programming)", None, placement.pk),
        ("placement", "SQL", None, placement.pk),
        ("placement", "teamwork principles", None, placement.pk),
    ]
    assert entries(w.student) == expected
    assert services.profile_rebuild(actor=w.student, student=w.student) == services.RebuildResult(
        0, 0
    )
    assert entries(w.student) == expected

    services.profile_skill_remove(actor=w.student, student=w.student, concept=w.sql)
    services.profile_skill_add(actor=w.student, student=w.student, concept=w.negotiate)
    services.profile_rebuild(actor=w.student, student=w.student)
    assert held_concept_ids(w.student) == {
        w.spreadsheets.pk,
        w.python.pk,
        w.teamwork.pk,
        w.negotiate.pk,
    }
    # Adding a removed skill back undoes the removal.
    services.profile_skill_add(actor=w.student, student=w.student, concept=w.sql)
    assert not RemovedSkill.objects.exists()
    assert w.sql.pk in held_concept_ids(w.student)
    # A placement no longer completed drops its entries; the additions stay.
    placement.stage = "placed"
    placement.save()
    services.profile_rebuild(actor=w.educator, student=w.student)
    assert {s for s, *_ in entries(w.student)} == {"course", "declared"}


def test_rebuild_and_decisions_are_guarded(w):
    for who in ("classmate", "other_coordinator", "recruiter", "outsider"):
        with pytest.raises(PermissionDeniedError):
            services.profile_rebuild(actor=w.role(who), student=w.student)
        with pytest.raises(PermissionDeniedError):
            services.profile_skill_add(actor=w.role(who), student=w.student, concept=w.sql)
    with pytest.raises(PermissionDeniedError):
        services.profile_skill_remove(actor=w.educator, student=w.student, concept=w.sql)
    assert not ProfileSkill.objects.exists() and not RemovedSkill.objects.exists()


# --- Personal data ----------------------------------------------------------------------------
def test_export_and_erase(w):
    services.course_completion_record(
        actor=w.educator,
        student=w.student,
        course=w.python_course,
        completed_on=YESTERDAY,
        grade="A",
    )
    services.profile_cv_extract(actor=w.student, student=w.student, text="I know SQL well.")
    services.profile_skill_remove(actor=w.student, student=w.student, concept=w.python)
    data = export_personal_data(w.student)["profiles"]
    assert data["course_completions"][0]["grade"] == "A"
    assert {s["source"] for s in data["skills"]} == {"course", "cv"}
    assert "SQL" in next(s["cv_excerpt"] for s in data["skills"] if s["source"] == "cv")
    assert data["removed_skills"][0]["skill"] == w.python.uri
    user_erase(actor=w.student, user=w.student)
    assert not CourseCompletion.objects.filter(student=w.student).exists()
    assert not ProfileSkill.objects.filter(student=w.student).exists()
    assert not RemovedSkill.objects.filter(student=w.student).exists()


def test_erasing_the_recorder_keeps_the_completion(w):
    c = services.course_completion_record(
        actor=w.educator, student=w.student, course=w.python_course, completed_on=YESTERDAY
    )
    user_erase(actor=w.educator, user=w.educator)
    c.refresh_from_db()
    assert c.recorded_by is None
