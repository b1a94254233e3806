"""Applications in personal-data export and erasure, and scoped selectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from tandem.accounts.personal_data import erasers, export_personal_data
from tandem.applications.models import Application
from tandem.applications.selectors import (
    application_list,
    applications_for,
    stage_counts_for,
)
from tandem.applications.services import application_move
from tests.factories import application_at, application_cast, published_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast()


def test_export_lists_the_students_applications_with_history(cast):
    app = application_at(cast, "submitted")
    application_move(actor=cast.recruiter, application=app, to_stage="under_review", note="Nice")
    data = export_personal_data(cast.student)["applications"]
    assert len(data) == 1
    item = data[0]
    assert item["id"] == str(app.public_id)
    assert item["statement"] == app.statement
    assert item["stage"] == "under_review"
    assert [(h["from"], h["to"], h["note"]) for h in item["history"]] == [
        ("submitted", "under_review", "Nice")
    ]
    assert export_personal_data(cast.classmate)["applications"] == []


def test_erasure_deletes_cv_files_and_blanks_statements(
    cast, settings, django_capture_on_commit_callbacks
):
    app = application_at(cast, "submitted")
    application_move(actor=cast.recruiter, application=app, to_stage="under_review", note="Nice")
    kept = application_at(cast, "submitted", student=cast.classmate)
    path = Path(settings.MEDIA_ROOT) / Application.objects.get(pk=app.pk).cv.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        erasers()["applications"](cast.student)
    app.refresh_from_db()
    assert (app.statement, app.cv.name, app.cv_content_type) == ("", "", "")
    assert not path.exists()
    assert not app.stage_changes.exclude(note="").exists()
    assert app.stage == "under_review"  # the record (and any seat) stays
    kept.refresh_from_db()
    assert kept.statement and kept.cv


def test_selectors_scope_by_viewer(cast):
    mine = application_at(cast, "submitted")
    elsewhere = published_opportunity(cast.other_partner, [cast.institution])
    other_host = application_at(cast, "interview", opportunity=elsewhere, student=cast.classmate)
    expected = {
        "student": {mine},
        "classmate": {other_host},
        "recruiter": {mine},
        "supervisor": {mine},
        "other_recruiter": {other_host},
        "coordinator": {mine, other_host},
        "educator": {mine, other_host},
        "other_coordinator": set(),
        "mentor": set(),
        "outsider": set(),
        "admin": {mine, other_host},
        "anonymous": set(),
    }
    for role, apps in expected.items():
        viewer = cast.role(role) or AnonymousUser()
        assert set(applications_for(viewer)) == apps, role
        counts = stage_counts_for(viewer)
        assert sum(counts.values()) == len(apps), role
    assert stage_counts_for(cast.coordinator)["interview"] == 1
    assert list(application_list(cast.coordinator, opportunity_id="garbage")) == []
    assert list(application_list(cast.coordinator, stage="interview")) == [other_host]


def test_inactive_membership_loses_access(cast):
    application_at(cast, "submitted")
    cast.recruiter.memberships.update(is_active=False)
    assert not applications_for(cast.recruiter).exists()
