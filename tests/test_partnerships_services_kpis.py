"""Partnership services: KPIs (measurements, stored status, reverse KPIs, validation, owners,
platform metrics bound to KPIs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.partnerships import services
from tandem.partnerships.models import KPIMeasurement
from tests.partnerships_services_support import (
    _fast_settings,  # noqa: F401 (a fixture)
    cast,  # noqa: F401 (a fixture)
)
from tests.test_partnerships_support import objective_with_kpi

pytestmark = pytest.mark.django_db


# --- KPIs ---------------------------------------------------------------------------------------
def test_measurement_refreshes_stored_status(cast):  # noqa: F811
    _, kpi = objective_with_kpi(cast)
    assert kpi.status == "no_data"
    services.kpi_measurement_record(actor=cast.coordinator, kpi=kpi, value="10")
    kpi.refresh_from_db()
    assert kpi.status == "on_track"
    assert kpi.latest_value == Decimal("10")
    services.kpi_measurement_record(actor=cast.recruiter, kpi=kpi, value=Decimal("2"))
    kpi.refresh_from_db()
    assert kpi.status == "off_track"
    m = KPIMeasurement.objects.filter(kpi=kpi).last()
    assert (m.source, m.recorded_by) == ("manual", cast.recruiter)


def test_reverse_kpi_through_service(cast):  # noqa: F811
    _, kpi = objective_with_kpi(
        cast, name="Dropout rate", unit="%", baseline=Decimal(12), target=Decimal(8)
    )
    services.kpi_measurement_record(actor=cast.coordinator, kpi=kpi, value="10.1")
    kpi.refresh_from_db()
    assert kpi.status == "on_track"
    services.kpi_measurement_record(actor=cast.coordinator, kpi=kpi, value="12")
    kpi.refresh_from_db()
    assert kpi.status == "off_track"


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"baseline": 5, "target": 5}, "target"),
        ({"due_date": "start"}, "due_date"),
        ({"metric": "tweets"}, "metric"),
        ({"target": "NaN"}, "target"),
        ({"target": "1e30"}, "target"),
        ({"name": " "}, "name"),
    ],
)
def test_kpi_validation(cast, fields, error_field):  # noqa: F811
    objective, _ = objective_with_kpi(cast)
    today = timezone.localdate()
    args = {
        "name": "Hires",
        "baseline": 0,
        "target": 10,
        "start_date": today,
        "due_date": today + dt.timedelta(days=30),
    }
    args.update(fields)
    if args["due_date"] == "start":
        args["due_date"] = today
    with pytest.raises(DomainError) as exc:
        services.kpi_create(actor=cast.coordinator, objective=objective, **args)
    assert error_field in exc.value.fields


@pytest.mark.parametrize("who", ["other_coordinator", "student", "outsider"])
def test_kpi_owner_must_be_staff_of_the_partnership(cast, who):  # noqa: F811
    objective, _ = objective_with_kpi(cast)
    with pytest.raises(DomainError) as exc:
        services.kpi_create(
            actor=cast.coordinator,
            objective=objective,
            name="x",
            baseline=0,
            target=1,
            due_date=timezone.localdate() + dt.timedelta(days=9),
            owner=getattr(cast, who),
        )
    assert "owner" in exc.value.fields
    kpi = services.kpi_create(
        actor=cast.coordinator,
        objective=objective,
        name="x",
        baseline=0,
        target=1,
        due_date=timezone.localdate() + dt.timedelta(days=9),
        owner=cast.mentor,
    )
    assert kpi.owner == cast.mentor


def test_kpi_record_metric_updates_bound_kpis_only(cast):  # noqa: F811
    _, bound = objective_with_kpi(cast, metric="placements")
    _, second = objective_with_kpi(cast, metric="placements", target=Decimal(40))
    _, manual = objective_with_kpi(cast)
    other = build_other_partnership(cast)
    _, elsewhere = objective_with_kpi(other, metric="placements")

    updated = services.kpi_record_metric(
        partnership=cast.partnership, metric="placements", value=10
    )
    assert updated == 2
    for kpi in (bound, second, manual, elsewhere):
        kpi.refresh_from_db()
    assert (bound.status, bound.latest_value) == ("on_track", Decimal(10))
    assert second.status == "at_risk"  # 25 % of 40, ~50 % expected → 25 points short
    assert manual.status == "no_data"
    assert elsewhere.status == "no_data"
    m = KPIMeasurement.objects.get(kpi=bound)
    assert (m.source, m.recorded_by, m.value) == ("automatic", None, Decimal(10))
    assert (
        services.kpi_record_metric(partnership=cast.partnership, metric="opportunities", value=3)
        == 0
    )
    with pytest.raises(DomainError):
        services.kpi_record_metric(partnership=cast.partnership, metric="bogus", value=1)


def build_other_partnership(cast):  # noqa: F811
    from tests.factories import PartnershipFactory

    class Other:
        partnership = PartnershipFactory(
            institutions=[cast.other_inst], partners=[cast.other_partner]
        )

    return Other
