"""Reads for surveys, scoped to the viewer: lists, builder, invitations, results.

Results never reveal a small group: distributions go through ``suppression``; means show
only from ``survey.min_responses`` answers; anonymous surveys show nothing until they have
that many responses; free text only to roles allowed to read it.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User

from . import suppression

# The placement trigger keys' format is owned by .context; other apps read it from here.
from .context import placement_end_application as placement_end_application
from .context import placement_end_key as placement_end_key
from .library import FIRST_DESTINATION_GROUPS
from .models import (
    SCALE_BOUNDS,
    Answer,
    Question,
    QuestionType,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
)
from .permissions import (
    can_manage_survey,
    can_read_free_text,
    can_read_individual_responses,
    can_view_survey_results,
    surveys_visible_qs,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


SMALL_CELL = suppression.DEFAULT_THRESHOLD


def survey_list(viewer: User | AnonymousUser) -> QuerySet[Survey]:
    return (
        surveys_visible_qs(viewer)
        .select_related("institution")
        .annotate(
            invitation_count=Count("invitations", distinct=True),
            answered_count=Count(
                "invitations", filter=Q(invitations__responded_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at")
    )


def survey_detail(viewer: User | AnonymousUser, public_id: UUID | str) -> Survey:
    """A survey the viewer may see (builder or results), else 404."""
    survey = (
        surveys_visible_qs(viewer).select_related("institution").filter(public_id=public_id).first()
    )
    if survey is None:
        raise Http404
    return survey


def survey_for_manager(viewer: User | AnonymousUser, public_id: UUID | str) -> Survey:
    """404 when invisible; PermissionDenied-worthy cases are left to the caller."""
    return survey_detail(viewer, public_id)


def version_tree(version: SurveyVersion) -> list[tuple[Any, list[Question]]]:
    """Sections with their questions, in order."""
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in version.questions.order_by("position", "id"):
        questions[question.section_id].append(question)
    return [(s, questions.get(s.pk, [])) for s in version.sections.all()]


def pending_invitations_for(viewer: User | AnonymousUser) -> QuerySet[SurveyInvitation]:
    """The signed-in person's unanswered invitations to surveys still open."""
    if not isinstance(viewer, User):
        return SurveyInvitation.objects.none()
    return (
        SurveyInvitation.objects.filter(
            user=viewer,
            responded_at__isnull=True,
            survey__status="open",
            expires_at__gt=timezone.now(),
        )
        .filter(Q(survey__closes_at__isnull=True) | Q(survey__closes_at__gt=timezone.now()))
        .select_related("survey__institution")
        .order_by("-created_at")
    )


def invitation_for_user(viewer: User | AnonymousUser, public_id: UUID | str) -> SurveyInvitation:
    invitation = (
        SurveyInvitation.objects.select_related("survey__institution", "version")
        .filter(public_id=public_id, user__isnull=False)
        .first()
    )
    if invitation is None or invitation.user_id != getattr(viewer, "pk", None):
        raise Http404
    return invitation


def invitations_for(viewer: User | AnonymousUser, survey: Survey) -> QuerySet[SurveyInvitation]:
    if not can_manage_survey(viewer, survey):
        return SurveyInvitation.objects.none()
    return survey.invitations.select_related("user").order_by("-created_at")


def individual_responses(viewer: User | AnonymousUser, survey: Survey) -> QuerySet[SurveyResponse]:
    """Responses with their answers, newest first: only for surveys that are not anonymous,
    only for the owner's coordinators (otherwise none)."""
    if not can_read_individual_responses(viewer, survey):
        return SurveyResponse.objects.none()
    return (
        survey.responses.select_related("respondent", "invitation", "version")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").order_by(
                    "question__section__position", "question__position"
                ),
            )
        )
        .order_by("-submitted_on", "-id")
    )


# --- Results -----------------------------------------------------------------------------------
@dataclass
class QuestionResult:
    key: str
    text: str
    type: str
    answered: int
    mean: float | None = None
    nps: int | None = None
    labels: list[str] = field(default_factory=list)
    counts: list[int | None] = field(default_factory=list)
    total: int | None = None
    skills: list[tuple[str, int, float | None]] = field(default_factory=list)
    texts: list[str] | None = None
    suppressed: bool = False

    @property
    def rows(self) -> list[tuple[str, int | None]]:
        return list(zip(self.labels, self.counts, strict=True))


@dataclass
class SurveyResults:
    survey: Survey
    invited: int
    responded: int
    responses: int
    visible: bool
    free_text_allowed: bool
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.responded / self.invited, 1) if self.invited else None


def _mean(values: list[Decimal], minimum: int) -> float | None:
    """An average, only over at least ``minimum`` (and never fewer than 10) answers."""
    enough = len(values) >= max(minimum, SMALL_CELL)
    return round(float(statistics.fmean(values)), 2) if enough else None


def _distribution(result: QuestionResult, labels: list[str], counts: list[int]) -> None:
    table = suppression.suppress_counts(counts, SMALL_CELL)
    result.labels = labels
    result.counts = list(table.cells[0])
    result.total = sum(counts)
    result.suppressed = bool(table.suppressed)
    if table.row_totals is None or table.row_totals[0] is None:
        # The total is published anyway (as the number of answers), so a distribution whose
        # total had to be hidden is hidden entirely.
        result.counts = [None] * len(counts)


def survey_results(viewer: User | AnonymousUser, survey: Survey) -> SurveyResults:
    """Aggregates by question key over every version (the latest wording is shown)."""
    if not can_view_survey_results(viewer, survey):
        raise Http404
    invited = survey.invitations.count()
    responded = survey.invitations.filter(responded_at__isnull=False).count()
    responses = survey.responses.count()
    visible = not survey.is_anonymous or responses >= survey.min_responses
    free_text = can_read_free_text(viewer, survey)
    results = SurveyResults(survey, invited, responded, responses, visible, free_text, [])
    if not visible:
        return results
    questions: dict[str, Question] = {}
    for q in Question.objects.filter(version__survey=survey).order_by(
        "version__number", "section__position", "position"
    ):
        questions.pop(q.key, None)
        questions[q.key] = q  # latest wording wins, order follows the latest version
    by_key: dict[str, list[Any]] = defaultdict(list)
    numbers: dict[str, list[Decimal]] = defaultdict(list)
    for key, kind, value, number in Answer.objects.filter(response__survey=survey).values_list(
        "question__key", "question__type", "value", "number"
    ):
        if key not in questions or questions[key].type != kind:
            continue  # a key reused for another type of question in a later version
        by_key[key].append(value)
        if number is not None:
            numbers[key].append(number)
    minimum = survey.min_responses
    for key, q in questions.items():
        values = by_key.get(key, [])
        result = QuestionResult(key=key, text=q.text, type=q.type, answered=len(values))
        if q.type in SCALE_BOUNDS:
            scale = q.scale
            points = Counter(int(v) for v in values)
            _distribution(result, [str(s) for s in scale], [points[s] for s in scale])
            result.mean = _mean(numbers.get(key, []), minimum)
            if result.suppressed and result.mean is not None:
                # An average beside a partly hidden distribution can give the hidden counts
                # back (4.75 over 12 answers of 2 or 5 means 11 fives and one two): show the
                # average and hide the whole distribution.
                result.counts = [None] * len(result.counts)
            if q.type == QuestionType.NPS and len(values) >= max(minimum, SMALL_CELL):
                promoters = sum(1 for v in values if int(v) >= 9)
                detractors = sum(1 for v in values if int(v) <= 6)
                result.nps = round(100 * (promoters - detractors) / len(values))
        elif q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            counter: Counter[str] = Counter()
            for v in values:
                counter.update(v if isinstance(v, list) else [v])
            labels = [str(o.get("label") or o["value"]) for o in q.options]
            _distribution(result, labels, [counter[o] for o in q.option_values])
        elif q.type == QuestionType.NUMBER:
            result.mean = _mean(numbers.get(key, []), minimum)
        elif q.type == QuestionType.SKILLS:
            ratings: dict[str, list[Decimal]] = defaultdict(list)
            for v in values:
                for skill, rating in (v or {}).items():
                    ratings[skill].append(Decimal(rating))
            names = list(q.skills) + sorted(set(ratings) - set(q.skills))
            result.skills = [
                (skill, len(ratings[skill]), _mean(ratings[skill], minimum)) for skill in names
            ]
        elif q.type == QuestionType.TEXT:
            result.texts = [str(v) for v in values if v] if free_text else None
        results.questions.append(result)
        if survey.template_key == "graduate_first_destination" and key == "status":
            results.questions.append(_first_destination_outcomes(values))
    return results


def _first_destination_outcomes(values: list[Any]) -> QuestionResult:
    """NACE first-destination outcome groups, with the outcome rate (employed or continuing
    education, among those whose status is known) when the group is large enough."""
    labels = {
        "employed": _("Employed"),
        "continuing_education": _("Continuing education"),
        "seeking": _("Still seeking"),
        "other": _("Not seeking"),
    }
    group_of = {v: g for g, members in FIRST_DESTINATION_GROUPS.items() for v in members}
    counts = Counter(group_of.get(str(v), "other") for v in values)
    result = QuestionResult(
        key="status-outcome",
        text=_("First destination (NACE groups)"),
        type="single",
        answered=len(values),
    )
    _distribution(result, [str(label) for label in labels.values()], [counts[g] for g in labels])
    if len(values) >= SMALL_CELL:
        positive = counts["employed"] + counts["continuing_education"]
        result.mean = round(100 * positive / len(values), 1)
    return result


def invitation_sent_for(survey: Survey, trigger_key: str) -> bool:
    """Whether ``survey`` already has the invitation of this trigger (other apps' scheduled
    sends check it before sending, to count what they send)."""
    return SurveyInvitation.objects.filter(survey=survey, trigger_key=trigger_key).exists()
