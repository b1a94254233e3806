"""Match rounds (stable placement matching) and mentor programs (optimal assignment).

A :class:`MatchRound` is opened by an institution's coordinator over published opportunities
approved for that institution. Students rank opportunities (:class:`StudentRanking`), host
staff rank the students who ranked them (:class:`PartnerRanking`), the engine in
``tandem.matching.engine`` computes the student-optimal stable matching, and the outcome is
kept per student in :class:`MatchResult`.

A :class:`MentorProgram` pairs mentees with mentors by the largest total fit score, computed
from :class:`MentorProfile` and :class:`MenteeProfile`; pairs are :class:`MentorPair`.

Personal data: rankings (who ranked whom), results and explanations, mentor/mentee profiles
(skills, interests, goals, availability, languages) and pairs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.applications.models import Application
from tandem.core.models import PublicModel
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Membership, Organization


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for ranking")
    RANKING_CLOSED = "ranking_closed", _("Ranking closed")
    RUNNING = "running", _("Match running")
    MATCHED = "matched", _("Result under review")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Proposing(models.TextChoices):
    STUDENTS = "students", _("Students propose (best for students)")
    PLACEMENTS = "placements", _("Placements propose (best for hosts)")


class MatchRound(PublicModel):
    """A centralized match of one institution's students to a set of opportunities."""

    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="match_rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opportunities = models.ManyToManyField(  # type: ignore[var-annotated]
        Opportunity, related_name="match_rounds", verbose_name=_("opportunities")
    )
    student_deadline = models.DateTimeField(_("student ranking deadline"))
    partner_deadline = models.DateTimeField(_("partner ranking deadline"))
    seed = models.PositiveIntegerField(_("lottery seed"), default=0)
    proposing = models.CharField(
        _("proposing side"), max_length=20, choices=Proposing.choices, default=Proposing.STUDENTS
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    stats = models.JSONField(default=dict, blank=True)
    run_message = models.TextField(blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="match_round_deadlines_ordered",
                condition=models.Q(partner_deadline__gte=models.F("student_deadline")),
            ),
            models.CheckConstraint(
                name="match_round_status_valid",
                condition=models.Q(status__in=[s.value for s in RoundStatus]),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StudentRanking(models.Model):
    """One entry of a student's rank list: ``position`` 1 is their first choice.

    Personal data: the student's preferences.
    """

    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="student_rankings")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_rankings"
    )
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "student", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "student", "opportunity"], name="student_ranking_unique_opp"
            ),
            models.UniqueConstraint(
                fields=["round", "student", "position"], name="student_ranking_unique_position"
            ),
            models.CheckConstraint(
                name="student_ranking_position_positive", condition=models.Q(position__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} #{self.position}: {self.opportunity_id}"


class PartnerRanking(models.Model):
    """One entry of a host's ranking of the students who ranked one opportunity.

    Personal data: how a host ranked a student.
    """

    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="partner_rankings")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField()
    ranked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "opportunity", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "opportunity", "student"], name="partner_ranking_unique_student"
            ),
            models.UniqueConstraint(
                fields=["round", "opportunity", "position"], name="partner_ranking_unique_position"
            ),
            models.CheckConstraint(
                name="partner_ranking_position_positive", condition=models.Q(position__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} #{self.position}: {self.student_id}"


class MatchResult(PublicModel):
    """What one student got in a round: a placement (or none), its rank on their list, and
    the engine's explanation (``explanation`` holds reasons and open seats).

    Personal data: the student's outcome and its explanation.
    """

    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="results")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_results"
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "student_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "student"], name="match_result_one_per_student"
            )
        ]


# --- Mentor programs ----------------------------------------------------------------------
class ProgramStatus(models.TextChoices):
    OPEN = "open", _("Collecting profiles")
    RUNNING = "running", _("Matching")
    MATCHED = "matched", _("Pairs under review")
    PUBLISHED = "published", _("Published")


class MentorProgram(PublicModel):
    """An institution's mentoring program: mentees paired with mentors by total fit."""

    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mentor_programs"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.OPEN
    )
    stats = models.JSONField(default=dict, blank=True)
    run_message = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class _Profile(PublicModel):
    skills = models.JSONField(_("skills"), default=list, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    goals = models.JSONField(_("goals"), default=list, blank=True)
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)

    class Meta:
        abstract = True


class MentorProfile(_Profile):
    """A mentor in a program (a mentor membership) and what they offer.

    Personal data: skills, interests, goals, availability, languages.
    """

    program = models.ForeignKey(MentorProgram, on_delete=models.CASCADE, related_name="mentors")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    capacity = models.PositiveSmallIntegerField(_("mentees at most"), default=1)

    class Meta:
        ordering = ["program", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "membership"], name="mentor_profile_one_per_program"
            ),
            models.CheckConstraint(
                name="mentor_profile_capacity_range",
                condition=models.Q(capacity__gte=1, capacity__lte=20),
            ),
        ]


class MenteeProfile(_Profile):
    """A mentee (a student of the program's institution) and what they look for.

    Personal data: skills, interests, goals, availability, languages.
    """

    program = models.ForeignKey(MentorProgram, on_delete=models.CASCADE, related_name="mentees")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["program", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "student"], name="mentee_profile_one_per_program"
            )
        ]


class MentorPair(PublicModel):
    """One mentee paired with one mentor, with the fit score and its reasons.

    Personal data: who mentors whom, and why.
    """

    program = models.ForeignKey(MentorProgram, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(MenteeProfile, on_delete=models.CASCADE, related_name="pairs")
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["program", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["program", "mentee"], name="mentor_pair_one_per_mentee")
        ]
