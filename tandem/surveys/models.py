"""Surveys: versioned questionnaires, invitations (signed-in or by signed link), responses.

A survey belongs to one institution. Its wording lives in numbered ``SurveyVersion`` rows;
a published version is frozen, and editing it first copies it into a new draft, so every
answer points at the exact question text it answered.

Personal data: ``SurveyInvitation`` (recipient user, name and e-mail), ``SurveyResponse``
(respondent link, only for surveys that are not anonymous) and its ``Answer`` rows.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.organizations.models import Organization


class Audience(models.TextChoices):
    STUDENTS = "students", _("Students")
    SUPERVISORS = "supervisors", _("Workplace supervisors")
    MENTORS = "mentors", _("Mentors")
    MENTEES = "mentees", _("Mentees")
    INSTITUTION_CONTACTS = "institution_contacts", _("Institution contacts")
    PARTNER_CONTACTS = "partner_contacts", _("Partner contacts")
    EMPLOYERS = "employers", _("Employers")
    GRADUATES = "graduates", _("Graduates")
    OTHER = "other", _("Other")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionType(models.TextChoices):
    LIKERT = "likert", _("Agreement scale (1–5)")
    NPS = "nps", _("Recommendation score (0–10)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")
    SKILLS = "skills", _("Skills observed")


SCALE_BOUNDS = {QuestionType.LIKERT: (1, 5), QuestionType.NPS: (0, 10)}
CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})


class Survey(PublicModel):
    """A questionnaire owned by one institution, sent to one audience."""

    institution = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Responses are not linked to the person who answered."),
    )
    min_responses = models.PositiveSmallIntegerField(
        _("responses needed before results show"), default=5, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    template_key = models.CharField(max_length=60, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="survey_min_responses_positive", condition=models.Q(min_responses__gte=1)
            ),
            models.UniqueConstraint(
                fields=["institution", "template_key"],
                condition=~models.Q(template_key=""),
                name="survey_one_copy_per_template",
            ),
            models.CheckConstraint(
                name="survey_status_valid",
                condition=models.Q(status__in=[s.value for s in SurveyStatus]),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_accepting(self, now: Any = None) -> bool:
        """Open, and not past its closing time."""
        now = now or timezone.now()
        return self.status == SurveyStatus.OPEN and (self.closes_at is None or now < self.closes_at)

    def closed_moment(self) -> Any:
        """When the survey stopped accepting answers (None while it accepts them)."""
        if self.status == SurveyStatus.CLOSED:
            return self.closed_at
        if self.closes_at is not None and timezone.now() >= self.closes_at:
            return self.closes_at
        return None


class SurveyVersion(PublicModel):
    """One wording of a survey. ``published_at`` set: frozen; answers point at its questions."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_number"),
            models.UniqueConstraint(
                fields=["survey"],
                condition=models.Q(published_at__isnull=True),
                name="survey_one_draft_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Section(models.Model):
    """A titled group of questions in one version."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Question(PublicModel):
    """One question. ``key`` is stable across versions; ``condition`` shows it only when
    another question's answer equals (or is in) given values:
    ``{"question": "<key>", "op": "equals"|"in", "values": [...]}``."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=QuestionType.choices)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    options = models.JSONField(_("options"), default=list, blank=True)
    min_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    condition = models.JSONField(_("show only if"), default=dict, blank=True)

    class Meta:
        ordering = ["version", "section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_per_version"),
            models.CheckConstraint(
                name="question_type_valid",
                condition=models.Q(type__in=[t.value for t in QuestionType]),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def scale(self) -> list[int]:
        low, high = SCALE_BOUNDS.get(self.type, (0, -1))  # type: ignore[call-overload]
        return list(range(low, high + 1))

    @property
    def option_values(self) -> list[str]:
        return [str(o["value"]) for o in self.options or []]


LINK_MAX_AGE_DAYS = 30  # a signed link (and an invitation) stays valid this long


def _invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=LINK_MAX_AGE_DAYS)


class SurveyInvitation(PublicModel):
    """An invitation to answer one version: to a user, or to an e-mail address (signed link).

    ``trigger_key`` makes automatic sends idempotent (one invitation per event and person).
    Personal data: user, name, e-mail.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    trigger_key = models.CharField(max_length=120, blank=True)
    subject_label = models.CharField(max_length=300, blank=True)
    skills = models.JSONField(
        default=list,
        blank=True,
        help_text="Extra skills to rate in skills questions (e.g. the placement's skills).",
    )
    expires_at = models.DateTimeField(default=_invitation_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_user_or_email",
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
            ),
            models.UniqueConstraint(
                fields=["survey", "trigger_key"],
                condition=~models.Q(trigger_key=""),
                name="invitation_one_per_trigger",
            ),
        ]
        indexes = [models.Index(fields=["survey", "responded_at"])]

    def __str__(self) -> str:
        return f"{self.survey} → {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.user_id is not None and self.user is not None:
            return str(self.user)
        return self.name or self.email

    @property
    def recipient_email(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.email
        return self.email


class InvitationUse(models.Model):
    """That an invitation was answered: the database refuses a second use. Holds no link to
    the response, so anonymous responses stay unlinked."""

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="use"
    )
    used_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"use of invitation {self.invitation_id}"


class SurveyResponse(models.Model):
    """One submitted questionnaire. For anonymous surveys neither the invitation nor the
    respondent is stored, and only the day of submission is kept.

    A response about a placement keeps what it is about — the placement's partnership and
    host organization, never the placement, the opportunity or the person — so that anonymous
    evaluations count in a partnership's or partner's ratings. These two fields are read only
    by aggregates published from 10 responses up, never shown per response.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        SurveyInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    submitted_on = models.DateField(default=timezone.localdate)
    about_partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    about_host = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["survey", "submitted_on"])]

    def __str__(self) -> str:
        return f"{self.survey} response {self.public_id}"


class Answer(models.Model):
    """One answer. ``value`` holds the validated answer; ``number`` a copy for aggregates."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"
