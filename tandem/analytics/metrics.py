"""Live KPI metrics: the current value of each platform metric for one partnership.

Each function takes a partnership and "today" and returns a ``Decimal`` or ``None`` when the
metric has no honest value yet (nothing to divide by, too few answers to publish, funding in
more than one currency). ``None`` records nothing. Definitions are in ``docs/analytics.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.applications.models import (
    SEAT_HOLDING_STAGES,
    Application,
    HireOutcome,
    Stage,
    StageChange,
)
from tandem.events.selectors import partnership_event_counts
from tandem.opportunities.models import Opportunity, OpportunityStatus, OpportunityType
from tandem.partnerships.models import (
    BoundMetric,
    CommitmentDelivery,
    CommitmentKind,
    Partnership,
)
from tandem.surveys.data import DEFAULT_THRESHOLD
from tandem.surveys.models import Answer, QuestionType

# The survey whose Likert answers measure satisfaction, and the invitation key it is sent with.
SATISFACTION_TEMPLATE = "placement_student_end"
# Opportunity types that count as a guest lecture held once their date has passed.
LECTURE_TYPES = (OpportunityType.GUEST_LECTURE, OpportunityType.WORKSHOP)
HELD_STATUSES = (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED, OpportunityStatus.FILLED)

MetricFunction = Callable[[Partnership, date], Decimal | None]
_TWO_PLACES = Decimal("0.01")


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


def _applications(partnership: Partnership):  # type: ignore[no-untyped-def]
    return Application.objects.filter(opportunity__partnership=partnership)


def placements(partnership: Partnership, today: date) -> Decimal | None:
    """Applications holding a seat (accepted, placed, completed): same as the live count."""
    count = _applications(partnership).filter(stage__in=list(SEAT_HOLDING_STAGES)).count()
    return Decimal(count)


def completion_rate(partnership: Partnership, today: date) -> Decimal | None:
    """Completed ÷ placements that have ended, in %. A placement has ended when it was
    completed, when its opportunity's end date has passed while still "placed", or when the
    student withdrew after being placed (a drop-out)."""
    was_placed = Exists(
        StageChange.objects.filter(application=OuterRef("pk"), to_stage=Stage.PLACED)
    )
    counts = (
        _applications(partnership)
        .annotate(was_placed=was_placed)
        .aggregate(
            completed=Count("pk", filter=Q(stage=Stage.COMPLETED)),
            overdue=Count("pk", filter=Q(stage=Stage.PLACED, opportunity__end_date__lt=today)),
            dropped=Count("pk", filter=Q(stage=Stage.WITHDRAWN, was_placed=True)),
        )
    )
    ended = counts["completed"] + counts["overdue"] + counts["dropped"]
    return _percent(counts["completed"], ended)


def offer_conversion(partnership: Partnership, today: date) -> Decimal | None:
    """Offers converted to hires, in %: of the applications that were offered a place and
    whose path has ended — the offer declined, the student withdrawn after it, or the
    placement completed with its outcome recorded — the share recorded as hired. Offers still
    pending, placements under way and completed placements without a recorded outcome are
    not counted yet; no value before the first such ended offer."""
    offered = Exists(StageChange.objects.filter(application=OuterRef("pk"), to_stage=Stage.OFFER))
    ended = Q(stage__in=[Stage.DECLINED, Stage.WITHDRAWN]) | (
        Q(stage=Stage.COMPLETED) & ~Q(hire_outcome="")
    )
    counts = (
        _applications(partnership)
        .annotate(offered=offered)
        .filter(Q(offered=True) | Q(stage__in=list(SEAT_HOLDING_STAGES)))
        .filter(ended)
        .aggregate(
            offers=Count("pk"),
            hired=Count("pk", filter=Q(stage=Stage.COMPLETED, hire_outcome=HireOutcome.HIRED)),
        )
    )
    return _percent(counts["hired"], counts["offers"])


def _likert_summary(answers_filter: Q) -> tuple[Decimal | None, int]:
    """(mean, number of responses) of the 1–5 agreement answers matching ``answers_filter``."""
    answers = Answer.objects.filter(
        answers_filter, question__type=QuestionType.LIKERT, number__isnull=False
    )
    result = answers.aggregate(mean=Avg("number"), responses=Count("response", distinct=True))
    if result["mean"] is None:
        return None, 0
    return Decimal(result["mean"]), int(result["responses"])


def _placement_feedback(partnership: Partnership) -> Q | None:
    """Students' end-of-placement evaluations attributed through their invitation (responses
    to surveys that are not anonymous, submitted before responses kept their context)."""
    keys = [
        f"placement-end:{public_id}:student"
        for public_id in _applications(partnership).values_list("public_id", flat=True)
    ]
    if not keys:
        return None
    return Q(
        response__survey__template_key=SATISFACTION_TEMPLATE,
        response__invitation__trigger_key__in=keys,
    )


def satisfaction_q(*, partnership: Partnership | None = None, host: object = None) -> Q:
    """Students' end-of-placement evaluations about ``partnership`` (or about placements at
    ``host``), anonymous or not, by the context every response keeps (see
    :class:`tandem.surveys.models.SurveyResponse`). Callers publish only aggregates of at
    least the suppression threshold."""
    if partnership is None and host is None:
        return Q(pk__in=[])
    q = Q(response__survey__template_key=SATISFACTION_TEMPLATE)
    if partnership is not None:
        q &= Q(response__about_partnership=partnership)
    if host is not None:
        q &= Q(response__about_host=host)
    return q


def _satisfaction(partnership: Partnership) -> Q:
    placement = _placement_feedback(partnership)
    context = satisfaction_q(partnership=partnership)
    return context if placement is None else context | placement


def mean_satisfaction(partnership: Partnership, today: date) -> Decimal | None:
    """Mean of the Likert (1–5) answers in students' end-of-placement evaluations of this
    partnership's placements, anonymous ones included (counted by the partnership the response
    is about, never by who gave it). Fewer than 10 responses publish nothing."""
    mean, responses = _likert_summary(_satisfaction(partnership))
    if mean is None or responses < DEFAULT_THRESHOLD:
        return None
    return mean.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


def partnership_feedback_q(partnership: Partnership, *, include_anonymous: bool = True) -> Q:
    """Answers about this partnership: students' end-of-placement evaluations of its
    placements and both sides' partnership reviews. ``include_anonymous=False`` keeps only
    responses attributed through their invitation (for free text, which must never be traced
    back to a placement)."""
    review = Q(response__invitation__trigger_key__startswith=f"review:{partnership.public_id}:")
    placement = _placement_feedback(partnership)
    attributed = review if placement is None else review | placement
    if not include_anonymous:
        return attributed
    return attributed | satisfaction_q(partnership=partnership)


def feedback_summary(partnership: Partnership) -> tuple[Decimal | None, int]:
    """(mean, responses) of the agreement answers about this partnership. Callers apply the
    small-group threshold."""
    return _likert_summary(partnership_feedback_q(partnership))


def guest_lectures(partnership: Partnership, today: date) -> Decimal | None:
    """Guest lectures and workshops of the partnership held by the end of today: those posted
    as opportunities (published, dated today or earlier) plus the events of tandem.events
    that ended with at least one attendee checked in."""
    count = (
        Opportunity.objects.filter(
            partnership=partnership, type__in=LECTURE_TYPES, status__in=HELD_STATUSES
        )
        .annotate(held_on=Coalesce("end_date", "start_date"))
        .filter(held_on__lte=today)
        .count()
    )
    end_of_day = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    held = partnership_event_counts(partnership, until=end_of_day).guest_lectures_held
    return Decimal(count + held)


def students_reached(partnership: Partnership, today: date) -> Decimal | None:
    """Distinct people checked in at the partnership's events (of tandem.events) that have
    ended by the end of today: each counted once however many events they attended."""
    end_of_day = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    return Decimal(partnership_event_counts(partnership, until=end_of_day).students_reached)


def funding_delivered(partnership: Partnership, today: date) -> Decimal | None:
    """Sum of funding deliveries on the partnership's funding commitments, up to today. Money
    in different currencies is never added: with more than one currency there is no value."""
    rows = list(
        CommitmentDelivery.objects.filter(
            commitment__partnership=partnership,
            commitment__kind=CommitmentKind.FUNDING,
            delivered_on__lte=today,
        )
        .values("commitment__currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    if len(rows) > 1:
        return None
    if not rows:
        currencies = (
            partnership.commitments.filter(kind=CommitmentKind.FUNDING)
            .values_list("currency", flat=True)
            .distinct()
        )
        return Decimal(0) if len(set(currencies)) == 1 else None
    return Decimal(rows[0]["total"] or 0)


REGISTRY: dict[str, MetricFunction] = {
    BoundMetric.PLACEMENTS.value: placements,
    BoundMetric.COMPLETION_RATE.value: completion_rate,
    BoundMetric.OFFER_CONVERSION.value: offer_conversion,
    BoundMetric.MEAN_SATISFACTION.value: mean_satisfaction,
    BoundMetric.GUEST_LECTURES.value: guest_lectures,
    BoundMetric.STUDENTS_REACHED.value: students_reached,
    BoundMetric.FUNDING_DELIVERED.value: funding_delivered,
}


def compute(metric: str, partnership: Partnership, today: date) -> Decimal | None:
    """The current value of ``metric`` for ``partnership``; ``KeyError`` when not live."""
    return REGISTRY[metric](partnership, today)
