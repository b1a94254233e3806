"""The compliance board: who is blocked by what, since when, filtered and paginated, in a
bounded number of queries; expiry reminders sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.placements import services
from tandem.placements.models import ClearanceReminder
from tandem.placements.tasks import send_clearance_reminders
from tests.factories import ApplicationFactory, application_at, application_cast, member
from tests.placements_support import immunisation, verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast(type="clinical")


def _placements(cast, n):
    for _ in range(n):
        ApplicationFactory(
            opportunity=cast.opportunity,
            student=member(cast.institution, "student"),
            institution=cast.institution,
            stage="accepted",
        )


def _board_queries(client, cast) -> int:
    client.force_login(cast.coordinator)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("placements:board"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_board_shows_who_is_blocked_by_what(client, cast):
    req = immunisation(cast)
    blocked = application_at(cast, "accepted")
    clear = application_at(cast, "accepted", student=cast.classmate)
    verified(cast, clear, req)
    client.force_login(cast.coordinator)
    page = client.get(reverse("placements:board")).content.decode()
    assert "Hepatitis B immunisation: missing" in page
    assert page.count("Hepatitis B immunisation:") == 1
    blocked_only = client.get(reverse("placements:board"), {"status": "blocked"}).content.decode()
    assert str(blocked.public_id) in blocked_only and str(clear.public_id) not in blocked_only
    clear_only = client.get(reverse("placements:board"), {"status": "clear"}).content.decode()
    assert str(clear.public_id) in clear_only and str(blocked.public_id) not in clear_only
    other_kind = client.get(reverse("placements:board"), {"kind": "background_check"})
    assert str(blocked.public_id) not in other_kind.content.decode()
    # Another institution's coordinator sees none of it; students and hosts are refused.
    client.force_login(cast.other_coordinator)
    assert str(blocked.public_id) not in client.get(reverse("placements:board")).content.decode()
    for who in (cast.student, cast.recruiter, cast.supervisor):
        client.force_login(who)
        assert client.get(reverse("placements:board")).status_code == 403


def test_an_expired_clearance_shows_since_when(client, cast):
    req = immunisation(cast)
    app = application_at(cast, "accepted")
    clearance = verified(cast, app, req)
    clearance.expires_on = timezone.localdate() - dt.timedelta(days=3)
    clearance.save()
    client.force_login(cast.coordinator)
    response = client.get(reverse("placements:board"))
    assert "Hepatitis B immunisation: expired" in response.content.decode()
    row = next(r for r in response.context["entries"] if r.application.pk == app.pk)
    assert row.row.blocked_since == timezone.localdate() - dt.timedelta(days=2)


def test_board_query_count_does_not_grow_with_placements(client, cast):
    immunisation(cast)
    immunisation(cast, name="Safety induction")
    _placements(cast, 2)
    few = _board_queries(client, cast)
    _placements(cast, 30)
    many = _board_queries(client, cast)
    assert many == few, (few, many)


def test_reminders_are_sent_once_before_expiry(cast, django_capture_on_commit_callbacks):
    req = immunisation(cast)
    app = application_at(cast, "accepted")
    verified(cast, app, req, expires_on=timezone.localdate() + dt.timedelta(days=10))
    mail.outbox.clear()
    # The reminders go through the notifications: their e-mails leave on commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_clearance_reminders.call(None) == 1
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast.student.email, cast.coordinator.email])
    assert "expires on" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_clearance_reminders.call(None) == 0
    assert len(mail.outbox) == 2
    assert ClearanceReminder.objects.count() == 1
    # Renewed: the new expiry date is reminded about in its turn.
    services.clearance_decide(
        actor=cast.coordinator,
        application=app,
        requirement=req,
        verified=True,
        expires_on=timezone.localdate() + dt.timedelta(days=12),
    )
    assert send_clearance_reminders.call(None) == 1
