"""Two supervisors approving the same hours at once: each entry is decided once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.placements import services
from tandem.placements.models import HoursEntry
from tests.conftest import requires_postgres
from tests.factories import application_cast, member
from tests.placements_support import placed_with_dates
from tests.test_applications_concurrency import _run_together


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _race() -> None:
    cast = application_cast()
    other_supervisor = member(cast.host, "supervisor")
    app = placed_with_dates(cast)
    entries = [
        services.hours_log(
            actor=cast.student,
            application=app,
            date=timezone.localdate() - dt.timedelta(days=d),
            hours=4,
            activity="Shift",
        )
        for d in (1, 2, 3)
    ]
    ids = [e.public_id for e in entries]
    results = _run_together(
        [
            lambda who=who: services.hours_decide(actor=who, entry_ids=ids, approve=True)
            for who in (cast.supervisor, other_supervisor)
        ]
    )
    assert sorted(results) == [0, 3], results
    assert HoursEntry.objects.filter(status="approved").count() == 3
    assert AuditEvent.objects.filter(action="placements.hours_approved").count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_approve_at_once_on_any_database():
    _race()


@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_approve_at_once_on_postgres():
    _race()
