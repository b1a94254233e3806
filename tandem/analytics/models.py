"""Analytics records: the daily health of each partnership (its trend).

No personal data: scores and reason codes only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.partnerships.models import Partnership

from . import health


class HealthBand(models.TextChoices):
    HEALTHY = health.HEALTHY, _("Healthy")
    WATCH = health.WATCH, _("Watch")
    AT_RISK = health.AT_RISK, _("At risk")
    UNKNOWN = health.UNKNOWN, _("Not enough data")


class HealthSnapshot(PublicModel):
    """A partnership's health score on one day, with the reasons behind it (see
    :mod:`tandem.analytics.health`). ``alerted_at`` is set when this snapshot turned the
    partnership at-risk and its coordinators were alerted."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="health_snapshots"
    )
    date = models.DateField(_("date"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=10, choices=HealthBand.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partnership_id", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "date"], name="health_snapshot_once_per_day"
            ),
            models.CheckConstraint(
                name="health_score_in_range",
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id} {self.date}: {self.score}"
