"""Organizations (institutions and industry partners), their sites, and memberships.

Memberships carry roles and are the root of every permission scope in Tandem.
Personal data: ``Membership`` (a person's role, program and year of study) and ``Invitation``
(an e-mail address invited to a role).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel


class OrganizationKind(models.TextChoices):
    INSTITUTION = "institution", _("Education institution")
    PARTNER = "partner", _("Industry partner")


class OrganizationType(models.TextChoices):
    HIGH_SCHOOL = "high_school", _("High school")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    VOCATIONAL_SCHOOL = "vocational_school", _("Vocational school")
    TRAINING_PROVIDER = "training_provider", _("Training provider")
    COMPANY = "company", _("Company")
    HOSPITAL = "hospital", _("Hospital or clinic")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    PUBLIC_AGENCY = "public_agency", _("Public agency")
    NONPROFIT = "nonprofit", _("Nonprofit")


INSTITUTION_TYPES = frozenset(
    {
        OrganizationType.HIGH_SCHOOL,
        OrganizationType.COLLEGE,
        OrganizationType.UNIVERSITY,
        OrganizationType.VOCATIONAL_SCHOOL,
        OrganizationType.TRAINING_PROVIDER,
    }
)


# Sorted, so that the check constraint below is the same on every run (a frozenset's order
# changes with the interpreter's hash seed, which made makemigrations see a new constraint).
INSTITUTION_TYPE_VALUES = sorted(t.value for t in INSTITUTION_TYPES)


class Sector(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology")
    HEALTH_CARE = "health_care", _("Health care")
    MANUFACTURING = "manufacturing", _("Manufacturing and skilled trades")
    CREATIVE = "creative", _("Creative industries")
    ENERGY = "energy", _("Energy")
    FINANCE = "finance", _("Finance")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    EDUCATION = "education", _("Education")
    CONSTRUCTION = "construction", _("Construction")
    HOSPITALITY = "hospitality", _("Hospitality and tourism")
    LOGISTICS = "logistics", _("Transport and logistics")
    AGRICULTURE = "agriculture", _("Agriculture and food")
    OTHER = "other", _("Other")


class StudentMessaging(models.TextChoices):
    """Who, besides the students themselves, may start a conversation with an institution's
    students (docs/notifications.md, "Messaging")."""

    STAFF = "staff", _("Only the institution's coordinators and educators")
    STAFF_AND_RECRUITERS = (
        "staff_and_recruiters",
        _("Also partner recruiters and supervisors, about the students' own applications"),
    )


class Organization(PublicModel):
    """An education institution or an industry partner."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    type = models.CharField(_("type"), max_length=30, choices=OrganizationType.choices)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="GB")
    # Set by the institution's coordinators (organization_mfa_policy_set): its coordinators
    # and educators must set up two-factor authentication before anything else.
    require_mfa_for_staff = models.BooleanField(
        _("require two-factor authentication for staff"), default=False
    )
    # Set by the institution's coordinators (organization_student_messaging_set).
    student_messaging = models.CharField(
        _("who may start a conversation with a student"),
        max_length=30,
        choices=StudentMessaging.choices,
        default=StudentMessaging.STAFF_AND_RECRUITERS,
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="organization_kind_matches_type",
                condition=(
                    models.Q(
                        kind="institution",
                        type__in=INSTITUTION_TYPE_VALUES,
                    )
                    | (models.Q(kind="partner") & ~models.Q(type__in=INSTITUTION_TYPE_VALUES))
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_institution(self) -> bool:
        return self.kind == OrganizationKind.INSTITUTION

    @property
    def is_partner(self) -> bool:
        return self.kind == OrganizationKind.PARTNER


class Site(PublicModel):
    """A place where an organization works: a campus, a plant, a hospital ward."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, default="GB")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "name"]

    def __str__(self) -> str:
        return f"{self.organization.name} — {self.name}"


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    EDUCATOR = "educator", _("Educator")
    COORDINATOR = "coordinator", _("Career-office coordinator")
    RECRUITER = "recruiter", _("Partner recruiter")
    SUPERVISOR = "supervisor", _("Workplace supervisor")
    MENTOR = "mentor", _("Mentor")
    FUNDER = "funder", _("Funder or government officer")


INSTITUTION_ROLES = frozenset({Role.STUDENT, Role.EDUCATOR, Role.COORDINATOR})
# A funder or government officer belongs to a partner organization (an agency, a fund).
PARTNER_ROLES = frozenset({Role.RECRUITER, Role.SUPERVISOR, Role.MENTOR, Role.FUNDER})


class Membership(PublicModel):
    """A person's role in one organization. One person may hold several memberships.

    Personal data: the link itself, program, year of study, title, completion date.

    ``completed_on`` is the day a student completed their program of study here (recorded by
    the institution's coordinators); the graduate first-destination survey goes out 182 days
    later (see ``tandem.surveys.triggers``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    program = models.CharField(_("program of study"), max_length=200, blank=True)
    year_of_study = models.PositiveSmallIntegerField(_("year of study"), null=True, blank=True)
    completed_on = models.DateField(_("program completed on"), null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                name="membership_year_of_study_range",
                condition=models.Q(year_of_study__isnull=True)
                | models.Q(year_of_study__gte=1, year_of_study__lte=10),
            ),
            models.CheckConstraint(
                name="membership_completion_only_for_students",
                condition=models.Q(completed_on__isnull=True) | models.Q(role="student"),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "role"]),
            models.Index(fields=["completed_on"], name="membership_completed_on"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organization}"


class VettingStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PartnerVetting(PublicModel):
    """An institution's decision on whether a partner may reach its students."""

    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partner_vettings"
    )
    partner = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="institution_vettings"
    )
    status = models.CharField(
        max_length=20, choices=VettingStatus.choices, default=VettingStatus.PENDING
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
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "partner"], name="vetting_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.institution} vets {self.partner}: {self.status}"


INVITATION_DAYS = 14


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Invitation(PublicModel):
    """An organization's offer of a role to an e-mail address. Nothing of the person is
    visible to the organization until they accept: only then is a ``Membership`` created.

    Personal data: email, and the role, title, program and year of study offered.

    The secret in the e-mailed link is derived from ``token_nonce`` with the site's secret key;
    only its SHA-256 hash is stored (``token_hash``), so a copy of the database alone opens no
    invitation. Re-sending draws a new nonce, which invalidates the old link.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    program = models.CharField(_("program of study"), max_length=200, blank=True)
    year_of_study = models.PositiveSmallIntegerField(_("year of study"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token_nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email", "role"],
                condition=models.Q(
                    accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
                ),
                name="invitation_unique_open",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="invitation_email")]

    def __str__(self) -> str:
        # No e-mail address here: this label is copied into the audit trail.
        return f"Invitation to {self.organization} as {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        """Neither accepted, declined nor revoked (it may still have expired)."""
        return self.accepted_at is None and self.declined_at is None and self.revoked_at is None

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.declined_at is not None:
            return InvitationStatus.DECLINED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def status_label(self) -> str:
        return str(InvitationStatus(self.status).label)

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING


SIGNUP_DAYS = 3


class PartnerSignup(PublicModel):
    """A company's request to join Tandem as an industry partner, made on the public sign-up
    page. Nothing exists for it (no account, no organization) until the signer opens the link
    e-mailed to their address; then the account, the partner organization, its sites and one
    vetting request per chosen institution are created. ``flags`` are the scam signs found
    (free-mail address, address domain not the website's, odd domain), shown to the
    institutions' coordinators when they vet.

    Personal data: email, full_name (and the password hash, until verification).
    """

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200)
    password_hash = models.CharField(max_length=128, editable=False)
    name = models.CharField(_("organization name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    website = models.URLField(_("website"))
    sites = models.TextField(_("sites"), blank=True)
    institutions = models.ManyToManyField(Organization, related_name="+")
    flags = models.JSONField(default=list, blank=True)
    token_nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    partner = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"], name="partner_signup_email")]

    def __str__(self) -> str:
        # No e-mail address here: this label is copied into the audit trail.
        return f"Partner sign-up of {self.name}"
