"""Analytics reads: inputs for the health score, health trends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet, Sum

from tandem.partnerships.models import KPI, CommitmentKind, Partnership
from tandem.partnerships.permissions import can_view_partnership

from . import health, metrics
from .models import HealthSnapshot


def health_inputs(partnership: Partnership, today: date) -> health.HealthInputs:
    """Everything :func:`tandem.analytics.health.score` needs about one partnership."""
    statuses = tuple(
        KPI.objects.filter(objective__partnership=partnership).values_list("status", flat=True)
    )
    last_contact = partnership.communications.filter(date__lte=today).aggregate(last=Max("date"))[
        "last"
    ]
    mean, responses = metrics.feedback_summary(partnership)
    commitments = []
    for c in partnership.commitments.annotate(
        delivered_amount=Sum("deliveries__amount"),
        delivered_quantity=Sum("deliveries__quantity"),
    ).order_by("pk"):
        funding = c.kind == CommitmentKind.FUNDING
        promised = c.amount if funding else c.quantity
        delivered = c.delivered_amount if funding else c.delivered_quantity
        commitments.append(
            health.CommitmentProgress(
                promised=Decimal(promised or 0),
                delivered=Decimal(delivered or 0),
                due_date=c.due_date,
            )
        )
    return health.HealthInputs(
        today=today,
        kpi_statuses=statuses,
        last_contact=last_contact,
        feedback_mean=mean,
        feedback_responses=responses,
        commitments=tuple(commitments),
    )


def health_trend(viewer: Any, partnership: Partnership) -> QuerySet[HealthSnapshot]:
    """The partnership's daily snapshots, oldest first; none when the viewer may not see it."""
    if not can_view_partnership(viewer, partnership):
        return HealthSnapshot.objects.none()
    return HealthSnapshot.objects.filter(partnership=partnership).order_by("date")
