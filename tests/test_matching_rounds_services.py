"""Match-round services: errors are domain errors, students rank only opportunities they are
eligible for, a stuck run can be restarted or cancelled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tandem.core.errors import ConflictError, DomainError
from tandem.matching import services
from tandem.matching.models import MatchResult, StudentRanking
from tests.matching_rounds_support import (
    _api,
    _create_round,
    cast,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


def test_service_errors_are_domain_errors(cast):  # noqa: F811
    with pytest.raises(DomainError):
        services.round_create(
            actor=cast.coordinator,
            institution=cast.institution,
            title="",
            opportunities=[],
            student_deadline=None,
            partner_deadline=None,
        )
    now = timezone.now()
    match_round = services.round_create(
        actor=cast.coordinator,
        institution=cast.institution,
        title="T",
        opportunities=[cast.a],
        student_deadline=now + dt.timedelta(days=1),
        partner_deadline=now + dt.timedelta(days=1),
    )
    with pytest.raises(ConflictError):
        services.round_publish(actor=cast.coordinator, match_round=match_round)


def test_students_rank_only_opportunities_they_are_eligible_for(client, cast):  # noqa: F811
    cast.c.eligible_programs = ["Nursing"]
    cast.c.save()
    round_id = _create_round(client, cast).json()["id"]
    s1, s2 = cast.students[:2]
    r = _api(
        client, s1, "put", f"/{round_id}/rank-list", {"opportunities": [str(cast.c.public_id)]}
    )
    assert r.status_code == 400
    assert "C lab internship" in r.json()["detail"]
    s2.memberships.update(program="nursing")
    r = _api(
        client, s2, "put", f"/{round_id}/rank-list", {"opportunities": [str(cast.c.public_id)]}
    )
    assert r.status_code == 200
    client.force_login(s1)
    html = client.get(reverse("matching:round_detail", args=[round_id])).content.decode()
    assert "Add “C lab internship”" not in html and "Add “A ward rotation”" in html
    assert StudentRanking.objects.filter(student=s1).count() == 0


def test_a_stuck_run_can_be_restarted_later_or_cancelled(cast):  # noqa: F811
    now = timezone.now()
    match_round = services.round_create(
        actor=cast.coordinator,
        institution=cast.institution,
        title="Stuck",
        opportunities=[cast.a],
        student_deadline=now + dt.timedelta(days=1),
        partner_deadline=now + dt.timedelta(days=1),
    )
    services.round_open(actor=cast.coordinator, match_round=match_round)
    services.round_close_ranking(actor=cast.coordinator, match_round=match_round)
    # The task is never executed (no on-commit callbacks run): the round stays "running".
    services.round_run(actor=cast.coordinator, match_round=match_round)
    with pytest.raises(ConflictError):
        services.round_run(actor=cast.coordinator, match_round=match_round)
    with freeze_time(timezone.now() + dt.timedelta(minutes=11)):
        services.round_run(actor=cast.coordinator, match_round=match_round)
    services.round_cancel(actor=cast.coordinator, match_round=match_round)
    # A late task finds the round cancelled and does nothing.
    assert services.round_compute(match_round_id=match_round.pk).status == "cancelled"
    assert not MatchResult.objects.exists()
