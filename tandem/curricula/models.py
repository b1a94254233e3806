"""Programs → courses → learning outcomes, owned by an institution, and the mapping of each
outcome to ESCO skills (suggested by the extractor, confirmed or rejected by an educator).

No personal data apart from ``decided_by`` on a mapping (a staff member's account, kept for
accountability like an audit actor; erasure sets it to NULL).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel

MAX_OUTCOME_LENGTH = 2000  # characters of a learning outcome
MAX_NOTE_LENGTH = 4000  # characters of a comment or a partner's note


class Program(PublicModel):
    """A degree or certificate program of one institution (e.g. "BSc Data Science")."""

    institution = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="programs"
    )
    title = models.CharField(_("title"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "title"], name="curricula_program_title_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Course(PublicModel):
    """A course within a program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(_("title"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "title"], name="curricula_course_title_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class LearningOutcome(PublicModel):
    """One learning outcome of a course ("Students can build a data pipeline in Python")."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField(
        _("outcome"),
        max_length=MAX_OUTCOME_LENGTH,
        validators=[MaxLengthValidator(MAX_OUTCOME_LENGTH)],
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class MappingStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class MappingSource(models.TextChoices):
    EXTRACTOR = "extractor", _("Suggested by the extractor")
    EDUCATOR = "educator", _("Added by an educator")


class OutcomeSkill(PublicModel):
    """An outcome ↔ ESCO skill link. Only ``confirmed`` links count as taught (supply)."""

    outcome = models.ForeignKey(
        LearningOutcome, on_delete=models.CASCADE, related_name="skill_links"
    )
    concept = models.ForeignKey(
        "skills.SkillConcept", on_delete=models.PROTECT, related_name="outcome_links"
    )
    status = models.CharField(
        max_length=12, choices=MappingStatus.choices, default=MappingStatus.SUGGESTED
    )
    source = models.CharField(
        max_length=12, choices=MappingSource.choices, default=MappingSource.EXTRACTOR
    )
    score = models.FloatField(null=True, blank=True)
    spans = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "concept"], name="curricula_outcome_concept_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["suggested", "confirmed", "rejected"]),
                name="curricula_outcomeskill_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome_id} → {self.concept_id} ({self.status})"


# --- Co-development with industry partners --------------------------------------------------
class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the educator")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class OutcomeComment(PublicModel):
    """A partner's (or educator's) comment on a learning outcome.

    Personal data: ``author`` and ``body`` (written by a person).
    """

    outcome = models.ForeignKey(LearningOutcome, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(
        _("comment"), max_length=MAX_NOTE_LENGTH, validators=[MaxLengthValidator(MAX_NOTE_LENGTH)]
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:80]


class SkillProposal(PublicModel):
    """A partner proposes that an outcome teach an ESCO skill; the educator decides.

    Personal data: ``proposed_by``, ``decided_by`` and ``note``.
    """

    outcome = models.ForeignKey(LearningOutcome, on_delete=models.CASCADE, related_name="proposals")
    concept = models.ForeignKey("skills.SkillConcept", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(
        _("why"),
        blank=True,
        max_length=MAX_NOTE_LENGTH,
        validators=[MaxLengthValidator(MAX_NOTE_LENGTH)],
    )
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "concept", "organization"],
                condition=models.Q(status="pending"),
                name="curricula_one_pending_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.concept_id} for {self.outcome_id} ({self.status})"


class CourseEndorsement(PublicModel):
    """A partner organization endorses a course as relevant to its industry.

    Personal data: ``endorsed_by`` and ``note``.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="endorsements")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=MAX_NOTE_LENGTH,
        validators=[MaxLengthValidator(MAX_NOTE_LENGTH)],
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "organization"], name="curricula_one_endorsement_per_partner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} endorses {self.course_id}"


# --- Demand: imported job postings and platform opportunities -------------------------------
class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Extracting skills")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PostingImport(PublicModel):
    """One upload of job postings (CSV or schema.org JobPosting JSON-LD) by an institution,
    with the progress of the background skill extraction.

    Personal data: ``created_by``.
    """

    institution = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="posting_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=10)  # csv | jsonld
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"line": n, "message": "…"}]

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed__lte=models.F("total")),
                name="curricula_import_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 100


class JobPosting(models.Model):
    """An imported job posting (demand data; no personal data). ``skills`` holds the ESCO
    URIs the extractor found, filled in by the background job."""

    batch = models.ForeignKey(PostingImport, on_delete=models.CASCADE, related_name="postings")
    institution = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    line = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True, db_index=True)
    sector = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    occupation = models.CharField(max_length=200, blank=True)
    skills = models.JSONField(default=list, blank=True)
    extracted = models.BooleanField(default=False)

    class Meta:
        ordering = ["batch_id", "line"]
        indexes = [models.Index(fields=["institution", "extracted"])]

    def __str__(self) -> str:
        return self.title


# --- Batch skill extraction jobs ------------------------------------------------------------
class ExtractionScope(models.TextChoices):
    OPPORTUNITIES = "opportunities", _("All platform opportunities (demand)")
    OUTCOMES = "outcomes", _("Learning outcomes")
    IMPORT = "import", _("An import of job postings (re-run)")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class ExtractionJob(PublicModel):
    """A background run of the skill extractor over a large batch: the opportunities an
    institution's gap analyses count as demand, the learning outcomes of a program (or of the
    whole institution), or the postings of one import. The worker records the mode it
    actually used and its progress; one job at a time per scope (``scope_key``).

    Personal data: ``requested_by``.
    """

    institution = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="extraction_jobs"
    )
    scope = models.CharField(max_length=16, choices=ExtractionScope.choices)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="extraction_jobs"
    )
    posting_import = models.ForeignKey(
        PostingImport,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="extraction_jobs",
    )
    # "outcomes:program:<pk>", "outcomes:institution:<pk>", "opportunities:<pk>", "import:<pk>"
    scope_key = models.CharField(max_length=80, editable=False)
    mode = models.CharField(max_length=10, blank=True)  # set by the worker: lexical | combined
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)  # items whose stored skills changed
    labels_embedded = models.PositiveIntegerField(default=0)  # 0 when the cache was reused
    errors = models.JSONField(default=list, blank=True)  # [{"item": "…", "message": "…"}]
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease (docs/decisions/0004): the worker working on the job ("host:pid:random"; empty
    # between slices) and until when; a live worker renews it, so an active job whose lease
    # has expired lost its worker and is resumed from ``cursor`` by the next one.
    lease_owner = models.CharField(max_length=80, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    cursor = models.PositiveBigIntegerField(default=0)  # last item pk committed (keyset)
    last_item = models.PositiveBigIntegerField(default=0)  # highest item pk when it started
    resumed = models.PositiveIntegerField(default=0)  # times resumed after losing its worker

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="curricula_one_active_extraction_job_per_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(processed__lte=models.F("total")),
                name="curricula_extraction_job_progress_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=["opportunities", "outcomes", "import"]),
                name="curricula_extraction_job_scope_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} job {self.public_id}"

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 100

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES

    @property
    def worker_lost(self) -> bool:
        """Active, but no worker has renewed its lease in time: the worker died (or none is
        running); the next worker resumes it."""
        expires = self.lease_expires_at
        return self.is_active and expires is not None and expires < timezone.now()
