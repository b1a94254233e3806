"""One placement rule: a student accepting an offer (the application pipeline) and a match
round's publication (the system placement path) take seats through the same service,
``application_place``, so they count the same seats and refuse with the same domain error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tandem.applications.models import Application, StageChange
from tandem.applications.services import application_move, application_place
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError
from tandem.matching import services as matching
from tandem.matching.models import MatchRound
from tandem.partnerships.models import KPIMeasurement
from tests.factories import ApplicationFactory, match_round_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return match_round_cast()


def _matched_round(cast, student) -> MatchRound:
    """A computed (not yet published) round that matches ``student`` to A (one seat)."""
    now = timezone.now()
    match_round = matching.round_create(
        actor=cast.coordinator,
        institution=cast.institution,
        title="Autumn rotations",
        opportunities=[cast.a],
        student_deadline=now + dt.timedelta(days=1),
        partner_deadline=now + dt.timedelta(days=2),
    )
    matching.round_open(actor=cast.coordinator, match_round=match_round)
    matching.student_ranking_set(actor=student, match_round=match_round, opportunities=[cast.a])
    matching.partner_ranking_set(
        actor=cast.recruiter1, match_round=match_round, opportunity=cast.a, students=[student]
    )
    matching.round_close_ranking(actor=cast.coordinator, match_round=match_round)
    matching.round_run(actor=cast.coordinator, match_round=match_round)
    matching.round_compute(match_round_id=match_round.pk)
    match_round.refresh_from_db()
    assert match_round.status == "matched"
    return match_round


def _offer(cast, student) -> Application:
    return ApplicationFactory(
        opportunity=cast.a, student=student, institution=cast.institution, stage="offer"
    )


def test_a_seat_taken_in_the_pipeline_refuses_the_match_publication(cast):
    matched, other = cast.students[0], cast.students[1]
    match_round = _matched_round(cast, matched)
    application_move(actor=other, application=_offer(cast, other), to_stage="accepted")
    before = (Application.objects.count(), StageChange.objects.count())

    with pytest.raises(ConflictError) as info:
        matching.round_publish(actor=cast.coordinator, match_round=match_round)

    assert info.value.code == "seats_full"
    assert "no seat left" in str(info.value)
    assert (Application.objects.count(), StageChange.objects.count()) == before
    match_round.refresh_from_db()
    assert match_round.status == "matched"


def test_a_seat_taken_by_a_match_refuses_the_pipeline_acceptance(cast):
    matched, other = cast.students[0], cast.students[1]
    match_round = _matched_round(cast, matched)
    offer = _offer(cast, other)
    matching.round_publish(actor=cast.coordinator, match_round=match_round)

    with pytest.raises(ConflictError, match="All seats are taken") as info:
        application_move(actor=other, application=offer, to_stage="accepted")

    assert info.value.code == "seats_full"
    offer.refresh_from_db()
    assert offer.stage == "offer"
    assert not offer.stage_changes.exists()


def test_both_paths_place_alike_through_the_one_service(cast, django_capture_on_commit_callbacks):
    """The same history row, audit event, "filled" marking and KPI measurement, whichever
    path took the seat; only the e-mails differ (the round mails everyone itself)."""
    cast.b.seats = 2
    cast.b.save(update_fields=["seats"])
    pipeline_student, service_student = cast.students[0], cast.students[1]
    offer = ApplicationFactory(
        opportunity=cast.b, student=pipeline_student, institution=cast.institution, stage="offer"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=pipeline_student, application=offer, to_stage="accepted")
    # The student and, since the student acted, the host's staff.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (pipeline_student, cast.recruiter1, cast.supervisor1)
    )
    cast.b.refresh_from_db()
    assert cast.b.status == "published"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        placed = application_place(
            actor=cast.coordinator,
            opportunity=cast.b,
            student=service_student,
            institution=cast.institution,
            note="Placed by hand.",
            audit_context={"match_round": "r-1"},
            notify=False,
        )
    assert mail.outbox == []
    assert (placed.stage, placed.statement) == ("accepted", "Placed by hand.")
    change = placed.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.actor) == ("", "accepted", cast.coordinator)
    event = AuditEvent.objects.filter(action="application.stage_changed").latest("pk")
    assert event.changes == {"stage": ["", "accepted"], "match_round": "r-1"}
    cast.b.refresh_from_db()
    assert cast.b.status == "filled"
    assert list(
        KPIMeasurement.objects.filter(kpi=cast.kpi).order_by("pk").values_list("value", flat=True)
    ) == [1, 2]

    # A student who already holds the seat keeps it: nothing is written again.
    assert (
        application_place(
            actor=cast.coordinator,
            opportunity=cast.b,
            student=service_student,
            institution=cast.institution,
        )
        == placed
    )
    assert placed.stage_changes.count() == 1
    assert KPIMeasurement.objects.filter(kpi=cast.kpi).count() == 2
