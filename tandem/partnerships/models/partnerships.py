"""The partnership itself and its lifecycle steps."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.organizations.models import Organization

from .. import lifecycle


class PartnershipType(models.TextChoices):
    INTERNSHIPS = "internships", _("Internships and apprenticeships")
    CURRICULUM = "curriculum", _("Curriculum development")
    RESEARCH = "research", _("Research funding and sponsorship")
    PROFESSIONAL_DEVELOPMENT = "professional_development", _("Professional development")
    GUEST_LECTURES = "guest_lectures", _("Guest lectures and workshops")
    MENTORING = "mentoring", _("Mentoring")
    INDUSTRY_PROJECTS = "industry_projects", _("Industry projects")


class PartnershipStatus(models.TextChoices):
    PROPOSED = lifecycle.PROPOSED, _("Proposed")
    NEGOTIATING = lifecycle.NEGOTIATING, _("Negotiating")
    ACTIVE = lifecycle.ACTIVE, _("Active")
    UNDER_REVIEW = lifecycle.UNDER_REVIEW, _("Under review")
    RENEWED = lifecycle.RENEWED, _("Renewed")
    CONCLUDED = lifecycle.CONCLUDED, _("Concluded")


class Partnership(PublicModel):
    """An agreement between one or more institutions and one or more industry partners."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    types = models.JSONField(_("types"), default=list)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.PROPOSED,
    )
    institutions = models.ManyToManyField(
        Organization, related_name="institution_partnerships", verbose_name=_("institutions")
    )
    partners = models.ManyToManyField(
        Organization, related_name="partner_partnerships", verbose_name=_("partners")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="partnership_dates_ordered",
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def type_labels(self) -> list[str]:
        labels = dict(PartnershipType.choices)
        return [str(labels.get(t, t)) for t in self.types or []]

    @property
    def allowed_next_statuses(self) -> list[str]:
        return [s for s in PartnershipStatus.values if lifecycle.is_allowed(self.status, s)]


class PartnershipTransition(models.Model):
    """One lifecycle step of a partnership: from, to, who, why and when."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=PartnershipStatus.choices)
    to_status = models.CharField(max_length=20, choices=PartnershipStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                name="partnership_transition_changes_status",
                condition=~models.Q(from_status=models.F("to_status")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
