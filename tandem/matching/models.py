"""Match rounds (stable placement matching) and mentor programs (optimal assignment).

A :class:`MatchRound` is opened by an institution's coordinator over published opportunities
approved for that institution. Students rank opportunities (:class:`StudentRanking`), host
staff rank the students who ranked them (:class:`PartnerRanking`), the engine in
``tandem.matching.engine`` computes the student-optimal stable matching, and the outcome is
kept per student in :class:`MatchResult`.

A :class:`MentorProgram` pairs mentees with mentors by the largest total fit score, computed
from :class:`MentorProfile` and :class:`MenteeProfile`; pairs are :class:`MentorPair`.

A person applies to a program (or is nominated) with a :class:`ProgramApplication`; the
coordinator's approval creates their profile.

Personal data: rankings (who ranked whom), results and explanations, mentor/mentee profiles
(skills, interests, goals, availability, languages), applications and pairs.
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
    """draft → open (accepting applications) → running (matching) → matched (pairs under
    review) → published → closed. The transitions are owned by
    :func:`tandem.matching.services.program_settings.program_transition`."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Accepting applications")
    RUNNING = "running", _("Matching")
    MATCHED = "matched", _("Pairs under review")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class MentorSource(models.TextChoices):
    """Who may apply as a mentor."""

    PARTNERS = "partners", _("Staff of the institution's partners")
    INSTITUTION = "institution", _("The institution's own staff")
    BOTH = "both", _("Partners' staff and the institution's own staff")
    INVITED = "invited", _("Invited only (the coordinator nominates mentors)")


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
    # Settings (see docs/mentoring-programs.md)
    goals = models.TextField(_("goals of the program"), blank=True)
    mentee_programmes = models.JSONField(
        _("students of these programmes"), default=list, blank=True
    )  # empty: every programme of the institution
    mentee_min_year = models.PositiveSmallIntegerField(
        _("from year of study"), null=True, blank=True
    )
    mentee_max_year = models.PositiveSmallIntegerField(_("to year of study"), null=True, blank=True)
    mentor_source = models.CharField(
        _("mentors"), max_length=20, choices=MentorSource.choices, default=MentorSource.PARTNERS
    )
    opens_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    closes_at = models.DateTimeField(_("applications close"), null=True, blank=True)
    default_capacity = models.PositiveSmallIntegerField(
        _("mentees per mentor by default"), default=2
    )
    # Matching constraints, set by the coordinator before running
    require_same_institution = models.BooleanField(
        _("mentors from an institution mentor only its students"), default=False
    )
    require_shared_language = models.BooleanField(_("at least one shared language"), default=True)
    min_shared_slots = models.PositiveSmallIntegerField(
        _("overlapping weekly slots at least"), default=1
    )
    weights = models.JSONField(_("weights of the fit score"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="mentor_program_status_valid",
                condition=models.Q(status__in=[s.value for s in ProgramStatus]),
            ),
            models.CheckConstraint(
                name="mentor_program_window_ordered",
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
            ),
            models.CheckConstraint(
                name="mentor_program_default_capacity_range",
                condition=models.Q(default_capacity__gte=1, default_capacity__lte=20),
            ),
            models.CheckConstraint(
                name="mentor_program_min_slots_range",
                condition=models.Q(min_shared_slots__lte=21),
            ),
        ]

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


class ApplicationKind(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class ApplicationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated, waiting for an answer")
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    NOMINATION_DECLINED = "nomination_declined", _("Nomination declined")


class ProgramApplication(PublicModel):
    """A person's application to a mentor program as a mentee or a mentor (or a
    coordinator's nomination of them), with the profile they gave. Approval creates the
    :class:`MenteeProfile` or :class:`MentorProfile` that enters the matching.

    Personal data: who applied, their profile (skills, interests, goals, availability,
    languages, capacity) and the decision's reason.
    """

    program = models.ForeignKey(
        MentorProgram, on_delete=models.CASCADE, related_name="applications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_program_applications",
    )
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("as"), max_length=10, choices=ApplicationKind.choices)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    goals = models.JSONField(_("goals"), default=list, blank=True)
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(_("mentees at most"), null=True, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["program", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user"], name="program_application_one_per_person"
            ),
            models.CheckConstraint(
                name="program_application_capacity_range",
                condition=models.Q(capacity__isnull=True)
                | models.Q(capacity__gte=1, capacity__lte=20),
            ),
            models.CheckConstraint(
                name="program_application_kind_valid",
                condition=models.Q(kind__in=[k.value for k in ApplicationKind]),
            ),
            models.CheckConstraint(
                name="program_application_status_valid",
                condition=models.Q(status__in=[s.value for s in ApplicationStatus]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} → {self.program_id}"
