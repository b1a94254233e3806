"""Application services: submission rules, every stage move per party, seats, KPIs, e-mail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from tandem.applications import services
from tandem.applications.models import Application, Stage, StageChange
from tandem.applications.permissions import TRANSITIONS, Party
from tandem.applications.services import application_move, application_submit
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity
from tests.factories import (
    MembershipFactory,
    PartnershipFactory,
    application_at,
    application_cast,
    pdf_upload,
    png_upload,
    published_opportunity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast()


STATEMENT = "I have built two web apps and want to learn from your engineers."


def _snapshot() -> tuple[int, int, int]:
    return (Application.objects.count(), StageChange.objects.count(), AuditEvent.objects.count())


# --- Submission -------------------------------------------------------------------------------
def test_submit_stores_application_history_audit_and_random_cv_name(
    cast, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        app = application_submit(
            actor=cast.student,
            opportunity=cast.opportunity,
            statement=f"  {STATEMENT}  ",
            cv=pdf_upload("Ada Lovelace CV.pdf"),
        )
    app.refresh_from_db()
    assert app.stage == Stage.SUBMITTED
    assert app.institution == cast.institution
    assert app.statement == STATEMENT
    assert app.cv_content_type == "application/pdf"
    name = Path(app.cv.name)
    assert name.parent == Path("cvs")
    assert "Ada" not in name.name and str(app.public_id) not in name.name
    assert (Path(settings.MEDIA_ROOT) / app.cv.name).read_bytes().startswith(b"%PDF-")
    [change] = app.stage_changes.all()
    assert (change.from_stage, change.to_stage, change.actor) == ("", "submitted", cast.student)
    event = AuditEvent.objects.get(action="application.submitted")
    assert set(event.organizations.all()) == {cast.host, cast.institution}
    # The student is told; so are the host's recruiters and supervisors (not its mentor).
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast.student.email, cast.recruiter.email, cast.supervisor.email])
    assert all(STATEMENT not in m.body for m in mail.outbox)


def test_second_application_is_a_clear_conflict(cast):
    application_submit(
        actor=cast.student, opportunity=cast.opportunity, statement=STATEMENT, cv=pdf_upload()
    )
    with pytest.raises(ConflictError, match="already applied"):
        application_submit(
            actor=cast.student, opportunity=cast.opportunity, statement=STATEMENT, cv=pdf_upload()
        )
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("statement", "cv", "field"),
    [
        ("", "pdf", "statement"),
        ("   ", "pdf", "statement"),
        ("too short", "pdf", "statement"),
        ("x" * 5001, "pdf", "statement"),
        (STATEMENT, None, "cv"),
        (STATEMENT, "png", "cv"),
        (STATEMENT, "empty", "cv"),
        (STATEMENT, "text", "cv"),
    ],
)
def test_submit_bad_input_gives_field_errors_and_stores_nothing(
    cast, settings, statement, cv, field
):
    upload = {
        "pdf": pdf_upload(),
        "png": png_upload("cv.pdf"),
        "empty": pdf_upload(content=b""),
        "text": pdf_upload(content=b"Just some text, not a PDF at all"),
        None: None,
    }[cv]
    with pytest.raises(DomainError) as info:
        application_submit(
            actor=cast.student, opportunity=cast.opportunity, statement=statement, cv=upload
        )
    assert info.value.status == 400
    assert field in info.value.fields
    assert Application.objects.count() == 0
    uploads = Path(settings.MEDIA_ROOT)
    assert not uploads.exists() or not any(uploads.rglob("*.pdf"))


def test_oversize_cv_is_refused(cast, settings):
    settings.UPLOAD_MAX_BYTES = 100
    big = pdf_upload(content=b"%PDF-1.4\n" + b"0" * 200)
    with pytest.raises(DomainError) as info:
        application_submit(
            actor=cast.student, opportunity=cast.opportunity, statement=STATEMENT, cv=big
        )
    assert "too large" in info.value.fields["cv"][0]
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    "role",
    [
        "coordinator",
        "educator",
        "recruiter",
        "supervisor",
        "other_recruiter",
        "other_student",
        "outsider",
        "admin",
    ],
)
def test_only_eligible_students_may_apply(cast, role, django_capture_on_commit_callbacks):
    before = _snapshot()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDeniedError):
        application_submit(
            actor=cast.role(role),
            opportunity=cast.opportunity,
            statement=STATEMENT,
            cv=pdf_upload(),
        )
    assert _snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize("change", ["closed", "deadline"])
def test_closed_opportunity_says_so(cast, change):
    if change == "closed":
        Opportunity.objects.filter(pk=cast.opportunity.pk).update(status="closed")
    else:
        Opportunity.objects.filter(pk=cast.opportunity.pk).update(
            application_deadline=timezone.now() - timedelta(hours=1)
        )
    cast.opportunity.refresh_from_db()
    with pytest.raises(DomainError, match="no longer open"):
        application_submit(
            actor=cast.student, opportunity=cast.opportunity, statement=STATEMENT, cv=pdf_upload()
        )


def test_student_of_two_institutions_chooses_one(cast):
    MembershipFactory(user=cast.student, organization=cast.other_institution, role="student")
    opp = published_opportunity(cast.host, [cast.institution, cast.other_institution])
    with pytest.raises(DomainError) as info:
        application_submit(
            actor=cast.student, opportunity=opp, statement=STATEMENT, cv=pdf_upload()
        )
    assert "institution" in info.value.fields
    app = application_submit(
        actor=cast.student,
        opportunity=opp,
        institution=cast.other_institution,
        statement=STATEMENT,
        cv=pdf_upload(),
    )
    assert app.institution == cast.other_institution


def test_cannot_apply_through_an_institution_one_does_not_attend(cast):
    with pytest.raises(DomainError) as info:
        application_submit(
            actor=cast.student,
            opportunity=cast.opportunity,
            institution=cast.other_institution,
            statement=STATEMENT,
            cv=pdf_upload(),
        )
    assert "institution" in info.value.fields


# --- Stage moves: the whole table, per party ---------------------------------------------------
PARTY_ROLES = {
    Party.STUDENT: {"student"},
    Party.HOST_STAFF: {"recruiter", "supervisor"},
    Party.HOST_SUPERVISOR: {"supervisor"},
    Party.COORDINATOR: {"coordinator"},
}
VIEWERS_WHO_NEVER_MOVE = ["educator", "admin"]
NON_VIEWERS = [
    "classmate",
    "mentor",
    "other_recruiter",
    "other_coordinator",
    "other_student",
    "outsider",
]
ALL_ROLES = ["student", "recruiter", "supervisor", "coordinator", *VIEWERS_WHO_NEVER_MOVE]


def _allowed_roles(pair: tuple[Stage, Stage]) -> set[str]:
    return set().union(*(PARTY_ROLES[p] for p in TRANSITIONS[pair]))


@pytest.mark.parametrize(("from_stage", "to_stage"), list(TRANSITIONS), ids=lambda s: str(s))
def test_every_legal_move_by_every_party(cast, from_stage, to_stage, monkeypatch):
    monkeypatch.setattr(services.pipeline, "kpi_record_metric", lambda **kw: 0)
    allowed = _allowed_roles((from_stage, to_stage))
    for role in [*ALL_ROLES, *NON_VIEWERS]:
        app = application_at(cast, from_stage, with_cv=False)
        actor = cast.role(role)
        if role in allowed:
            application_move(actor=actor, application=app, to_stage=to_stage, note="ok")
            app.refresh_from_db()
            assert app.stage == to_stage, role
            change = app.stage_changes.get()
            assert (change.from_stage, change.to_stage, change.actor, change.note) == (
                from_stage,
                to_stage,
                actor,
                "ok",
            )
        else:
            with pytest.raises(PermissionDeniedError):
                application_move(actor=actor, application=app, to_stage=to_stage)
            app.refresh_from_db()
            assert app.stage == from_stage, role
            assert not app.stage_changes.exists()
        app.delete()


def test_every_illegal_jump_is_a_400_for_every_party(cast):
    illegal = [(a, b) for a in Stage for b in Stage if (a, b) not in TRANSITIONS]
    assert len(illegal) == len(Stage) ** 2 - len(TRANSITIONS)
    apps = {
        stage: application_at(
            cast,
            stage,
            opportunity=published_opportunity(cast.host, [cast.institution]),
            with_cv=False,
        )
        for stage in Stage
    }
    for role in ALL_ROLES:
        for from_stage, to_stage in illegal:
            app = apps[from_stage]
            with pytest.raises(DomainError) as info:
                application_move(actor=cast.role(role), application=app, to_stage=to_stage)
            assert type(info.value) is DomainError
            assert info.value.status == 400
            assert "cannot move" in info.value.message
    assert not StageChange.objects.exists()
    assert {a.stage for a in Application.objects.all()} == set(Stage.values)


def test_non_viewers_get_permission_denied_even_for_illegal_jumps(cast):
    app = application_at(cast, "submitted", with_cv=False)
    for role in NON_VIEWERS:
        with pytest.raises(PermissionDeniedError):
            application_move(actor=cast.role(role), application=app, to_stage="completed")


@pytest.mark.parametrize("bad", ["", "hired", "SUBMITTED", "offer; drop table"])
def test_unknown_stage_is_a_400(cast, bad):
    app = application_at(cast, "submitted", with_cv=False)
    with pytest.raises(DomainError) as info:
        application_move(actor=cast.recruiter, application=app, to_stage=bad)
    assert info.value.status == 400


def test_overlong_note_is_refused(cast):
    app = application_at(cast, "submitted", with_cv=False)
    with pytest.raises(DomainError) as info:
        application_move(
            actor=cast.recruiter, application=app, to_stage="under_review", note="x" * 2001
        )
    assert "note" in info.value.fields


def test_stage_options_per_party(cast):
    offer = application_at(cast, "offer", with_cv=False)
    assert services.application_stage_options(cast.student, offer) == [
        "accepted",
        "declined",
        "withdrawn",
    ]
    assert services.application_stage_options(cast.recruiter, offer) == []
    submitted = application_at(cast, "submitted", student=cast.classmate, with_cv=False)
    assert services.application_stage_options(cast.recruiter, submitted) == [
        "under_review",
        "rejected",
    ]
    assert services.application_stage_options(cast.educator, submitted) == []
    assert services.application_stage_options(cast.other_recruiter, submitted) == []
    placed = application_at(
        cast, "placed", student=cast.other_student, with_cv=False
    )  # institution = cast.institution
    assert services.application_stage_options(cast.recruiter, placed) == []
    assert services.application_stage_options(cast.supervisor, placed) == ["completed"]
    assert services.application_stage_options(cast.coordinator, placed) == ["completed"]


def test_move_records_audit_for_host_and_institution(cast):
    app = application_at(cast, "submitted", with_cv=False)
    application_move(actor=cast.recruiter, application=app, to_stage="under_review")
    event = AuditEvent.objects.get(action="application.stage_changed")
    assert event.changes == {"stage": ["submitted", "under_review"]}
    assert event.actor == cast.recruiter
    assert set(event.organizations.all()) == {cast.host, cast.institution}


# --- Notifications ------------------------------------------------------------------------------
def test_host_move_mails_only_the_student(cast, django_capture_on_commit_callbacks):
    app = application_at(cast, "submitted", with_cv=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=cast.recruiter, application=app, to_stage="under_review")
    assert [m.to for m in mail.outbox] == [[cast.student.email]]
    assert "Under review" in mail.outbox[0].subject


def test_history_recorded_without_notify_mails_nobody(cast, django_capture_on_commit_callbacks):
    """``notify=False`` (history recorded after the fact, as the demo world does) changes what
    is stored exactly as a notified move would, and sends nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        app = application_submit(
            actor=cast.student,
            opportunity=cast.opportunity,
            statement=STATEMENT,
            cv=pdf_upload(),
            notify=False,
        )
        application_move(
            actor=cast.recruiter, application=app, to_stage="under_review", notify=False
        )
        application_move(actor=cast.student, application=app, to_stage="withdrawn", notify=False)
    app.refresh_from_db()
    assert app.stage == "withdrawn"
    assert [(c.from_stage, c.to_stage) for c in app.stage_changes.order_by("pk")] == [
        ("", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "withdrawn"),
    ]
    assert AuditEvent.objects.filter(target_id=str(app.public_id)).count() == 3
    assert mail.outbox == []


def test_student_move_mails_student_and_host_staff(cast, django_capture_on_commit_callbacks):
    app = application_at(cast, "interview", with_cv=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=cast.student, application=app, to_stage="withdrawn")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.student.email, cast.recruiter.email, cast.supervisor.email]
    )


def test_student_mail_uses_their_language(cast, django_capture_on_commit_callbacks):
    cast.student.preferred_language = "fr"
    cast.student.save()
    app = application_at(cast, "submitted", with_cv=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=cast.recruiter, application=app, to_stage="under_review")
    assert len(mail.outbox) == 1


def test_nothing_is_mailed_when_the_move_fails(cast, django_capture_on_commit_callbacks):
    app = application_at(cast, "submitted", with_cv=False)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(DomainError),
    ):
        application_move(actor=cast.recruiter, application=app, to_stage="offer")
    assert callbacks == [] and mail.outbox == []


# --- Seats, filling, KPI --------------------------------------------------------------------------
def test_last_seat_fills_the_opportunity_and_then_refuses(cast):
    opp = published_opportunity(cast.host, [cast.institution], seats=1)
    first = application_at(cast, "offer", opportunity=opp, with_cv=False)
    second = application_at(cast, "offer", opportunity=opp, student=cast.classmate, with_cv=False)
    application_move(actor=cast.student, application=first, to_stage="accepted")
    opp.refresh_from_db()
    assert opp.status == "filled"
    with pytest.raises(ConflictError, match="All seats are taken") as info:
        application_move(actor=cast.classmate, application=second, to_stage="accepted")
    assert info.value.status == 409
    second.refresh_from_db()
    assert second.stage == "offer"
    assert not second.stage_changes.exists()
    # Declining is still possible when seats are full.
    application_move(actor=cast.classmate, application=second, to_stage="declined")


def test_placed_and_completed_keep_their_seats(cast):
    opp = published_opportunity(cast.host, [cast.institution], seats=1)
    app = application_at(cast, "offer", opportunity=opp, with_cv=False)
    application_move(actor=cast.student, application=app, to_stage="accepted")
    application_move(actor=cast.coordinator, application=app, to_stage="placed")
    application_move(actor=cast.supervisor, application=app, to_stage="completed")
    other = application_at(cast, "offer", opportunity=opp, student=cast.classmate, with_cv=False)
    with pytest.raises(ConflictError):
        application_move(actor=cast.classmate, application=other, to_stage="accepted")


def test_placements_kpi_follows_seat_holders_across_the_partnership(cast, monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(services.pipeline, "kpi_record_metric", lambda **kw: calls.append(kw) or 1)
    partnership = PartnershipFactory(institutions=[cast.institution], partners=[cast.host])
    opp_a = published_opportunity(cast.host, [cast.institution], partnership=partnership)
    opp_b = published_opportunity(cast.host, [cast.institution], partnership=partnership)
    a = application_at(cast, "offer", opportunity=opp_a, with_cv=False)
    b = application_at(cast, "offer", opportunity=opp_b, with_cv=False)
    application_move(actor=cast.student, application=a, to_stage="accepted")
    application_move(actor=cast.student, application=b, to_stage="accepted")
    application_move(actor=cast.recruiter, application=a, to_stage="placed")  # no change
    application_move(actor=cast.student, application=b, to_stage="withdrawn")
    assert [(c["metric"], c["value"]) for c in calls] == [
        ("placements", 1),
        ("placements", 2),
        ("placements", 1),
    ]
    assert all(c["partnership"] == partnership for c in calls)


def test_no_kpi_call_without_partnership(cast, monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(services.pipeline, "kpi_record_metric", lambda **kw: calls.append(kw) or 1)
    app = application_at(cast, "offer", with_cv=False)
    application_move(actor=cast.student, application=app, to_stage="accepted")
    assert calls == []


def test_real_kpi_service_accepts_the_placements_metric(cast):
    partnership = PartnershipFactory(institutions=[cast.institution], partners=[cast.host])
    opp = published_opportunity(cast.host, [cast.institution], partnership=partnership)
    app = application_at(cast, "offer", opportunity=opp, with_cv=False)
    application_move(actor=cast.student, application=app, to_stage="accepted")
    app.refresh_from_db()
    assert app.stage == "accepted"
