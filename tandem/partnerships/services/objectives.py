"""Objectives, their KPIs, and the measurements (typed in or recorded by other apps) that
set each KPI's status."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.types import Actor, signed_in
from tandem.core.errors import DomainError
from tandem.core.validation import validated

from .. import kpi_status as kpi_rules
from ..models import (
    KPI,
    MANUAL_METRIC,
    BoundMetric,
    KPIMeasurement,
    MeasurementSource,
    Objective,
    Partnership,
)
from ._common import audit, check_member, require_edit, stripped


@transaction.atomic
def objective_create(
    *,
    actor: Actor,
    partnership: Partnership,
    title: str,
    description: str = "",
    owner: User | None = None,
) -> Objective:
    """Add an objective to a partnership."""
    require_edit(actor, partnership)
    objective = validated(
        Objective(
            partnership=partnership,
            title=stripped(title),
            description=stripped(description),
            owner=owner,
        )
    )
    check_member(owner, partnership, "owner")
    objective.save()
    audit(
        actor=actor,
        action="partnership.objective_created",
        partnership=partnership,
        obj=objective,
        title=objective.title,
    )
    return objective


@transaction.atomic
def kpi_create(
    *,
    actor: Actor,
    objective: Objective,
    name: str,
    baseline: Decimal | int | str,
    target: Decimal | int | str,
    due_date: dt.date,
    start_date: dt.date | None = None,
    unit: str = "",
    owner: User | None = None,
    metric: str = MANUAL_METRIC,
) -> KPI:
    """Add a KPI to an objective. ``start_date`` defaults to today; ``metric`` binds the KPI
    to automatic measurements (e.g. ``placements``)."""
    partnership = objective.partnership
    require_edit(actor, partnership)
    kpi = validated(
        KPI(
            objective=objective,
            name=stripped(name),
            unit=stripped(unit),
            baseline=baseline,
            target=target,
            start_date=start_date or timezone.localdate(),
            due_date=due_date,
            owner=owner,
            metric=metric or MANUAL_METRIC,
        )
    )
    check_member(owner, partnership, "owner")
    kpi.save()
    audit(
        actor=actor,
        action="partnership.kpi_created",
        partnership=partnership,
        obj=kpi,
        name=kpi.name,
        baseline=kpi.baseline,
        target=kpi.target,
        due_date=due_date,
        metric=kpi.metric,
    )
    return kpi


def kpi_refresh_status(*, kpi: KPI) -> KPI:
    """Recompute and store a KPI's status from its full measurement history."""
    history = [
        kpi_rules.Measurement(on=timezone.localdate(m.measured_at), value=m.value)
        for m in kpi.measurements.all().order_by("measured_at", "id")
    ]
    assessment = kpi_rules.assess_kpi(
        baseline=kpi.baseline,
        target=kpi.target,
        start_date=kpi.start_date,
        due_date=kpi.due_date,
        measurements=history,
    )
    kpi.status = assessment.status
    kpi.latest_value = assessment.latest.value if assessment.latest else None
    kpi.status_updated_at = timezone.now()
    kpi.save(update_fields=["status", "latest_value", "status_updated_at", "updated_at"])
    return kpi


@transaction.atomic
def kpi_measurement_record(
    *,
    actor: Actor,
    kpi: KPI,
    value: Decimal | int | str,
    measured_at: dt.datetime | None = None,
    note: str = "",
) -> KPIMeasurement:
    """Record a manual reading of a KPI and refresh its status."""
    partnership = kpi.objective.partnership
    require_edit(actor, partnership)
    when = measured_at or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    locked = KPI.objects.select_for_update().get(pk=kpi.pk)
    measurement = validated(
        KPIMeasurement(
            kpi=locked,
            value=value,
            measured_at=when,
            recorded_by=signed_in(actor),
            source=MeasurementSource.MANUAL,
            note=stripped(note),
        )
    )
    measurement.save()
    kpi_refresh_status(kpi=locked)
    kpi.status, kpi.latest_value = locked.status, locked.latest_value
    audit(
        actor=actor,
        action="partnership.kpi_measured",
        partnership=partnership,
        obj=locked,
        value=measurement.value,
        status=locked.status,
    )
    return measurement


def _rounded(value: Decimal | int) -> Decimal:
    """A computed total at the column's precision (four places)."""
    try:
        return Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("Enter a number."), fields={"value": _("Enter a number.")}) from None


@transaction.atomic
def kpi_record_metric(
    *,
    partnership: Partnership,
    metric: str,
    value: Decimal | int,
    actor: Actor | None = None,
) -> int:
    """Record ``value`` (the current total of ``metric``) on every KPI of ``partnership``
    bound to ``metric``, refresh their statuses, and return how many KPIs were updated.

    Called by other apps, e.g. applications with ``metric="placements"`` when an offer is
    accepted. Unknown metrics are refused; a partnership without bound KPIs returns 0.
    """
    if metric == MANUAL_METRIC or metric not in BoundMetric.values:
        msg = _("Unknown metric “%(m)s”.") % {"m": metric}
        raise DomainError(msg, fields={"metric": msg})
    number = _rounded(value)
    kpis = list(
        KPI.objects.select_for_update()
        .filter(objective__partnership=partnership, metric=metric)
        .order_by("pk")
    )
    now = timezone.now()
    recorder = signed_in(actor)
    for kpi in kpis:
        validated(
            KPIMeasurement(
                kpi=kpi,
                value=number,
                measured_at=now,
                recorded_by=recorder,
                source=MeasurementSource.AUTOMATIC,
            )
        ).save()
        kpi_refresh_status(kpi=kpi)
    if kpis:
        audit(
            actor=recorder,
            action="partnership.kpi_metric_recorded",
            partnership=partnership,
            metric=metric,
            value=number,
            kpis=len(kpis),
        )
    return len(kpis)
