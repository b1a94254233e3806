"""Partnership health: the pure score and its reasons, daily snapshots, the at-risk alert
(sent once per crossing), and who may see the health page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from tandem.analytics import health
from tandem.analytics.models import HealthSnapshot
from tandem.analytics.services import health_refresh_all, partnership_health_record
from tandem.organizations.models import Role
from tandem.partnerships.models import (
    KPI,
    Commitment,
    CommitmentDelivery,
    CommunicationEntry,
    Objective,
)
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    member,
)

TODAY = dt.date(2026, 6, 30)


# --- the pure score -----------------------------------------------------------------------------
def test_score_weights_every_component():
    inputs = health.HealthInputs(
        today=TODAY,
        kpi_statuses=("on_track", "at_risk", "off_track", "on_track", "no_data"),
        last_contact=TODAY - dt.timedelta(days=75),  # halfway between 30 and 120 days
        feedback_mean=Decimal("4"),
        feedback_responses=12,
        commitments=(
            health.CommitmentProgress(Decimal(100), Decimal(100), TODAY),
            health.CommitmentProgress(Decimal(100), Decimal(50), None),
            health.CommitmentProgress(Decimal(100), Decimal(0), TODAY + dt.timedelta(days=1)),
        ),
    )
    result = health.score(inputs)
    # kpis 2.5/4 = .625 → 25; engagement .5 → 10; feedback .75 → 15; commitments .75 → 15
    assert [r.points for r in result.reasons] == [25, 10, 15, 15]
    assert result.score == 65
    assert result.band == "watch"
    kpis, engagement, feedback, commitments = result.reasons
    assert kpis.params == {"on_track": 2, "at_risk": 1, "off_track": 1, "no_data": 1}
    assert engagement.params == {"days": 75}
    assert feedback.params == {"mean": "4.00", "responses": 12}
    assert commitments.params == {"due": 2, "complete": 1}


def test_components_without_data_are_left_out_and_the_rest_reweighted():
    inputs = health.HealthInputs(
        today=TODAY,
        kpi_statuses=("no_data",),
        last_contact=TODAY - dt.timedelta(days=10),
        feedback_mean=Decimal("5"),
        feedback_responses=9,  # too few
    )
    result = health.score(inputs)
    assert [r.code for r in result.reasons] == [
        "kpis_no_data",
        "engagement",
        "feedback_too_few",
        "commitments_none_due",
    ]
    assert result.score == 100
    assert result.band == "healthy"


def test_no_contact_and_off_track_is_at_risk():
    result = health.score(health.HealthInputs(today=TODAY, kpi_statuses=("off_track",)))
    assert result.score == 0
    assert result.band == "at_risk"
    assert result.reasons[1].code == "engagement_none"


@pytest.mark.parametrize(
    ("score", "band"), [(None, "unknown"), (0, "at_risk"), (49, "at_risk"), (50, "watch"),
                        (69, "watch"), (70, "healthy"), (100, "healthy")]
)  # fmt: skip
def test_bands(score, band):
    assert health.band_for(score) == band


def test_turned_at_risk_only_on_crossing():
    assert health.turned_at_risk(None, "at_risk")
    assert health.turned_at_risk("watch", "at_risk")
    assert not health.turned_at_risk("at_risk", "at_risk")
    assert not health.turned_at_risk("at_risk", "watch")


# --- snapshots and alerts -----------------------------------------------------------------------
@pytest.fixture
def cast(db):
    inst, other_inst, partner = InstitutionFactory(), InstitutionFactory(), PartnerFactory()
    partnership = PartnershipFactory(institutions=[inst], partners=[partner])
    return {
        "partnership": partnership,
        "coordinator": member(inst, Role.COORDINATOR),
        "second_coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "student": member(inst, Role.STUDENT),
        "recruiter": member(partner, Role.RECRUITER),
        "other_coordinator": member(other_inst, Role.COORDINATOR),
        "other_partner_recruiter": member(PartnerFactory(), Role.RECRUITER),
        "outsider": UserFactory(),
        "partner": partner,
    }


def _healthy(partnership, day):
    CommunicationEntry.objects.create(partnership=partnership, kind="call", date=day, title="Hi")


def test_snapshot_stores_score_and_reasons_once_per_day(cast, django_capture_on_commit_callbacks):
    p = cast["partnership"]
    _healthy(p, TODAY - dt.timedelta(days=3))
    objective = Objective.objects.create(partnership=p, title="Grow")
    KPI.objects.create(
        objective=objective,
        name="Placements",
        baseline=0,
        target=10,
        start_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 12, 31),
        status="at_risk",
    )
    commitment = Commitment.objects.create(
        partnership=p,
        organization=cast["partner"],
        kind="places",
        description="Places",
        quantity=Decimal(4),
        due_date=TODAY,
    )
    CommitmentDelivery.objects.create(
        commitment=commitment, quantity=Decimal(1), delivered_on=TODAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = partnership_health_record(partnership=p, today=TODAY)
        partnership_health_record(partnership=p, today=TODAY)
    # (kpis .5 × 40 + engagement 1 × 20 + commitments .25 × 20) / 80 = 45 / 80 → 56
    assert snapshot.score == 56
    assert snapshot.band == "watch"
    assert HealthSnapshot.objects.filter(partnership=p).count() == 1
    assert [r["code"] for r in snapshot.reasons] == [
        "kpis",
        "engagement",
        "feedback_too_few",
        "commitments",
    ]
    assert len(mail.outbox) == 0


def test_alert_sent_once_per_crossing_to_institution_coordinators(
    cast, django_capture_on_commit_callbacks
):
    p = cast["partnership"]
    _healthy(p, TODAY - dt.timedelta(days=1))
    day1 = TODAY
    with django_capture_on_commit_callbacks(execute=True):
        partnership_health_record(partnership=p, today=day1)
    assert mail.outbox == []
    # 200 days later without contact: engagement 0 → at risk.
    day2 = day1 + dt.timedelta(days=200)
    with django_capture_on_commit_callbacks(execute=True):
        first = partnership_health_record(partnership=p, today=day2)
        partnership_health_record(partnership=p, today=day2)  # same day again
    with django_capture_on_commit_callbacks(execute=True):
        partnership_health_record(partnership=p, today=day2 + dt.timedelta(days=1))  # still
    assert first.band == "at_risk"
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast["coordinator"].email, cast["second_coordinator"].email])
    assert p.title in mail.outbox[0].subject
    assert "Engagement" in mail.outbox[0].body
    # Recovers, then crosses again: a second alert.
    mail.outbox.clear()
    _healthy(p, day2 + dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            partnership_health_record(partnership=p, today=day2 + dt.timedelta(days=2)).band
            == "healthy"
        )
    with django_capture_on_commit_callbacks(execute=True):
        partnership_health_record(partnership=p, today=day2 + dt.timedelta(days=300))
    assert len(mail.outbox) == 2


def test_refresh_all_scores_running_partnerships_only(cast):
    PartnershipFactory(status="concluded")
    PartnershipFactory(status="proposed")
    assert health_refresh_all(today=TODAY) == 1
    assert HealthSnapshot.objects.get().partnership == cast["partnership"]


# --- the page -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_coordinator", 404),
        ("student", 404),
        ("other_partner_recruiter", 404),
        ("coordinator", 200),
        ("educator", 200),
        ("recruiter", 200),
    ],
)
def test_health_page_authorization(client, cast, who, status):
    p = cast["partnership"]
    HealthSnapshot.objects.create(partnership=p, date=TODAY, score=42, band="at_risk")
    if who != "anonymous":
        client.force_login(cast[who])
    response = client.get(reverse("analytics:partnership_health", args=[p.public_id]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "<svg" in body and "Daily health score" in body
        assert "No meeting, call, decision or note recorded yet." in body
    assert HealthSnapshot.objects.count() == 1


def test_health_page_rejects_post(client, cast):
    client.force_login(cast["coordinator"])
    url = reverse("analytics:partnership_health", args=[cast["partnership"].public_id])
    assert client.post(url).status_code == 405
