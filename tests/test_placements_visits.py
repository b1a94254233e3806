"""Issue 15: site visits and the placement's timeline, incidents (notification, restricted
and audited access, status workflow, personal data), minors (date of birth, guardian consent
in the start gate, hour limits) and the partner due-diligence checklist — services, pages and
API, with bad input and wrong users refused."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.personal_data import erasers, export_personal_data
from tandem.applications.services import application_move
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.placements import selectors, services
from tandem.placements.models import DiligenceItem, Incident, SiteVisit, StudentBirthDate
from tests.factories import application_cast, pdf_upload
from tests.placements_support import accepted, placed_with_dates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast(type="internship")


def _soon(days: int = 3) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(tzinfo=None, microsecond=0)


def _exe() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 200)


# --- Site visits ---------------------------------------------------------------------------------
def test_educator_schedules_a_visit_in_its_time_zone_and_the_student_sees_it(cast, client):
    app = placed_with_dates(cast)
    local = _soon().replace(hour=10, minute=30)
    visit = services.visit_schedule(
        actor=cast.educator,
        application=app,
        mode="in_person",
        scheduled_at=local,
        time_zone="America/New_York",
        location="Ward 4, St Mary's",
    )
    assert visit.scheduled_at == local.replace(tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert AuditEvent.objects.filter(action="placements.visit_scheduled").count() == 1
    client.force_login(cast.student)
    page = client.get(reverse("placements:visits", args=[app.public_id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"{local:%Y-%m-%d} 10:30" in body and "America/New_York" in body
    assert "Schedule a visit" not in body  # the student does not schedule
    assert "Mid-placement check-in survey" in body  # the timeline
    placement = client.get(reverse("placements:placement", args=[app.public_id]))
    assert 'data-testid="next-visits"' in placement.content.decode()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scheduled_at": None}, "scheduled_at"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"mode": "virtual", "link": "http://insecure.example/meet"}, "link"),
        ({"mode": "in_person", "location": "  "}, "location"),
        ({"mode": "by_pigeon"}, "mode"),
    ],
)
def test_bad_visit_input_is_refused_with_the_field(cast, kwargs, field):
    app = placed_with_dates(cast)
    base = {
        "mode": "in_person",
        "scheduled_at": _soon(),
        "time_zone": "Europe/Paris",
        "location": "Main office",
    }
    with pytest.raises(DomainError) as err:
        services.visit_schedule(actor=cast.educator, application=app, **{**base, **kwargs})
    assert field in err.value.fields
    assert not SiteVisit.objects.exists()


def test_a_visit_in_the_past_or_after_the_placement_ends_is_refused(cast):
    app = placed_with_dates(cast)  # ends in 60 days
    for when in (_soon(-1), _soon(90)):
        with pytest.raises(DomainError) as err:
            services.visit_schedule(
                actor=cast.educator,
                application=app,
                mode="virtual",
                scheduled_at=when,
                time_zone="UTC",
                link="https://meet.example/abc",
            )
        assert "scheduled_at" in err.value.fields


@pytest.mark.parametrize("who", ["student", "supervisor", "recruiter", "other_coordinator"])
def test_only_faculty_schedule_visits(cast, who):
    app = placed_with_dates(cast)
    with pytest.raises(PermissionDeniedError):
        services.visit_schedule(
            actor=getattr(cast, who),
            application=app,
            mode="virtual",
            scheduled_at=_soon(),
            time_zone="UTC",
            link="https://meet.example/abc",
        )


def test_notes_are_shown_to_student_and_supervisor_only_when_shared(cast):
    app = placed_with_dates(cast)
    visit = services.visit_schedule(
        actor=cast.coordinator,
        application=app,
        mode="virtual",
        scheduled_at=_soon(),
        time_zone="UTC",
        link="https://meet.example/abc",
    )
    SiteVisit.objects.filter(pk=visit.pk).update(
        scheduled_at=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(DomainError) as err:  # completed needs an outcome
        services.visit_record(actor=cast.coordinator, visit=visit, status="completed")
    assert "outcome" in err.value.fields
    with pytest.raises(PermissionDeniedError):
        services.visit_record(
            actor=cast.student, visit=visit, status="completed", outcome="on_track"
        )
    services.visit_record(
        actor=cast.coordinator,
        visit=visit,
        status="completed",
        outcome="concerns",
        notes="Supervisor rarely present.",
        notes_shared=False,
    )
    for who, sees in [("coordinator", True), ("educator", True), ("student", False)]:
        (line,) = selectors.visits_of(getattr(cast, who), app)
        assert line.notes_visible is sees
    assert selectors.visits_of(cast.other_coordinator, app) == []
    visit.refresh_from_db()
    with pytest.raises(ConflictError):
        services.visit_record(actor=cast.coordinator, visit=visit, status="cancelled")


def test_a_future_visit_cannot_be_completed(cast):
    app = placed_with_dates(cast)
    visit = services.visit_schedule(
        actor=cast.educator,
        application=app,
        mode="virtual",
        scheduled_at=_soon(),
        time_zone="UTC",
        link="https://meet.example/abc",
    )
    with pytest.raises(DomainError) as err:
        services.visit_record(
            actor=cast.educator, visit=visit, status="completed", outcome="on_track"
        )
    assert "status" in err.value.fields


def test_the_midpoint_survey_follows_the_placement_terms(cast):
    app = placed_with_dates(cast, days_ago=20)  # ends in 60 days → midpoint in 20 days
    start, end = selectors.placement_dates(app)
    assert selectors.placement_midpoint(app) == start + (end - start) / 2
    kinds = [e.kind for e in selectors.placement_timeline(cast.student, app)]
    assert kinds == ["start", "survey", "end"]


def test_other_organizations_cannot_open_the_visits_page(cast, client):
    app = placed_with_dates(cast)
    for who in ("other_coordinator", "other_student", "other_recruiter"):
        client.force_login(getattr(cast, who))
        assert client.get(reverse("placements:visits", args=[app.public_id])).status_code == 404


# --- Incidents ---------------------------------------------------------------------------------
def _report(cast, app, actor, **kw):
    base = {
        "kind": "safety",
        "severity": "high",
        "occurred_at": timezone.now() - dt.timedelta(hours=2),
        "description": "A ladder gave way in the store room.",
    }
    return services.incident_report(actor=actor, application=app, **{**base, **kw})


def test_a_student_report_notifies_coordinators_and_supervisors_at_once(
    cast, django_capture_on_commit_callbacks
):
    app = placed_with_dates(cast)
    with django_capture_on_commit_callbacks(execute=True):
        incident = _report(cast, app, cast.student, file=pdf_upload("photo.pdf"))
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted([cast.coordinator.email, cast.supervisor.email])
    assert "ladder" not in mail.outbox[0].body  # details only on the audited page
    assert incident.evidence_content_type == "application/pdf"
    assert AuditEvent.objects.filter(action="placements.incident_reported").count() == 1


def test_a_report_about_the_supervisor_is_kept_from_them(cast, django_capture_on_commit_callbacks):
    app = placed_with_dates(cast)
    services.visit_schedule(
        actor=cast.educator,
        application=app,
        mode="virtual",
        scheduled_at=_soon(),
        time_zone="UTC",
        link="https://meet.example/abc",
    )
    with django_capture_on_commit_callbacks(execute=True):
        incident = _report(cast, app, cast.student, kind="conduct", about_supervisor=True)
    to = {m.to[0] for m in mail.outbox}
    assert to == {cast.coordinator.email, cast.educator.email}  # the visiting educator too
    assert selectors.incident_for(cast.supervisor, incident.public_id) is None
    assert selectors.incident_for(cast.student, incident.public_id) is not None
    assert selectors.incident_for(cast.classmate, incident.public_id) is None
    assert selectors.incident_for(cast.other_coordinator, incident.public_id) is None
    assert selectors.incident_for(cast.admin, incident.public_id) is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"occurred_at": timezone.now() + dt.timedelta(days=2)}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
        ({"description": "   "}, "description"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"file": None, "kind": "weather"}, "kind"),
    ],
)
def test_bad_incident_input_is_refused(cast, kwargs, field):
    app = placed_with_dates(cast)
    with pytest.raises(DomainError) as err:
        _report(cast, app, cast.supervisor, **kwargs)
    assert field in err.value.fields
    assert not Incident.objects.exists()


def test_an_evidence_upload_of_the_wrong_type_is_refused(cast):
    app = placed_with_dates(cast)
    with pytest.raises(DomainError) as err:
        _report(cast, app, cast.student, file=_exe())
    assert "evidence" in err.value.fields
    assert not Incident.objects.exists()


@pytest.mark.parametrize("who", ["classmate", "recruiter", "other_coordinator", "outsider"])
def test_wrong_users_cannot_report(cast, who):
    app = placed_with_dates(cast)
    with pytest.raises(PermissionDeniedError):
        _report(cast, app, getattr(cast, who))


def test_the_status_workflow_needs_a_resolution_and_goes_one_way(cast):
    app = placed_with_dates(cast)
    incident = _report(cast, app, cast.supervisor)
    with pytest.raises(PermissionDeniedError):
        services.incident_transition(actor=cast.supervisor, incident=incident, to_status="closed")
    services.incident_transition(
        actor=cast.coordinator, incident=incident, to_status="under_review"
    )
    with pytest.raises(DomainError) as err:
        services.incident_transition(actor=cast.coordinator, incident=incident, to_status="closed")
    assert "resolution" in err.value.fields
    services.incident_transition(
        actor=cast.coordinator,
        incident=incident,
        to_status="closed",
        resolution="Ladder replaced; staff briefed.",
    )
    with pytest.raises(ConflictError):
        services.incident_transition(
            actor=cast.coordinator, incident=incident, to_status="under_review"
        )
    assert list(
        AuditEvent.objects.filter(action="placements.incident_status_changed")
        .order_by("id")
        .values_list("changes__to", flat=True)
    ) == ["under_review", "closed"]


def test_every_reading_of_the_incident_page_is_audited_and_outsiders_get_404(cast, client):
    app = placed_with_dates(cast)
    incident = _report(cast, app, cast.supervisor, file=pdf_upload("photo.pdf"))
    url = reverse("placements:incident", args=[incident.public_id])
    client.force_login(cast.coordinator)
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200
        assert "ladder gave way" in page.content.decode()
    assert AuditEvent.objects.filter(action="placements.incident_viewed").count() == 2
    evidence = client.get(reverse("placements:incident_evidence", args=[incident.public_id]))
    assert evidence.status_code == 200 and evidence["X-Content-Type-Options"] == "nosniff"
    for who in ("classmate", "other_coordinator", "recruiter"):
        client.force_login(getattr(cast, who))
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="placements.incident_viewed").count() == 2


def test_incident_erasure_pseudonymises_the_reporter_and_keeps_the_facts(cast):
    app = placed_with_dates(cast)
    incident = _report(cast, app, cast.student)
    exported = export_personal_data(cast.student)["placement_visits"]
    assert exported["incidents_reported"][0]["description"].startswith("A ladder")
    erasers()["placement_visits"](cast.student)
    incident.refresh_from_db()
    assert incident.reporter_id is None and incident.reporter_name == "Erased person"
    assert incident.description.startswith("A ladder")


def test_incident_api_report_and_audited_detail(cast, client):
    app = placed_with_dates(cast)
    client.force_login(cast.supervisor)
    base = f"/api/v1/placements/{app.public_id}/incidents"
    bad = client.post(
        base,
        {
            "kind": "safety",
            "severity": "low",
            "occurred_at": "2000-01-01T10:00",
            "description": "x",
        },
    )
    assert bad.status_code == 400 and "occurred_at" in json.dumps(bad.json())
    wrong = client.post(
        base,
        {
            "kind": "safety",
            "severity": "low",
            "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "description": "Slippery floor.",
            "evidence": _exe(),
        },
    )
    assert wrong.status_code == 400
    made = client.post(
        base,
        {
            "kind": "safety",
            "severity": "low",
            "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "description": "Slippery floor.",
        },
    )
    assert made.status_code == 201, made.content
    client.force_login(cast.coordinator)
    detail = client.get(f"/api/v1/placements/incidents/{made.json()['id']}")
    assert detail.status_code == 200 and detail.json()["description"] == "Slippery floor."
    assert AuditEvent.objects.filter(action="placements.incident_viewed").count() == 1
    listed = client.get("/api/v1/placements/incidents")
    assert [i["id"] for i in listed.json()] == [made.json()["id"]]
    client.force_login(cast.classmate)
    assert client.get(f"/api/v1/placements/incidents/{made.json()['id']}").status_code == 404


# --- Minors --------------------------------------------------------------------------------------
def _guardian(cast):
    return services.clearance_requirement_create(
        actor=cast.coordinator,
        institution=cast.institution,
        kind="guardian_consent",
        name="Guardian consent",
        evidence_required=True,
    )


def _minor(cast, years: int = 16):
    born = timezone.localdate().replace(year=timezone.localdate().year - years) - dt.timedelta(
        days=1
    )
    return services.birth_date_record(
        actor=cast.coordinator,
        institution=cast.institution,
        student=cast.student,
        date_of_birth=born,
    )


def test_guardian_consent_applies_to_minors_only_and_blocks_their_start(cast):
    _guardian(cast)
    app = accepted(cast)
    assert selectors.clearance_lines(app) == []  # no date of birth: not known to be a minor
    _minor(cast)
    assert [line.requirement.kind for line in selectors.clearance_lines(app)] == [
        "guardian_consent"
    ]
    with pytest.raises(DomainError) as err:
        application_move(actor=cast.coordinator, application=app, to_stage="placed")
    assert "Guardian consent: missing" in err.value.message
    board = {r.application_id: r for r in selectors.compliance_board(cast.coordinator)}
    assert board[app.pk].blocked_by == (("Guardian consent", "missing"),)


def test_a_minor_cannot_start_when_the_institution_asks_no_guardian_consent(cast):
    app = accepted(cast)
    _minor(cast)
    with pytest.raises(DomainError) as err:
        application_move(actor=cast.coordinator, application=app, to_stage="placed")
    assert err.value.code == "guardian_consent_missing"


def test_an_adult_is_not_asked_for_guardian_consent(cast):
    _guardian(cast)
    app = accepted(cast)
    _minor(cast, years=19)
    assert selectors.clearance_lines(app) == []


@pytest.mark.parametrize("born", [None, dt.date(1850, 1, 1), dt.date(2999, 1, 1)])
def test_implausible_dates_of_birth_are_refused(cast, born):
    with pytest.raises(DomainError) as err:
        services.birth_date_record(
            actor=cast.coordinator,
            institution=cast.institution,
            student=cast.student,
            date_of_birth=born,
        )
    assert "date_of_birth" in err.value.fields


def test_only_coordinators_record_dates_of_birth_of_their_own_students(cast):
    with pytest.raises(PermissionDeniedError):
        services.birth_date_record(
            actor=cast.educator,
            institution=cast.institution,
            student=cast.student,
            date_of_birth=dt.date(2010, 1, 1),
        )
    with pytest.raises(DomainError) as err:
        services.birth_date_record(
            actor=cast.coordinator,
            institution=cast.institution,
            student=cast.other_student,
            date_of_birth=dt.date(2010, 1, 1),
        )
    assert "student" in err.value.fields


def test_minors_hour_limits_are_enforced_when_hours_are_logged(cast):
    app = placed_with_dates(cast)
    services.minors_rules_set(
        actor=cast.coordinator,
        institution=cast.institution,
        max_hours_per_day="6",
        max_hours_per_week="20",
    )
    day = timezone.localdate() - dt.timedelta(days=1)
    services.hours_log(actor=cast.student, application=app, date=day, hours="7", activity="Ward")
    _minor(cast)
    with pytest.raises(DomainError) as err:
        services.hours_log(actor=cast.student, application=app, date=day, hours="1", activity="x")
    assert "at most 6" in err.value.fields["hours"][0]
    monday = day - dt.timedelta(days=day.weekday())
    logged = Decimal("7")
    for offset in range(7):
        other = monday + dt.timedelta(days=offset)
        if (
            other == day
            or other > timezone.localdate()
            or other < selectors.placement_dates(app)[0]
        ):
            continue
        if logged + 6 > 20:
            with pytest.raises(DomainError) as err:
                services.hours_log(
                    actor=cast.student, application=app, date=other, hours="6", activity="x"
                )
            assert any("a week" in m for m in err.value.fields["hours"])
            break
        services.hours_log(actor=cast.student, application=app, date=other, hours="6", activity="x")
        logged += 6


def test_bad_minors_rules_are_refused(cast):
    with pytest.raises(DomainError) as err:
        services.minors_rules_set(
            actor=cast.coordinator,
            institution=cast.institution,
            max_hours_per_day="30",
            max_hours_per_week="5",
        )
    assert "max_hours_per_day" in err.value.fields
    with pytest.raises(PermissionDeniedError):
        services.minors_rules_set(actor=cast.other_coordinator, institution=cast.institution)


def test_birth_dates_are_exported_and_erased(cast):
    _minor(cast)
    assert export_personal_data(cast.student)["placement_visits"]["dates_of_birth"]
    erasers()["placement_visits"](cast.student)
    assert not StudentBirthDate.objects.exists()


# --- Employer due diligence ---------------------------------------------------------------------
def test_an_expired_item_flags_the_partners_placements(cast, client):
    app = accepted(cast)
    item = services.diligence_item_record(
        actor=cast.coordinator,
        institution=cast.institution,
        partner=cast.host,
        kind="insurance",
        file=pdf_upload("insurance.pdf"),
        expires_on=timezone.localdate() + dt.timedelta(days=10),
    )
    assert item.verified_by == cast.coordinator
    lines = {
        line.kind: line.state
        for line in selectors.diligence_checklist(cast.institution.pk, cast.host.pk)
    }
    assert lines == {"insurance": "expiring", "safeguarding": "missing", "wbl_agreement": "missing"}
    assert selectors.diligence_flags([app]) == {}
    DiligenceItem.objects.filter(pk=item.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert selectors.diligence_flags([app]) == {app.pk: ["Insurance certificate"]}
    client.force_login(cast.coordinator)
    board = client.get(reverse("placements:board")).content.decode()
    assert 'data-testid="diligence-flag"' in board
    page = client.get(reverse("placements:placement", args=[app.public_id])).content.decode()
    assert 'data-testid="diligence-flags"' in page
    checklist = client.get(
        reverse("placements:diligence", args=[cast.institution.public_id, cast.host.public_id])
    )
    assert checklist.status_code == 200 and "Expired" in checklist.content.decode()


def test_diligence_refuses_wrong_uploads_past_expiry_and_other_people(cast):
    base = {"institution": cast.institution, "partner": cast.host, "kind": "safeguarding"}
    with pytest.raises(DomainError) as err:
        services.diligence_item_record(actor=cast.coordinator, file=_exe(), **base)
    assert "evidence" in err.value.fields
    with pytest.raises(DomainError) as err:
        services.diligence_item_record(
            actor=cast.coordinator,
            file=pdf_upload(),
            expires_on=timezone.localdate() - dt.timedelta(days=1),
            **base,
        )
    assert "expires_on" in err.value.fields
    for who in ("recruiter", "educator", "other_coordinator"):
        with pytest.raises(PermissionDeniedError):
            services.diligence_item_record(actor=getattr(cast, who), file=pdf_upload(), **base)
    assert not DiligenceItem.objects.exists()


def test_visit_api_schedules_and_lists(cast, client):
    app = placed_with_dates(cast)
    client.force_login(cast.educator)
    url = f"/api/v1/placements/{app.public_id}/visits"
    when = _soon().isoformat()
    bad = client.post(
        url,
        {"mode": "virtual", "scheduled_at": when, "time_zone": "Nowhere/Else", "link": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert {"time_zone", "link"} <= set(json.dumps(bad.json()).replace('"', " ").split())
    made = client.post(
        url,
        {
            "mode": "virtual",
            "scheduled_at": when,
            "time_zone": "Asia/Tokyo",
            "link": "https://meet.example/1",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    client.force_login(cast.student)
    listed = client.get(url).json()
    assert [v["id"] for v in listed["visits"]] == [made.json()["id"]]
    assert listed["visits"][0]["notes"] is None
    assert client.post(url, {}, content_type="application/json").status_code in (400, 403, 422)
    student_try = client.post(
        url,
        {"mode": "virtual", "scheduled_at": when, "time_zone": "UTC", "link": "https://m.example/"},
        content_type="application/json",
    )
    assert student_try.status_code == 403
    assert SiteVisit.objects.count() == 1


# --- Pages: bad input answers 4xx with the field's message ------------------------------------
def test_pages_answer_bad_input_with_the_fields_message(cast, client):
    app = placed_with_dates(cast)
    client.force_login(cast.educator)
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(
        reverse("placements:visit_schedule", args=[app.public_id]),
        {"mode": "in_person", "scheduled_at": past, "time_zone": "UTC", "location": "Office"},
    )
    assert page.status_code == 422
    assert "Choose a date and time in the future." in page.content.decode()
    client.force_login(cast.student)
    refused = client.post(
        reverse("placements:visit_schedule", args=[app.public_id]),
        {"mode": "in_person", "scheduled_at": past, "time_zone": "UTC", "location": "Office"},
    )
    assert refused.status_code == 403
    report = client.post(
        reverse("placements:incident_report", args=[app.public_id]),
        {
            "kind": "safety",
            "severity": "low",
            "occurred_at": past,
            "description": "Wet floor, no sign.",
            "evidence": _exe(),
        },
    )
    assert report.status_code == 422
    assert "Upload a PDF, Word, OpenDocument, JPEG or PNG file." in report.content.decode()
    assert not Incident.objects.exists()
    incident = _report(cast, app, cast.student)
    client.force_login(cast.coordinator)
    closing = client.post(
        reverse("placements:incident_status", args=[incident.public_id]), {"status": "closed"}
    )
    assert closing.status_code == 400
    assert "Give the resolution before closing." in closing.content.decode()
    client.force_login(cast.supervisor)
    assert (
        client.post(
            reverse("placements:incident_status", args=[incident.public_id]),
            {"status": "under_review"},
        ).status_code
        == 403
    )


def test_minors_and_diligence_api(cast, client):
    client.force_login(cast.coordinator)
    inst, host = cast.institution.public_id, cast.host.public_id
    rules = client.put(
        f"/api/v1/placements/institutions/{inst}/minors-rules",
        {"max_hours_per_day": "25"},
        content_type="application/json",
    )
    assert rules.status_code == 400 and "max_hours_per_day" in json.dumps(rules.json())
    born = client.put(
        f"/api/v1/placements/institutions/{inst}/birth-dates",
        {"student": str(cast.student.public_id), "date_of_birth": "2011-04-02"},
        content_type="application/json",
    )
    assert born.status_code == 204
    assert StudentBirthDate.objects.get().date_of_birth == dt.date(2011, 4, 2)
    url = f"/api/v1/placements/institutions/{inst}/diligence/{host}"
    wrong = client.post(url, {"kind": "insurance", "evidence": _exe()})
    assert wrong.status_code == 400 and "evidence" in json.dumps(wrong.json())
    filed = client.post(url, {"kind": "insurance", "evidence": pdf_upload("insurance.pdf")})
    assert filed.status_code == 200, filed.content
    assert {i["kind"]: i["state"] for i in filed.json()}["insurance"] == "valid"
    client.force_login(cast.other_coordinator)
    assert client.get(url).status_code == 403
    refused = client.put(
        f"/api/v1/placements/institutions/{inst}/birth-dates",
        {"student": str(cast.student.public_id), "date_of_birth": "2011-04-02"},
        content_type="application/json",
    )
    assert refused.status_code == 403
