"""Student skill profiles: completed courses, and the ESCO skills a student has with the
evidence for each (CV, completed course, completed placement, or their own declaration).

Personal data throughout (every row is about one student); see ``services`` for export and
erasure. The raw text of a CV is never stored: only the skills found in it and, for each, a
short excerpt of the CV around the words that matched (the evidence the student sees).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel


class CourseCompletion(PublicModel):
    """A student completed a course of their institution, as recorded by its staff.

    Personal data: the student, the date, the grade, who recorded it.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions"
    )
    course = models.ForeignKey(
        "curricula.Course", on_delete=models.CASCADE, related_name="completions"
    )
    institution = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    completed_on = models.DateField(_("completed on"))
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "course"], name="profiles_one_completion_per_course"
            ),
        ]
        indexes = [models.Index(fields=["institution", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on:%Y-%m-%d})"


class SkillSource(models.TextChoices):
    CV = "cv", _("CV")
    COURSE = "course", _("Completed course")
    PLACEMENT = "placement", _("Completed placement")
    DECLARED = "declared", _("Added by you")


class ProfileSkill(PublicModel):
    """One piece of evidence that a student has an ESCO skill.

    ``course`` is set for source ``course``, ``application`` (the completed placement) for
    ``placement``, ``excerpt`` (a few words of the CV around the match) for ``cv``. Entries
    from courses and placements are recomputed by ``profile_rebuild``; CV entries are replaced
    by each CV upload; declared entries are the student's own.

    Personal data: the whole row.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_skills"
    )
    concept = models.ForeignKey(
        "skills.SkillConcept", on_delete=models.PROTECT, related_name="profile_entries"
    )
    source = models.CharField(max_length=10, choices=SkillSource.choices)
    course = models.ForeignKey(
        "curricula.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    excerpt = models.CharField(max_length=300, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["concept__preferred_label", "source", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=["cv", "course", "placement", "declared"]),
                name="profiles_skill_source_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(source="course", course__isnull=False, application__isnull=True)
                    | models.Q(source="placement", application__isnull=False, course__isnull=True)
                    | models.Q(
                        source__in=["cv", "declared"], course__isnull=True, application__isnull=True
                    )
                ),
                name="profiles_skill_evidence_matches_source",
            ),
            models.UniqueConstraint(
                fields=["student", "concept", "course"],
                condition=models.Q(source="course"),
                name="profiles_skill_once_per_course",
            ),
            models.UniqueConstraint(
                fields=["student", "concept", "application"],
                condition=models.Q(source="placement"),
                name="profiles_skill_once_per_placement",
            ),
            models.UniqueConstraint(
                fields=["student", "concept", "source"],
                condition=models.Q(source__in=["cv", "declared"]),
                name="profiles_skill_once_per_cv_or_declared",
            ),
        ]
        indexes = [models.Index(fields=["student", "source"])]

    def __str__(self) -> str:
        return f"{self.concept_id} ({self.source})"


class RemovedSkill(PublicModel):
    """A skill the student removed from their profile: hidden whatever the evidence, and kept
    across rebuilds until the student adds the skill again.

    Personal data: the whole row.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="removed_skills"
    )
    concept = models.ForeignKey("skills.SkillConcept", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "concept"], name="profiles_removed_skill_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.concept_id} removed"


class StudentRanking(models.Model):
    """A student's "For you" ranking, computed in the background
    (``services.recommendations``): the best-fitting opportunities they could see when it
    was computed, at most ``RANKED_STORED``, best first, as ``[opportunity id, score in
    thousandths, skills matched in full]`` — the reasons (which skills, which courses) are
    worked out for the page shown. ``skills_key`` is the fingerprint of the skills and student
    memberships it was computed from (``selectors.ranking_key``): the page uses the row only
    while it matches the student's now, and re-checks each posting's visibility when it
    reads it.

    Personal data: the whole row (derived from the student's skills).
    """

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    entries = models.JSONField(default=list)
    skills_key = models.CharField(max_length=16)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"ranking of {self.student_id} ({len(self.entries)})"
