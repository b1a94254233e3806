"""Objectives, their KPIs and the KPIs' measurements."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel

from .. import kpi_status as kpi_rules
from ._fields import owner_field
from .partnerships import Partnership


class Objective(PublicModel):
    """Something the partners want to achieve together, measured by KPIs."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = owner_field()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class KPIStatus(models.TextChoices):
    NO_DATA = kpi_rules.NO_DATA, _("No data")
    ON_TRACK = kpi_rules.ON_TRACK, _("On track")
    AT_RISK = kpi_rules.AT_RISK, _("At risk")
    OFF_TRACK = kpi_rules.OFF_TRACK, _("Off track")


MANUAL_METRIC = "manual"


class BoundMetric(models.TextChoices):
    """Where a KPI's measurements come from: typed in, or recorded by another app."""

    MANUAL = MANUAL_METRIC, _("Entered by hand")
    PLACEMENTS = "placements", _("Placements (accepted offers)")
    APPLICATIONS = "applications", _("Applications received")
    OPPORTUNITIES = "opportunities", _("Opportunities published")
    # Refreshed daily by tandem.analytics (see docs/analytics.md).
    COMPLETION_RATE = "completion_rate", _("Completion rate of ended placements (%)")
    OFFER_CONVERSION = "offer_conversion", _("Offers converted to hires (%)")
    MEAN_SATISFACTION = "mean_satisfaction", _("Mean student satisfaction (1–5)")
    GUEST_LECTURES = "guest_lectures", _("Guest lectures and workshops held")
    STUDENTS_REACHED = "students_reached", _("Students reached by events (checked in)")
    FUNDING_DELIVERED = "funding_delivered", _("Funding delivered")


class KPI(PublicModel):
    """A measurable indicator of an objective, from ``baseline`` to ``target`` by ``due_date``.

    ``status`` and ``latest_value`` cache the assessment of the measurement history (see
    :mod:`tandem.partnerships.kpi_status`) so that dashboards need no aggregation.
    """

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    owner = owner_field()
    metric = models.CharField(
        _("measured by"), max_length=40, choices=BoundMetric.choices, default=MANUAL_METRIC
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=KPIStatus.choices,
        default=KPIStatus.NO_DATA,
        db_index=True,
    )
    latest_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["objective_id", "created_at", "id"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            models.CheckConstraint(
                name="kpi_due_after_start", condition=models.Q(due_date__gt=models.F("start_date"))
            ),
            models.CheckConstraint(
                name="kpi_target_differs_from_baseline",
                condition=~models.Q(target=models.F("baseline")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.target is not None and self.target == self.baseline:
            errors["target"] = _("The target must differ from the baseline.")
        if self.due_date is None or (self.start_date and self.due_date <= self.start_date):
            errors["due_date"] = _("The due date must be after the start date.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_reverse(self) -> bool:
        """True when success means going down (target below baseline)."""
        return self.target < self.baseline


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    AUTOMATIC = "automatic", _("Recorded automatically")


class KPIMeasurement(PublicModel):
    """One reading of a KPI. ``recorded_by`` is empty for automatic readings."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    measured_at = models.DateTimeField(_("measured at"), db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=MeasurementSource.choices,
        default=MeasurementSource.MANUAL,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["measured_at", "id"]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value}"

    def clean(self) -> None:
        if self.measured_at and self.measured_at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError({"measured_at": _("A measurement cannot be in the future.")})
