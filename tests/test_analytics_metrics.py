"""Live KPI metrics: exact values on hand-built data, the daily refresh, and its command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from tandem.analytics import metrics
from tandem.analytics.services import kpi_metrics_refresh, partnership_metrics_refresh
from tandem.applications.models import Application, StageChange
from tandem.partnerships.models import (
    KPI,
    Commitment,
    CommitmentDelivery,
    KPIMeasurement,
    Objective,
)
from tandem.surveys.models import Answer, SurveyInvitation, SurveyResponse
from tests.factories import (
    ApplicationFactory,
    InstitutionFactory,
    OpportunityFactory,
    PartnerFactory,
    PartnershipFactory,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def world():
    inst, partner = InstitutionFactory(), PartnerFactory()
    partnership = PartnershipFactory(institutions=[inst], partners=[partner])
    opp = OpportunityFactory(
        host=partner,
        partnership=partnership,
        status="published",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 3, 31),
    )
    return inst, partner, partnership, opp


def _app(opp, inst, stage: str, history: tuple[str, ...] = ()) -> Application:
    app = ApplicationFactory(opportunity=opp, institution=inst, stage=stage)
    previous = ""
    for step in history:
        StageChange.objects.create(application=app, from_stage=previous, to_stage=step)
        previous = step
    return app


def _kpi(partnership, metric: str, target: int = 10) -> KPI:
    objective = Objective.objects.create(partnership=partnership, title="Grow")
    return KPI.objects.create(
        objective=objective,
        name=metric,
        baseline=0,
        target=target,
        start_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 12, 31),
        metric=metric,
    )


def test_placements_count_seat_holding_applications(world):
    inst, _, partnership, opp = world
    for stage in ("accepted", "placed", "completed", "offer", "rejected", "submitted"):
        _app(opp, inst, stage)
    ApplicationFactory(stage="placed")  # another partnership's opportunity
    assert metrics.placements(partnership, TODAY) == Decimal(3)


def test_completion_rate_over_ended_placements(world):
    inst, _, partnership, opp = world
    for _ in range(3):
        _app(opp, inst, "completed", ("submitted", "placed", "completed"))
    _app(opp, inst, "placed", ("submitted", "placed"))  # ended 31 March, not completed
    _app(opp, inst, "withdrawn", ("submitted", "placed", "withdrawn"))  # dropped out
    _app(opp, inst, "withdrawn", ("submitted", "withdrawn"))  # never placed: not counted
    later = OpportunityFactory(
        partnership=partnership, status="published", end_date=dt.date(2026, 9, 30)
    )
    _app(later, inst, "placed", ("submitted", "placed"))  # still running: not counted
    # 3 completed of 5 ended
    assert metrics.completion_rate(partnership, TODAY) == Decimal("60.00")


def test_completion_rate_without_ended_placements_has_no_value(world):
    inst, _, partnership, opp = world
    _app(opp, inst, "submitted")
    assert metrics.completion_rate(partnership, TODAY) is None


def test_offer_conversion_counts_hires_among_ended_offers(world):
    inst, _, partnership, opp = world
    path = ("submitted", "offer", "accepted", "placed", "completed")
    hired = _app(opp, inst, "completed", path)
    seat_holder = _app(opp, inst, "completed")  # no recorded history: held a seat, so offered
    not_hired = _app(opp, inst, "completed", path)
    _app(opp, inst, "completed", path)  # no outcome recorded yet: not counted
    _app(opp, inst, "declined", ("submitted", "offer", "declined"))
    _app(opp, inst, "withdrawn", ("submitted", "offer", "withdrawn"))
    _app(opp, inst, "withdrawn", ("submitted", "withdrawn"))  # never offered
    _app(opp, inst, "accepted", ("submitted", "offer", "accepted"))  # under way
    _app(opp, inst, "offer", ("submitted", "offer"))  # pending
    _app(opp, inst, "rejected", ("submitted", "rejected"))  # never offered
    # Ended so far: declined, withdrawn after the offer; nobody hired.
    assert metrics.offer_conversion(partnership, TODAY) == Decimal("0.00")
    Application.objects.filter(pk=not_hired.pk).update(hire_outcome="not_hired")
    Application.objects.filter(pk__in=[hired.pk, seat_holder.pk]).update(hire_outcome="hired")
    # Ended: 2 hired, 1 not hired, 1 declined, 1 withdrawn after the offer.
    assert metrics.offer_conversion(partnership, TODAY) == Decimal("40.00")


def test_offer_conversion_without_ended_offers_has_no_value(world):
    inst, _, partnership, opp = world
    _app(opp, inst, "completed", ("submitted", "offer", "accepted", "placed", "completed"))
    _app(opp, inst, "offer", ("submitted", "offer"))
    assert metrics.offer_conversion(partnership, TODAY) is None


def _satisfaction_responses(inst, apps, likert_values):
    survey = survey_with_questions(inst, anonymous=False)
    survey.template_key = metrics.SATISFACTION_TEMPLATE
    survey.save(update_fields=["template_key"])
    version = survey.versions.get()
    question = version.questions.get(key="likert")
    for app, value in zip(apps, likert_values, strict=True):
        invitation = SurveyInvitation.objects.create(
            survey=survey,
            version=version,
            user=app.student,
            trigger_key=f"placement-end:{app.public_id}:student",
        )
        response = SurveyResponse.objects.create(
            survey=survey, version=version, invitation=invitation
        )
        Answer.objects.create(response=response, question=question, value=value, number=value)


def test_mean_satisfaction_from_attributed_likert_answers(world):
    inst, _, partnership, opp = world
    apps = [_app(opp, inst, "completed") for _ in range(10)]
    _satisfaction_responses(inst, apps, [5, 4, 4, 3, 5, 5, 4, 2, 5, 4])
    # Another partnership's placements do not count.
    elsewhere = InstitutionFactory()
    stranger = [ApplicationFactory(stage="completed", institution=elsewhere)]
    _satisfaction_responses(elsewhere, stranger, [1])
    assert metrics.mean_satisfaction(partnership, TODAY) == Decimal("4.10")


def test_mean_satisfaction_needs_ten_responses(world):
    inst, _, partnership, opp = world
    apps = [_app(opp, inst, "completed") for _ in range(9)]
    _satisfaction_responses(inst, apps, [5] * 9)
    assert metrics.mean_satisfaction(partnership, TODAY) is None


def test_guest_lectures_held(world):
    _inst, partner, partnership, _ = world

    def lecture(type_: str, status: str, start, end=None):
        OpportunityFactory(
            host=partner,
            partnership=partnership,
            type=type_,
            status=status,
            start_date=start,
            end_date=end,
        )

    lecture("guest_lecture", "published", dt.date(2026, 5, 1))
    lecture("workshop", "closed", dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    lecture("guest_lecture", "published", dt.date(2026, 7, 1))  # future
    lecture("guest_lecture", "draft", dt.date(2026, 5, 1))  # never published
    lecture("internship", "published", dt.date(2026, 5, 1))  # not a lecture
    lecture("guest_lecture", "published", None)  # no date
    assert metrics.guest_lectures(partnership, TODAY) == Decimal(2)


def test_funding_delivered_single_and_mixed_currency(world):
    _, partner, partnership, _ = world
    assert metrics.funding_delivered(partnership, TODAY) is None  # no funding promised
    gbp = Commitment.objects.create(
        partnership=partnership,
        organization=partner,
        kind="funding",
        description="Bursaries",
        amount=Decimal("10000"),
        currency="GBP",
    )
    assert metrics.funding_delivered(partnership, TODAY) == Decimal(0)
    CommitmentDelivery.objects.create(
        commitment=gbp, amount=Decimal("2500.50"), delivered_on=dt.date(2026, 2, 1)
    )
    CommitmentDelivery.objects.create(
        commitment=gbp, amount=Decimal("1000"), delivered_on=dt.date(2026, 4, 1)
    )
    CommitmentDelivery.objects.create(
        commitment=gbp, amount=Decimal("99"), delivered_on=dt.date(2026, 8, 1)
    )  # after today
    assert metrics.funding_delivered(partnership, TODAY) == Decimal("3500.50")
    eur = Commitment.objects.create(
        partnership=partnership,
        organization=partner,
        kind="funding",
        description="Lab",
        amount=Decimal("500"),
        currency="EUR",
    )
    CommitmentDelivery.objects.create(
        commitment=eur, amount=Decimal("10"), delivered_on=dt.date(2026, 2, 1)
    )
    assert metrics.funding_delivered(partnership, TODAY) is None


def test_refresh_records_bound_kpis_once_per_day_and_leaves_manual_alone(world):
    inst, _, partnership, opp = world
    placements = _kpi(partnership, "placements")
    rate = _kpi(partnership, "completion_rate", target=90)
    manual = _kpi(partnership, "manual")
    satisfaction = _kpi(partnership, "mean_satisfaction", target=5)
    _app(opp, inst, "completed", ("submitted", "placed", "completed"))
    _app(opp, inst, "placed", ("submitted", "placed"))

    report = partnership_metrics_refresh(partnership=partnership, today=TODAY)
    assert (report.updated, report.unchanged, report.no_value) == (2, 0, 1)
    placements.refresh_from_db()
    rate.refresh_from_db()
    assert placements.latest_value == Decimal(2)
    assert rate.latest_value == Decimal("50.00")
    assert not manual.measurements.exists()
    assert not satisfaction.measurements.exists()
    measurement = placements.measurements.get()
    assert measurement.source == "automatic"

    again = kpi_metrics_refresh(today=TODAY)
    assert (again.updated, again.unchanged) == (0, 2)
    assert KPIMeasurement.objects.count() == 2


def test_refresh_records_again_when_the_value_changes(world):
    inst, _, partnership, opp = world
    kpi = _kpi(partnership, "placements")
    _app(opp, inst, "placed")
    kpi_metrics_refresh(today=TODAY)
    _app(opp, inst, "accepted")
    kpi_metrics_refresh(today=TODAY)
    assert list(kpi.measurements.values_list("value", flat=True)) == [Decimal(1), Decimal(2)]


def test_command_runs_the_refresh(world):
    inst, _, partnership, opp = world
    kpi = _kpi(partnership, "placements")
    _app(opp, inst, "placed")
    out = StringIO()
    call_command("refresh_kpi_metrics", "--today", TODAY.isoformat(), stdout=out)
    assert "1 KPIs updated" in out.getvalue()
    assert kpi.measurements.count() == 1
    out = StringIO()
    call_command("refresh_kpi_metrics", "--today", TODAY.isoformat(), stdout=out)
    assert "0 KPIs updated, 1 unchanged" in out.getvalue()
