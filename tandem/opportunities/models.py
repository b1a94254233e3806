"""Opportunities (postings) and their approval by institutions.

A partner drafts a posting, submits it to one or more institutions, and each institution's
career office approves it before its students can see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.organizations.models import Organization, Site
from tandem.partnerships.models import Partnership


def normalize_program(text: Any) -> str:
    """A program name as eligibility compares it: spaces collapsed, case folded."""
    return " ".join(str(text).split()).casefold()


def programs_key(programs: Iterable[Any] | None) -> str:
    """The searchable form of a posting's program list: each normalized program between
    newlines (``"\\na\\nb\\n"``), or ``""`` when every program is eligible. A normalized
    name never contains a newline, so ``"\\n" + name + "\\n"`` matches whole names only."""
    wanted = sorted({normalize_program(p) for p in (programs or []) if str(p).strip()})
    return "\n" + "\n".join(wanted) + "\n" if wanted else ""


class OpportunityType(models.TextChoices):
    INTERNSHIP = "internship", _("Internship")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    COOP = "coop", _("Co-op")
    CLINICAL = "clinical", _("Clinical placement")
    JOB_SHADOWING = "job_shadowing", _("Job shadowing")
    CAPSTONE = "capstone", _("Industry or capstone project")
    RESEARCH = "research", _("Research project")
    GUEST_LECTURE = "guest_lecture", _("Guest lecture")
    WORKSHOP = "workshop", _("Workshop")


class WorkMode(models.TextChoices):
    ON_SITE = "on_site", _("On-site")
    HYBRID = "hybrid", _("Hybrid")
    REMOTE = "remote", _("Remote")


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting institution approval")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    FILLED = "filled", _("Filled")


class Opportunity(PublicModel):
    """A posting by a host organization: internship, placement, project, lecture…"""

    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("host organization"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("partnership"),
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=OpportunityType.choices)
    description = models.TextField(_("description"))
    skills_wanted = models.TextField(_("skills wanted"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    work_mode = models.CharField(
        _("work mode"), max_length=10, choices=WorkMode.choices, default=WorkMode.ON_SITE
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    pay_amount = models.DecimalField(
        _("pay or stipend"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    pay_currency = models.CharField(_("currency"), max_length=3, default="GBP")
    pay_period = models.CharField(_("pay period"), max_length=10, blank=True)
    seats = models.PositiveIntegerField(_("seats"), default=1)
    eligible_programs = models.JSONField(_("eligible programs"), default=list, blank=True)
    # Derived from ``eligible_programs`` on every save() so students' visibility is one query
    # (see ``selectors.student_visible_q``). Code that bypasses save() (bulk_create,
    # QuerySet.update) and sets programs must set it too, with ``programs_key()``.
    eligible_programs_key = models.TextField(default="", blank=True, editable=False)
    min_year_of_study = models.PositiveSmallIntegerField(null=True, blank=True)
    max_year_of_study = models.PositiveSmallIntegerField(null=True, blank=True)
    application_deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.DRAFT,
        db_index=True,
    )
    target_institutions = models.ManyToManyField(  # type: ignore[var-annotated]
        Organization,
        through="OpportunityApproval",
        related_name="targeted_opportunities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(
                name="opportunity_seats_positive", condition=models.Q(seats__gte=1)
            ),
            models.CheckConstraint(
                name="opportunity_dates_ordered",
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
            ),
        ]
        indexes = [
            # Students' list: published postings, newest first.
            models.Index(fields=["status", "-created_at"], name="opportunity_status_created"),
            # PostgreSQL also has an index on (status, application_deadline) for students' home
            # and trigram indexes for ``q=`` search: migration 0003.
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.eligible_programs_key = programs_key(self.eligible_programs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "eligible_programs" in update_fields:
            kwargs["update_fields"] = {*update_fields, "eligible_programs_key"}
        super().save(*args, **kwargs)


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class OpportunityApproval(PublicModel):
    """One institution's decision on one posting; students see approved postings only."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="approvals")
    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="opportunity_approvals"
    )
    status = models.CharField(
        max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "institution"], name="approval_unique_pair"
            )
        ]
        indexes = [
            models.Index(fields=["institution", "status"]),
            # Students' visibility: the postings one institution approved, from the index alone.
            models.Index(
                fields=["institution", "status", "opportunity"], name="approval_inst_status_opp"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.opportunity}: {self.status}"


class PayPeriod(models.TextChoices):
    """What ``pay_amount`` is per. Kept as a vocabulary for forms and validation."""

    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")
    TOTAL = "total", _("in total")
