"""A student's clearances and hours are exported and erased with their personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.accounts.personal_data import export_personal_data
from tandem.placements import services
from tandem.placements.models import Clearance, HoursEntry
from tests.factories import application_cast
from tests.placements_support import immunisation, placed_with_dates, verified

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_export_and_erase(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    cast = application_cast(type="clinical")
    req = immunisation(cast, evidence_required=True)
    app = placed_with_dates(cast)
    clearance = verified(cast, app, req)
    services.hours_log(
        actor=cast.student,
        application=app,
        date=timezone.localdate() - dt.timedelta(days=1),
        hours=5,
        activity="Observed the night shift",
    )
    data = export_personal_data(cast.student)["placements"]
    assert data["clearances"][0]["requirement"] == "Hepatitis B immunisation"
    assert data["hours"][0]["activity"] == "Observed the night shift"
    path = clearance.evidence.path
    assert (tmp_path / path).exists()
    services.placement_personal_data_erase(cast.student)
    clearance = Clearance.objects.get()
    assert not clearance.evidence and clearance.status == "verified"
    assert not (tmp_path / path).exists()
    entry = HoursEntry.objects.get()
    assert entry.activity == "" and entry.hours == 5
