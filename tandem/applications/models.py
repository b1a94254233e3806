"""Applications: a student's path from submission to completed placement.

Personal data: the statement, the CV file, stage history, the recorded outcome after the
placement (hired or not, start date, job title), all about one student.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization


class Stage(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer made")
    ACCEPTED = "accepted", _("Offer accepted")
    DECLINED = "declined", _("Offer declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Not selected")
    PLACED = "placed", _("Placed")
    COMPLETED = "completed", _("Completed")


# Stages that hold one of the opportunity's seats.
SEAT_HOLDING_STAGES = frozenset({Stage.ACCEPTED, Stage.PLACED, Stage.COMPLETED})
# Stages that end an application without a placement.
CLOSED_STAGES = frozenset({Stage.DECLINED, Stage.WITHDRAWN, Stage.REJECTED})


class HireOutcome(models.TextChoices):
    """What became of a completed placement, as recorded by the host or the institution."""

    HIRED = "hired", _("Hired (job offer accepted)")
    NOT_HIRED = "not_hired", _("Not hired")


def stage_tone(stage: str) -> str:
    """A CSS badge class for a stage: ok (a seat), bad (ended without one), or neutral."""
    if stage in SEAT_HOLDING_STAGES:
        return "badge-ok"
    if stage in CLOSED_STAGES:
        return "badge-bad"
    return ""


def cv_upload_to(instance: Application, filename: str) -> str:
    """A random file name under ``MEDIA_ROOT/cvs/``: it reveals neither the student's name, the
    uploaded file name nor the application's public id. Files are served only by the
    permission-checked download view."""
    return f"cvs/{uuid.uuid4().hex}.pdf"


class Application(PublicModel):
    """A student's application to one opportunity, through their institution."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="applications"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    institution = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="student_applications"
    )
    statement = models.TextField(_("personal statement"))
    cv = models.FileField(_("CV"), upload_to=cv_upload_to, blank=True)
    cv_content_type = models.CharField(max_length=100, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.SUBMITTED, db_index=True
    )
    stage_changed_at = models.DateTimeField(auto_now_add=True)
    # The latest recorded outcome (blank: none yet); details and history in HireRecord.
    hire_outcome = models.CharField(
        _("outcome after the placement"),
        max_length=20,
        choices=HireOutcome.choices,
        blank=True,
        default="",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="application_hire_outcome_valid",
                condition=models.Q(hire_outcome__in=["", *HireOutcome.values]),
            ),
            models.CheckConstraint(
                name="application_hire_outcome_only_when_completed",
                condition=models.Q(hire_outcome="") | models.Q(stage="completed"),
            ),
            models.UniqueConstraint(
                fields=["opportunity", "student"], name="application_one_per_student"
            ),
            models.CheckConstraint(
                name="application_stage_valid",
                condition=models.Q(stage__in=[s.value for s in Stage]),
            ),
        ]
        indexes = [
            # Seat counts lock the opportunity and count its seat-holding applications.
            models.Index(fields=["opportunity", "stage"], name="application_opp_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.opportunity}"

    @property
    def stage_tone(self) -> str:
        return stage_tone(self.stage)


class StageChange(models.Model):
    """History of an application's stages: who moved it, from where to where, when."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class RecordedBy(models.TextChoices):
    HOST = "host", _("Host organization")
    INSTITUTION = "institution", _("Institution")


class HireRecord(models.Model):
    """One recording (or correction) of what became of a completed placement. Append-only:
    the latest row is the current outcome (copied to :attr:`Application.hire_outcome`).

    Personal data: the outcome, start date, job title and note are about the student.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="hire_records"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=HireOutcome.choices)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.CharField(max_length=20, choices=RecordedBy.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="hire_record_outcome_valid",
                condition=models.Q(outcome__in=HireOutcome.values),
            ),
            models.CheckConstraint(
                name="hire_record_start_date_iff_hired",
                condition=(
                    models.Q(outcome="hired", start_date__isnull=False)
                    | models.Q(outcome="not_hired", start_date__isnull=True, job_title="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"
