"""Hours: students log time on a started placement; the rules refuse with field messages
(more than 24 h in a day or overlapping what is logged, outside the placement dates, future
dates, editing after approval); supervisors approve or return in bulk, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.placements import services
from tandem.placements.models import HoursEntry
from tests.factories import application_at, application_cast
from tests.placements_support import placed_with_dates

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast(type="apprenticeship")


def _log(cast, app, days_ago=1, hours="7.5", activity="Wiring the test rig"):
    return services.hours_log(
        actor=cast.student,
        application=app,
        date=TODAY() - dt.timedelta(days=days_ago),
        hours=hours,
        activity=activity,
    )


def _fields(call):
    with pytest.raises(DomainError) as err:
        call()
    return err.value.fields


def test_log_and_the_refusals_with_field_messages(cast):
    app = placed_with_dates(cast, days_ago=20)
    entry = _log(cast, app)
    assert entry.status == "logged" and entry.hours == Decimal("7.50")
    assert "hours" in _fields(lambda: _log(cast, app, hours="17"))  # 7.5 + 17 > 24
    assert "overlaps" in _fields(lambda: _log(cast, app, hours="17"))["hours"][0]
    assert "hours" in _fields(lambda: _log(cast, app, days_ago=2, hours="25"))
    assert "hours" in _fields(lambda: _log(cast, app, days_ago=2, hours="0"))
    assert "date" in _fields(lambda: _log(cast, app, days_ago=-1))  # the future
    assert "date" in _fields(lambda: _log(cast, app, days_ago=30))  # before the start
    assert "activity" in _fields(lambda: _log(cast, app, days_ago=2, activity="  "))
    assert HoursEntry.objects.count() == 1


def test_only_the_student_logs_and_only_on_a_started_placement(cast):
    app = placed_with_dates(cast)
    for who in (cast.coordinator, cast.supervisor, cast.classmate):
        with pytest.raises(PermissionDeniedError):
            services.hours_log(
                actor=who, application=app, date=TODAY(), hours=1, activity="Not mine"
            )
    accepted = application_at(cast, "accepted", student=cast.classmate)
    with pytest.raises(DomainError) as err:
        _log(type("C", (), {"student": cast.classmate}), accepted)
    assert err.value.code == "not_placed"


def test_supervisors_approve_in_bulk_and_approved_entries_lock(cast):
    app = placed_with_dates(cast)
    entries = [_log(cast, app, days_ago=d) for d in (1, 2, 3)]
    ids = [e.public_id for e in entries[:2]]
    for who in (cast.recruiter, cast.coordinator, cast.student, cast.other_recruiter):
        with pytest.raises(PermissionDeniedError):
            services.hours_decide(actor=who, entry_ids=ids, approve=True)
    assert services.hours_decide(actor=cast.supervisor, entry_ids=ids, approve=True) == 2
    # Deciding again counts nothing: they are no longer waiting.
    assert services.hours_decide(actor=cast.supervisor, entry_ids=ids, approve=True) == 0
    assert AuditEvent.objects.filter(action="placements.hours_approved").count() == 2
    with pytest.raises(ConflictError):
        services.hours_edit(
            actor=cast.student,
            entry=entries[0],
            date=entries[0].date,
            hours=1,
            activity="Changed after approval",
        )
    with pytest.raises(DomainError) as err:
        services.hours_decide(
            actor=cast.supervisor, entry_ids=[entries[2].public_id], approve=False
        )
    assert "reason" in err.value.fields
    services.hours_decide(
        actor=cast.supervisor,
        entry_ids=[entries[2].public_id],
        approve=False,
        reason="Split this by task.",
    )
    returned = HoursEntry.objects.get(pk=entries[2].pk)
    assert returned.status == "returned" and returned.return_reason == "Split this by task."
    edited = services.hours_edit(
        actor=cast.student, entry=returned, date=returned.date, hours=2, activity="Task A"
    )
    assert edited.status == "logged"
    totals = HoursEntry.objects.filter(application=app, status="approved").count()
    assert totals == 2


def test_supervisor_page_approves_chosen_entries(client, cast):
    app = placed_with_dates(cast)
    first, second = _log(cast, app, days_ago=1), _log(cast, app, days_ago=2)
    client.force_login(cast.supervisor)
    page = client.get(reverse("placements:hours_review"))
    assert str(first.public_id) in page.content.decode()
    response = client.post(
        reverse("placements:hours_review"),
        {"entries": [str(first.public_id)], "decision": "approve"},
    )
    assert response.status_code == 302
    assert HoursEntry.objects.get(pk=first.pk).status == "approved"
    assert HoursEntry.objects.get(pk=second.pk).status == "logged"
    client.force_login(cast.recruiter)
    assert client.get(reverse("placements:hours_review")).status_code == 403


def test_student_page_shows_field_messages(client, cast):
    app = placed_with_dates(cast)
    client.force_login(cast.student)
    response = client.post(
        reverse("placements:hours_log", args=[app.public_id]),
        {"date": (TODAY() + dt.timedelta(days=1)).isoformat(), "hours": "3", "activity": "x"},
    )
    assert response.status_code == 400
    assert "future date" in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_hours_report_csv_and_excel(client, cast):
    app = placed_with_dates(cast)
    entry = _log(cast, app, hours="6")
    services.hours_decide(actor=cast.supervisor, entry_ids=[entry.public_id], approve=True)
    _log(cast, app, days_ago=2, hours="2")
    client.force_login(cast.coordinator)
    response = client.get(reverse("placements:hours_report"), {"format": "csv"})
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Student,Program,Partner")
    assert lines[1].endswith(",6.00,2.00,")
    response = client.get(reverse("placements:hours_report"), {"format": "xlsx"})
    assert response.content[:2] == b"PK"
    client.force_login(cast.other_coordinator)
    other = client.get(reverse("placements:hours_report"), {"format": "csv"})
    assert len(other.content.decode().splitlines()) == 1  # the header only
