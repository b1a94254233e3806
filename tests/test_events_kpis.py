"""Event attendance feeds the partnership's KPIs: guest lectures held and students reached,
recorded on bound KPIs by the daily refresh through the partnerships app's service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.analytics.services import partnership_metrics_refresh
from tandem.events import services
from tandem.partnerships.models import KPI, Objective
from tests.factories import event_cast, published_event

pytestmark = pytest.mark.django_db


def _kpi(partnership, metric: str) -> KPI:
    objective = Objective.objects.create(partnership=partnership, title="Reach students")
    today = timezone.localdate()
    return KPI.objects.create(
        objective=objective,
        name=metric,
        baseline=0,
        target=20,
        start_date=today - dt.timedelta(days=30),
        due_date=today + dt.timedelta(days=300),
        metric=metric,
    )


def _check_in(cast, event, students):
    for student in students:
        registration = services.registration_create(actor=student, event=event)
        services.registration_check_in(
            actor=cast.coordinator, event=event, token=services.checkin_token(registration)
        )


def test_attendance_feeds_guest_lectures_and_students_reached():
    cast = event_cast(capacity=5, students=3)
    lectures = _kpi(cast.partnership, "guest_lectures")
    reached = _kpi(cast.partnership, "students_reached")
    # Two of three attend the first event; one of them and the third attend a second one.
    _check_in(cast, cast.event, cast.students[:2])
    second = published_event(
        cast.inst,
        actor=cast.coordinator,
        capacity=5,
        partnership=cast.partnership,
        starts_at=cast.event.starts_at + dt.timedelta(days=1),
        ends_at=cast.event.ends_at + dt.timedelta(days=1),
    )
    _check_in(cast, second, cast.students[1:])
    # Nothing has ended yet: nothing held, nobody reached.
    today = timezone.localdate()
    partnership_metrics_refresh(partnership=cast.partnership, today=today)
    lectures.refresh_from_db()
    reached.refresh_from_db()
    assert (lectures.latest_value, reached.latest_value) == (Decimal(0), Decimal(0))
    # Once both have ended: two lectures held, three distinct students reached.
    after = timezone.localdate(second.ends_at) + dt.timedelta(days=1)
    report = partnership_metrics_refresh(partnership=cast.partnership, today=after)
    assert report.updated == 2
    lectures.refresh_from_db()
    reached.refresh_from_db()
    assert lectures.latest_value == Decimal(2)
    assert reached.latest_value == Decimal(3)
    assert reached.measurements.order_by("-measured_at").first().source == "automatic"


def test_a_cancelled_event_reaches_nobody():
    cast = event_cast(capacity=5, students=2)
    reached = _kpi(cast.partnership, "students_reached")
    _check_in(cast, cast.event, cast.students)
    services.event_cancel(actor=cast.coordinator, event=cast.event)
    after = timezone.localdate(cast.event.ends_at) + dt.timedelta(days=1)
    partnership_metrics_refresh(partnership=cast.partnership, today=after)
    reached.refresh_from_db()
    assert reached.latest_value == Decimal(0)
