"""Partnerships between institutions and industry partners.

Objectives, KPIs, commitments, contacts, communication and documents hang off a partnership.
Personal data: contacts (names, e-mail addresses and roles of staff), communication notes and
action items (free text about people), the users linked as owners, authors and uploaders.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.organizations.models import Organization

from . import kpi_status as kpi_rules
from . import lifecycle


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
    note = models.TextField(blank=True)
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


class Objective(PublicModel):
    """Something the partners want to achieve together, measured by KPIs."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )

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
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
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


class CommitmentKind(models.TextChoices):
    FUNDING = "funding", _("Funding")
    STAFF_HOURS = "staff_hours", _("Staff hours")
    EQUIPMENT = "equipment", _("Equipment")
    PLACES = "places", _("Placement places")


class Commitment(PublicModel):
    """What one organization of the partnership promises to contribute.

    Funding is an ``amount`` in an ISO 4217 ``currency``; every other kind is a ``quantity``.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="commitments"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommitmentKind.choices)
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="commitment_measure_matches_kind",
                condition=(
                    models.Q(
                        kind="funding",
                        amount__isnull=False,
                        amount__gt=0,
                        quantity__isnull=True,
                    )
                    & ~models.Q(currency="")
                    | (
                        ~models.Q(kind="funding")
                        & models.Q(quantity__isnull=False, quantity__gt=0, amount__isnull=True)
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.description}"

    @property
    def is_funding(self) -> bool:
        return self.kind == CommitmentKind.FUNDING

    @property
    def promised(self) -> Decimal | None:
        return self.amount if self.is_funding else self.quantity


class CommitmentDelivery(PublicModel):
    """Part (or all) of a commitment delivered on a date."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="deliveries")
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    delivered_on = models.DateField(_("delivered on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["delivered_on", "id"]
        verbose_name_plural = "commitment deliveries"
        constraints = [
            models.CheckConstraint(
                name="delivery_has_one_positive_measure",
                condition=models.Q(amount__gt=0, quantity__isnull=True)
                | models.Q(quantity__gt=0, amount__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.amount or self.quantity} on {self.delivered_on}"


class PartnershipContact(PublicModel):
    """A person to talk to on one side of the partnership: a user, or a name and e-mail.

    Personal data: name, e-mail, role title, user link.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contacts")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partnership_contacts",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    role_title = models.CharField(_("role or title"), max_length=120, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["organization__name", "-is_primary", "name", "id"]
        constraints = [
            models.CheckConstraint(
                name="contact_user_or_name_and_email",
                condition=models.Q(user__isnull=False) | (~models.Q(name="") & ~models.Q(email="")),
            ),
            models.UniqueConstraint(
                fields=["partnership", "organization"],
                condition=models.Q(is_primary=True),
                name="contact_one_primary_per_side",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            return str(self.user)
        return self.name

    @property
    def display_email(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.email
        return self.email


class CommunicationKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    DECISION = "decision", _("Decision")
    NOTE = "note", _("Note")
    CALL = "call", _("Call")


class CommunicationEntry(PublicModel):
    """One entry in the partnership's communication record. Personal data: free text."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="communications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommunicationKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "communication entries"

    def __str__(self) -> str:
        return self.title


class ActionItem(PublicModel):
    """A follow-up someone owns, optionally arising from a communication entry."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="action_items"
    )
    entry = models.ForeignKey(
        CommunicationEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    description = models.CharField(_("description"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due_date", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement")
    MOU = "mou", _("Memorandum of understanding")
    OTHER = "other", _("Other")


def document_upload_to(instance: PartnershipDocument, filename: str) -> str:
    """A random name under ``partnerships/``; only the detected extension is kept."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"partnerships/{uuid.uuid4().hex}{suffix}"


class PartnershipDocument(PublicModel):
    """An agreement, MOU or other file, stored outside the web root and served by a view."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
