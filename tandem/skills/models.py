"""The ESCO taxonomy in the database: concepts, their labels, the hierarchy, occupations.

ESCO URIs are the identifiers exchanged with the outside world; the ESCO UUID at the end of
each URI identifies a concept in Tandem's URLs. No personal data here. Rows are written only
by :func:`tandem.skills.services.esco_load`.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel


class EscoRelease(TimeStampedModel):
    """One load of ESCO into the database: which version, from which packages, how much."""

    version = models.CharField(max_length=40)
    source = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=32, db_index=True)
    concept_count = models.PositiveIntegerField()
    label_count = models.PositiveIntegerField()
    group_count = models.PositiveIntegerField()
    occupation_count = models.PositiveIntegerField()
    recovered_label_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"ESCO {self.version} ({self.concept_count} concepts)"


class SkillGroup(models.Model):
    """A node of the ESCO skill hierarchy (e.g. S1 "communication, collaboration and
    creativity" → S1.4 "presenting information" → S1.4.1)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=255)
    level = models.PositiveSmallIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SkillKind(models.TextChoices):
    SKILL = "skill", _("Skill or competence")
    KNOWLEDGE = "knowledge", _("Knowledge")
    TRANSVERSAL = "transversal", _("Transversal skill")
    LANGUAGE = "language", _("Language")
    ATTITUDE = "attitude", _("Attitude or value")
    UNPLACED = "", _("Not placed in the hierarchy")


class SkillConcept(models.Model):
    """An ESCO skill or knowledge concept."""

    uri = models.URLField(max_length=200, unique=True)
    esco_id = models.UUIDField(unique=True)
    preferred_label = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(max_length=20, choices=SkillKind.choices, blank=True)
    description = models.TextField(blank=True)
    # ojd | label-file: where the official preferred label came from (see docs/skills.md).
    label_source = models.CharField(max_length=20, default="ojd")
    is_current = models.BooleanField(default=True)
    groups = models.ManyToManyField(SkillGroup, related_name="concepts", blank=True)

    class Meta:
        ordering = ["preferred_label"]
        indexes = [
            # Concepts with the same label as one held, whatever the case (profiles' reach of
            # a student's skills): an index lookup a label instead of upper() on every row.
            models.Index(Upper("preferred_label"), name="skill_concept_label_upper"),
        ]

    def __str__(self) -> str:
        return self.preferred_label


class SkillLabel(models.Model):
    """A preferred or alternative label of a concept; ``search`` is its folded form."""

    concept = models.ForeignKey(SkillConcept, on_delete=models.CASCADE, related_name="labels")
    label = models.CharField(max_length=500)
    search = models.CharField(max_length=500, db_index=True)
    is_preferred = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_preferred", "label"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "label"], name="skills_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Occupation(models.Model):
    """An ESCO occupation; ``text`` holds its labels and description as ESCO ships them."""

    uri = models.URLField(max_length=200, unique=True)
    esco_id = models.UUIDField(unique=True)
    preferred_label = models.CharField(max_length=255, db_index=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["preferred_label"]

    def __str__(self) -> str:
        return self.preferred_label


class OpportunityDemand(models.Model):
    """The skills extracted from a platform opportunity (title, description, skills wanted),
    kept until its text changes: ``fingerprint`` is the SHA-256 of that text. Written only by
    :mod:`tandem.skills.services.opportunities` (in the background when an opportunity
    changes, and by batch extraction jobs); read by the gap report and "For you". The table
    keeps the name it had when the curricula app owned it. No personal data."""

    opportunity = models.OneToOneField(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    skills = models.JSONField(default=list, blank=True)  # ESCO URIs, best first
    mode = models.CharField(max_length=10, default="lexical")  # the extractor mode used

    class Meta:
        db_table = "curricula_opportunitydemand"

    def __str__(self) -> str:
        return f"skills of opportunity {self.opportunity_id}"


class OpportunitySkill(models.Model):
    """The inverted index of :class:`OpportunityDemand`: one row per (opportunity, concept),
    indexed by concept, so that the opportunities asking for a student's skills are found by
    a join in the database instead of by reading every opportunity's list. Rewritten with its
    :class:`OpportunityDemand` row, never on its own. No personal data."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="+"
    )
    concept = models.ForeignKey(SkillConcept, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(default=0)  # 0 = the extractor's best match

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "concept"], name="skills_opportunity_skill_unique"
            )
        ]
        indexes = [
            models.Index(fields=["concept", "opportunity"], name="skills_oppskill_concept_idx")
        ]

    def __str__(self) -> str:
        return f"opportunity {self.opportunity_id} asks for concept {self.concept_id}"


class SkillExtraction(TimeStampedModel):
    """A request to the "try the extractor" page or ``POST /api/v1/skills/extract`` in a
    semantic mode that runs in the background: the text, then the skills found. Kept for
    :data:`tandem.skills.services.on_demand.KEEP_HOURS` hours (for the person who asked to
    read the result), then deleted; lexical requests answer at once and store nothing.
    Personal data: the text is whatever its author pasted (exported and erased with the
    account). Written only by :mod:`tandem.skills.services.on_demand`."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(unique=True, editable=False)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="skill_extractions"
    )
    text = models.TextField()
    mode = models.CharField(max_length=10)
    limit = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    skills = models.JSONField(default=list, blank=True)  # as the API answers them
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["requested_by", "created_at"], name="skills_extr_user_idx")]

    def __str__(self) -> str:
        return f"skill extraction {self.public_id} ({self.status})"
