"""The compliance board filters and counts in the database (docs/decisions/0021): the SQL
condition says "blocked" for exactly the placements the Python rule finds blocked (every
state a clearance can be in on the day it must hold), pages and counts agree with the whole
list, and filtered pages and the API answer in a number of queries that does not grow with
the number of placements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.placements import services
from tandem.placements.models import Clearance, ClearanceRequirement
from tandem.placements.selectors import compliance_board
from tests.factories import (
    ApplicationFactory,
    application_cast,
    member,
    pdf_upload,
    published_opportunity,
)
from tests.placements_support import immunisation, verified

pytestmark = pytest.mark.django_db

BOARD_API = "/api/v1/placements/board"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast(type="clinical")


def _app(cast, stage="accepted", opportunity=None):
    return ApplicationFactory(
        opportunity=opportunity or cast.opportunity,
        student=member(cast.institution, "student"),
        institution=cast.institution,
        stage=stage,
    )


def _expire(clearance: Clearance, on: dt.date) -> None:
    clearance.expires_on = on
    clearance.save(update_fields=["expires_on"])


def _terms(cast, app, start: dt.date) -> None:
    services.placement_terms_set(
        actor=cast.coordinator,
        application=app,
        start_date=start,
        end_date=start + dt.timedelta(days=90),
        required_hours=None,
    )


def _ids(rows) -> set[int]:
    return {r.application_id for r in rows}


def test_the_database_finds_blocked_exactly_where_the_rule_does(cast):
    today = timezone.localdate()
    jab = immunisation(cast, opportunity_type="clinical")
    safety = services.clearance_requirement_create(
        actor=cast.coordinator,
        institution=cast.institution,
        kind="safety_training",
        name="Safety induction",
        validity_days=365,
    )
    # Requirements that never apply here: another partner's, another type's, a retired one.
    services.clearance_requirement_create(
        actor=cast.coordinator, institution=cast.institution, kind="background_check",
        name="Other host's check", validity_days=365, partner=cast.other_partner,
    )  # fmt: skip
    services.clearance_requirement_create(
        actor=cast.coordinator, institution=cast.institution, kind="confidentiality",
        name="Internships only", validity_days=365, opportunity_type="internship",
    )  # fmt: skip
    retired = immunisation(cast, name="Retired requirement")
    ClearanceRequirement.objects.filter(pk=retired.pk).update(is_active=False)

    nothing = _app(cast)  # both missing
    all_good = _app(cast)
    verified(cast, all_good, jab)
    verified(cast, all_good, safety)
    lapses_before_start = _app(cast)  # verified today, expired on the planned start day
    _terms(cast, lapses_before_start, today + dt.timedelta(days=30))
    _expire(verified(cast, lapses_before_start, jab), today + dt.timedelta(days=10))
    verified(cast, lapses_before_start, safety)
    holds_until_start = _app(cast)
    _terms(cast, holds_until_start, today + dt.timedelta(days=5))
    _expire(verified(cast, holds_until_start, jab), today + dt.timedelta(days=5))
    verified(cast, holds_until_start, safety)
    started_expired = _app(cast, stage="placed")
    _expire(verified(cast, started_expired, jab), today - dt.timedelta(days=3))
    verified(cast, started_expired, safety)
    start_passed = _app(cast)  # accepted, start passed: must hold today
    _terms(cast, start_passed, today - dt.timedelta(days=10))
    _expire(verified(cast, start_passed, jab), today - dt.timedelta(days=1))
    verified(cast, start_passed, safety)
    rejected = _app(cast, stage="placed")
    verified(cast, rejected, jab)
    services.clearance_evidence_upload(
        actor=rejected.student, application=rejected, requirement=safety,
        file=pdf_upload("s.pdf"),
    )  # fmt: skip
    services.clearance_decide(
        actor=cast.coordinator, application=rejected, requirement=safety, verified=False,
        reason="Unreadable",
    )  # fmt: skip
    submitted_only = _app(cast)
    verified(cast, submitted_only, safety)
    services.clearance_evidence_upload(
        actor=submitted_only.student, application=submitted_only, requirement=jab,
        file=pdf_upload("j.pdf"),
    )  # fmt: skip
    # Not a clinical posting: the immunisation does not apply, safety is verified.
    apprenticeship = published_opportunity(cast.host, [cast.institution], type="apprenticeship")
    other_type = _app(cast, opportunity=apprenticeship)
    verified(cast, other_type, safety)

    board = compliance_board(cast.coordinator)
    rows = list(board)
    assert len(board) == len(rows) == 9
    assert board[2:5] == rows[2:5] and board[3] == rows[3]
    expected_blocked = {
        a.pk for a in (nothing, lapses_before_start, started_expired, start_passed, rejected,
                       submitted_only)
    }  # fmt: skip
    assert _ids(r for r in rows if r.blocked) == expected_blocked
    blocked = compliance_board(cast.coordinator, status="blocked")
    assert _ids(blocked) == expected_blocked and len(blocked) == len(expected_blocked)
    clear = compliance_board(cast.coordinator, status="clear")
    assert _ids(clear) == _ids(rows) - expected_blocked
    names = {"Hepatitis B immunisation": "immunisation", "Safety induction": "safety_training"}
    for kind in ("immunisation", "safety_training", "background_check", "confidentiality"):
        by_rule = {r.application_id for r in rows if kind in {names[n] for n, _s in r.blocked_by}}
        assert _ids(compliance_board(cast.coordinator, kind=kind)) == by_rule, kind
    assert _ids(compliance_board(cast.coordinator, kind="safety_training")) == {
        nothing.pk,
        rejected.pk,
    }
    # Another institution's coordinator: nothing of it, whatever the filter.
    assert list(compliance_board(cast.other_coordinator, status="blocked")) == []


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def test_filtered_pages_and_the_api_do_not_grow_with_placements(client, cast):
    immunisation(cast)
    services.clearance_requirement_create(
        actor=cast.coordinator, institution=cast.institution, kind="safety_training",
        name="Safety induction", validity_days=365,
    )  # fmt: skip
    for _ in range(3):
        _app(cast)
    client.force_login(cast.coordinator)
    board = reverse("placements:board")
    urls = [
        board + "?status=blocked",
        board + "?status=clear",
        board + "?kind=immunisation",
        board + "?page=2",
        BOARD_API + "?status=blocked",
        BOARD_API + "?kind=immunisation",
    ]
    few = [_queries(client, u) for u in urls]
    for _ in range(60):
        _app(cast, stage="placed")
    many = [_queries(client, u) for u in urls]
    assert many == few, list(zip(urls, few, many, strict=True))
    answer = client.get(BOARD_API, {"status": "blocked"}).json()
    assert answer["count"] == 63 and len(answer["items"]) == 50
    assert len(client.get(BOARD_API, {"status": "blocked", "page": 2}).json()["items"]) == 13
