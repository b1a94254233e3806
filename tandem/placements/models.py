"""Placements: what must be in order before a placement starts (clearances), and the hours a
student works on it.

Personal data: clearance evidence files and their verification (about one student), hours
entries (date, hours, activity), expiry reminders sent to the student; learning agreements
(their content, the signed PDF, a decline reason) and their signatures (signer names, times).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.applications.models import Application
from tandem.core.models import PublicModel
from tandem.opportunities.models import OpportunityType
from tandem.organizations.models import Organization, Site

from .compliance import adult_on as eighteenth_birthday


class ClearanceKind(models.TextChoices):
    BACKGROUND_CHECK = "background_check", _("Background check")
    IMMUNISATION = "immunisation", _("Immunisation record")
    SAFETY_TRAINING = "safety_training", _("Health and safety training")
    INSURANCE = "insurance", _("Insurance certificate")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality agreement")
    GUARDIAN_CONSENT = "guardian_consent", _("Guardian consent (minors)")


class ClearanceRequirement(PublicModel):
    """A clearance an institution asks of its students before a placement starts; it applies
    to every placement of the institution's students, or only to those with one partner, at
    one site, or of one type (each narrowing optional)."""

    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="clearance_requirements"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ClearanceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    partner = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for placements with this partner"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only at this site"),
    )
    opportunity_type = models.CharField(
        _("only for this placement type"),
        max_length=20,
        choices=OpportunityType.choices,
        blank=True,
    )
    evidence_required = models.BooleanField(_("evidence must be uploaded"), default=True)
    validity_days = models.PositiveIntegerField(
        _("valid for (days after verification)"), null=True, blank=True
    )
    host_may_verify = models.BooleanField(_("host staff may verify"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["institution_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                name="clearance_requirement_kind_valid",
                condition=models.Q(kind__in=ClearanceKind.values),
            ),
            models.CheckConstraint(
                name="clearance_requirement_validity_positive",
                condition=models.Q(validity_days__isnull=True) | models.Q(validity_days__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClearanceStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def evidence_upload_to(instance: Clearance, filename: str) -> str:
    """A random name under ``MEDIA_ROOT/clearances/``; served only by a permission-checked
    view (there is no public media route)."""
    extension = filename.rsplit(".", 1)[-1][:5] if "." in filename else "bin"
    return f"clearances/{uuid.uuid4().hex}.{extension}"


class Clearance(PublicModel):
    """One student's record for one requirement on one placement (application).

    Personal data: the evidence file, its verification, the rejection reason."""

    requirement = models.ForeignKey(
        ClearanceRequirement, on_delete=models.PROTECT, related_name="clearances"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="clearances"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ClearanceStatus.choices, db_index=True
    )
    evidence = models.FileField(_("evidence"), upload_to=evidence_upload_to, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["requirement__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "application"], name="clearance_one_per_requirement"
            ),
            models.CheckConstraint(
                name="clearance_status_valid",
                condition=models.Q(status__in=ClearanceStatus.values),
            ),
            models.CheckConstraint(
                name="clearance_rejection_has_reason",
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement} ({self.status})"


class ClearanceReminder(models.Model):
    """A reminder sent before a clearance expires: one per clearance and expiry date, so
    that the daily run never sends it twice."""

    clearance = models.ForeignKey(Clearance, on_delete=models.CASCADE, related_name="reminders")
    expires_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clearance", "expires_on"], name="clearance_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clearance_id} before {self.expires_on}"


class PlacementTerms(PublicModel):
    """The dates and required hours of one placement, set by the institution's coordinator.
    Without them the opportunity's dates apply and no hours are required."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="placement_terms"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    required_hours = models.DecimalField(
        _("required hours"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="placement_terms_dates_ordered",
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
            ),
            models.CheckConstraint(
                name="placement_terms_hours_positive",
                condition=models.Q(required_hours__isnull=True) | models.Q(required_hours__gt=0),
            ),
        ]


class HoursStatus(models.TextChoices):
    LOGGED = "logged", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")


class HoursEntry(PublicModel):
    """Time a student worked on a placement, approved (then locked) or returned by a
    workplace supervisor of the host.

    Personal data: the date, hours and activity of one student's work."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="hours_entries"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    activity = models.CharField(_("activity"), max_length=500)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=HoursStatus.choices,
        default=HoursStatus.LOGGED,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="hours_entry_hours_in_day",
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
            ),
            models.CheckConstraint(
                name="hours_entry_status_valid",
                condition=models.Q(status__in=HoursStatus.values),
            ),
        ]
        indexes = [models.Index(fields=["application", "date"], name="hours_entry_app_date_idx")]

    def __str__(self) -> str:
        return f"{self.date}: {self.hours} h"


class HoursApprovalLink(PublicModel):
    """A link e-mailed to a host supervisor to approve or return one placement's waiting hours
    without an account (docs/placements.md "Approving hours from a link").

    Only a SHA-256 hash of the random token is stored; the link is bound to the placement and
    the supervisor's e-mail, expires, can be revoked, and grants nothing else.

    Personal data: the supervisor's e-mail (not the student's); cascades with the placement."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="hours_links"
    )
    email = models.EmailField(_("supervisor's e-mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"hours link for placement {self.application_id}"


# --- Learning agreements (docs/placements.md "Learning agreements", ADR 0018) -----------------
class SignerRole(models.TextChoices):
    """Who signs a step of a learning agreement: the student, a workplace supervisor of the
    host, an educator (faculty) or a coordinator of the student's institution."""

    STUDENT = "student", _("Student")
    SUPERVISOR = "supervisor", _("Host supervisor")
    EDUCATOR = "educator", _("Faculty / educator")
    COORDINATOR = "coordinator", _("Coordinator")


class AgreementSection(models.TextChoices):
    OBJECTIVES = "objectives", _("Learning objectives")
    HOURS = "hours", _("Hours")
    DATES = "dates", _("Dates")
    SITE = "site", _("Site")
    SUPERVISOR = "supervisor", _("Supervisor")
    INSURANCE = "insurance", _("Insurance")
    STIPEND = "stipend", _("Stipend")
    MINORS = "minors", _("Minors' terms")
    CLAUSES = "clauses", _("Other clauses")


DEFAULT_SIGNING_ORDER = [
    SignerRole.STUDENT.value,
    SignerRole.SUPERVISOR.value,
    SignerRole.EDUCATOR.value,
    SignerRole.COORDINATOR.value,
]


class AgreementTemplate(PublicModel):
    """An institution's model of a learning agreement, for all its placements or only those
    of one type: the sections it holds, their standard texts, the order of signatures and
    whether a placement may start before its agreement is fully signed."""

    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="agreement_templates"
    )
    name = models.CharField(_("name"), max_length=200)
    opportunity_type = models.CharField(
        _("only for this placement type"),
        max_length=20,
        choices=OpportunityType.choices,
        blank=True,
    )
    sections = models.JSONField(_("sections"), default=list)
    insurance_text = models.TextField(_("insurance"), blank=True)
    stipend_text = models.TextField(_("stipend"), blank=True)
    minors_text = models.TextField(_("minors' terms"), blank=True)
    clauses = models.TextField(_("other clauses"), blank=True)
    signing_order = models.JSONField(_("signing order"), default=list)
    required_before_start = models.BooleanField(
        _("the placement cannot start before the agreement is fully signed"), default=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["institution_id", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def signing_order_labels(self) -> list[str]:
        return [str(SignerRole(r).label) for r in self.signing_order if r in SignerRole.values]


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNING = "signing", _("Out for signature")
    SIGNED = "signed", _("Fully signed")
    SUPERSEDED = "superseded", _("Superseded by an amendment")


def agreement_pdf_upload_to(instance: LearningAgreement, filename: str) -> str:
    """A random name under ``MEDIA_ROOT/agreements/``, served only by a permission-checked
    view."""
    return f"agreements/{uuid.uuid4().hex}.pdf"


class LearningAgreement(PublicModel):
    """One version of a placement's learning agreement. ``content`` is what the parties sign
    (filled from the placement, edited while a draft, frozen once sent); its SHA-256 is
    ``content_hash``. An amendment is a new version; the earlier one is kept, superseded.

    Personal data: the student's name, placement dates, hours and objectives in ``content``;
    the reason a signer declined; the signed PDF."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="learning_agreements"
    )
    template = models.ForeignKey(
        AgreementTemplate, on_delete=models.PROTECT, related_name="agreements"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    content = models.JSONField(default=dict)
    signing_order = models.JSONField(default=list)
    required_before_start = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64, blank=True)
    next_step = models.PositiveSmallIntegerField(default=0)
    #: The role of ``signing_order[next_step]`` while out for signature, else blank (kept so
    #: that "to sign" lists are one query).
    awaiting_role = models.CharField(
        max_length=20, choices=SignerRole.choices, blank=True, db_index=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    turn_started_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    pdf = models.FileField(upload_to=agreement_pdf_upload_to, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["application_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "version"], name="agreement_one_per_version"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=~models.Q(status="superseded"),
                name="agreement_one_current",
            ),
            models.CheckConstraint(
                name="agreement_status_valid",
                condition=models.Q(status__in=AgreementStatus.values),
            ),
            models.CheckConstraint(
                name="agreement_sent_has_hash",
                condition=models.Q(status="draft") | ~models.Q(content_hash=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.version} ({self.status})"


class AgreementSignature(PublicModel):
    """One signature of one agreement version: who, in which role, at which step, when, and
    the hash of the content signed. No IP address is kept.

    Personal data: the signer's name and the time they signed."""

    agreement = models.ForeignKey(
        LearningAgreement, on_delete=models.CASCADE, related_name="signatures"
    )
    step = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20, choices=SignerRole.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signer_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["agreement_id", "step"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "step"], name="agreement_signature_once"),
            models.CheckConstraint(
                name="agreement_signature_role_valid",
                condition=models.Q(role__in=SignerRole.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} #{self.step}"


class AgreementNotice(models.Model):
    """An e-mail sent about a signing step: ``round`` 0 is the "your turn" notice, 1, 2, … the
    reminders of each interval. Unique, so that no notice goes out twice."""

    agreement = models.ForeignKey(
        LearningAgreement, on_delete=models.CASCADE, related_name="notices"
    )
    step = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "step", "round"], name="agreement_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} step {self.step} round {self.round}"


# --- Site visits (issue 15) -------------------------------------------------------------------
class VisitMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class VisitOutcome(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    CONCERNS = "concerns", _("Concerns to follow up")
    AT_RISK = "at_risk", _("Placement at risk")


class SiteVisit(PublicModel):
    """A visit (in person or virtual) by faculty of the student's institution to a placement.

    Personal data: the notes and outcome about one student's placement."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="site_visits"
    )
    mode = models.CharField(_("kind of visit"), max_length=20, choices=VisitMode.choices)
    scheduled_at = models.DateTimeField(_("date and time"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    location = models.CharField(_("location"), max_length=300, blank=True)
    link = models.URLField(_("meeting link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_shared = models.BooleanField(
        _("the student and host supervisor may read the notes"), default=False
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=VisitOutcome.choices, blank=True
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="site_visit_mode_valid", condition=models.Q(mode__in=VisitMode.values)
            ),
            models.CheckConstraint(
                name="site_visit_status_valid", condition=models.Q(status__in=VisitStatus.values)
            ),
            models.CheckConstraint(
                name="site_visit_where",
                condition=(models.Q(mode="in_person") & ~models.Q(location=""))
                | (models.Q(mode="virtual") & ~models.Q(link="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.scheduled_at:%Y-%m-%d %H:%M}"


# --- Incidents ---------------------------------------------------------------------------------
class IncidentKind(models.TextChoices):
    SAFETY = "safety", _("Safety")
    CONDUCT = "conduct", _("Conduct")


class IncidentSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")


def incident_upload_to(instance: Incident, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1][:5] if "." in filename else "bin"
    return f"incidents/{uuid.uuid4().hex}.{extension}"


class Incident(PublicModel):
    """A safety or conduct incident on a placement, reported by the student, a host
    supervisor or faculty. Kept for the legal retention period: erasing the reporter's
    account pseudonymises them (the reporter link is cut, their name replaced) and keeps the
    facts (docs/decisions/0019).

    Personal data: who reported, what happened, the evidence file."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="incidents")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reporter_name = models.CharField(max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=IncidentSeverity.choices)
    occurred_at = models.DateTimeField(_("when it happened"))
    description = models.TextField(_("what happened"))
    about_supervisor = models.BooleanField(
        _("the report is about the workplace supervisor"), default=False
    )
    evidence = models.FileField(_("evidence"), upload_to=incident_upload_to, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IncidentStatus.choices,
        default=IncidentStatus.OPEN,
        db_index=True,
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="incident_kind_valid", condition=models.Q(kind__in=IncidentKind.values)
            ),
            models.CheckConstraint(
                name="incident_severity_valid",
                condition=models.Q(severity__in=IncidentSeverity.values),
            ),
            models.CheckConstraint(
                name="incident_status_valid", condition=models.Q(status__in=IncidentStatus.values)
            ),
            models.CheckConstraint(
                name="incident_closed_has_resolution",
                condition=~models.Q(status="closed") | ~models.Q(resolution=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.status})"


# --- Minors ------------------------------------------------------------------------------------
class StudentBirthDate(PublicModel):
    """A student's date of birth as their institution records it (private: the institution's
    coordinators and the student only). Used to tell whether a placement is a minor's.

    Personal data: the date of birth."""

    institution = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    date_of_birth = models.DateField(_("date of birth"))
    #: The 18th birthday (29 February births: 1 March), kept with the date of birth so that
    #: the compliance board can tell a minor's placement in SQL.
    adult_on = models.DateField(editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "student"], name="student_birth_date_once"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.adult_on = eighteenth_birthday(self.date_of_birth)
        super().save(*args, **kwargs)


class MinorsRules(PublicModel):
    """An institution's rules for placements of students under 18, enforced when hours are
    logged (each limit optional)."""

    institution = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="minors_rules"
    )
    max_hours_per_day = models.DecimalField(
        _("most hours a day"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    max_hours_per_week = models.DecimalField(
        _("most hours a week (Monday to Sunday)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="minors_rules_day_range",
                condition=models.Q(max_hours_per_day__isnull=True)
                | (models.Q(max_hours_per_day__gt=0) & models.Q(max_hours_per_day__lte=24)),
            ),
            models.CheckConstraint(
                name="minors_rules_week_range",
                condition=models.Q(max_hours_per_week__isnull=True)
                | (models.Q(max_hours_per_week__gt=0) & models.Q(max_hours_per_week__lte=168)),
            ),
        ]


# --- Employer due diligence --------------------------------------------------------------------
class DiligenceKind(models.TextChoices):
    INSURANCE = "insurance", _("Insurance certificate")
    SAFEGUARDING = "safeguarding", _("Safeguarding policy")
    WBL_AGREEMENT = "wbl_agreement", _("Work-based-learning agreement")


def diligence_upload_to(instance: DiligenceItem, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1][:5] if "." in filename else "bin"
    return f"diligence/{uuid.uuid4().hex}.{extension}"


class DiligenceItem(PublicModel):
    """One item of an institution's due-diligence checklist for a partner (part of the
    partner's vetting): the evidence on file, who verified it, until when it holds."""

    institution = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("item"), max_length=20, choices=DiligenceKind.choices)
    evidence = models.FileField(_("evidence"), upload_to=diligence_upload_to)
    evidence_content_type = models.CharField(max_length=100)
    evidence_name = models.CharField(max_length=200, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verified_at = models.DateTimeField()
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "partner", "kind"], name="diligence_item_once"
            ),
            models.CheckConstraint(
                name="diligence_kind_valid", condition=models.Q(kind__in=DiligenceKind.values)
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
