"""Analytics reads: inputs for the health score, health trends, dashboards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from tandem.applications.models import Application, HireOutcome, Stage
from tandem.organizations.models import Membership, Organization, Role, Sector
from tandem.partnerships.models import KPI, CommitmentKind, Partnership
from tandem.partnerships.permissions import can_view_partnership
from tandem.surveys.data import DEFAULT_THRESHOLD
from tandem.surveys.models import Answer, QuestionType

from . import health, metrics, tables
from .models import HealthSnapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


def health_inputs(partnership: Partnership, today: date) -> health.HealthInputs:
    """Everything :func:`tandem.analytics.health.score` needs about one partnership."""
    statuses = tuple(
        KPI.objects.filter(objective__partnership=partnership).values_list("status", flat=True)
    )
    last_contact = partnership.communications.filter(date__lte=today).aggregate(last=Max("date"))[
        "last"
    ]
    mean, responses = metrics.feedback_summary(partnership)
    commitments = []
    for c in partnership.commitments.annotate(
        delivered_amount=Sum("deliveries__amount"),
        delivered_quantity=Sum("deliveries__quantity"),
    ).order_by("pk"):
        funding = c.kind == CommitmentKind.FUNDING
        promised = c.amount if funding else c.quantity
        delivered = c.delivered_amount if funding else c.delivered_quantity
        commitments.append(
            health.CommitmentProgress(
                promised=Decimal(promised or 0),
                delivered=Decimal(delivered or 0),
                due_date=c.due_date,
            )
        )
    return health.HealthInputs(
        today=today,
        kpi_statuses=statuses,
        last_contact=last_contact,
        feedback_mean=mean,
        feedback_responses=responses,
        commitments=tuple(commitments),
    )


def health_trend(
    viewer: User | AnonymousUser, partnership: Partnership
) -> QuerySet[HealthSnapshot]:
    """The partnership's daily snapshots, oldest first; none when the viewer may not see it."""
    if not can_view_partnership(viewer, partnership):
        return HealthSnapshot.objects.none()
    return HealthSnapshot.objects.filter(partnership=partnership).order_by("date")


# --- dashboards ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """What a dashboard is about: an institution (optionally one program), a partner, or a
    partnership."""

    kind: str  # institution | program | partner | partnership
    organization: Organization | None = None
    partnership: Partnership | None = None
    program: str = ""


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    sector: str = ""
    program: str = ""


@dataclass(frozen=True)
class RatingPoint:
    month: date
    mean: Decimal | None  # None when fewer than the threshold responded
    responses: int | None  # None when fewer than the threshold responded


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    filters: Filters
    by_sector: tables.OutcomeTable
    by_program: tables.OutcomeTable
    funnel: tuple[tables.FunnelStep, ...]
    ratings: tuple[RatingPoint, ...]
    sectors: tuple[str, ...]
    programs: tuple[str, ...]


def _applications(scope: Scope) -> QuerySet[Application]:
    qs = Application.objects.all()
    if scope.kind in ("institution", "program"):
        qs = qs.filter(institution=scope.organization)
    elif scope.kind == "partner":
        qs = qs.filter(opportunity__host=scope.organization)
    elif scope.kind == "partnership":
        qs = qs.filter(opportunity__partnership=scope.partnership)
    else:
        return qs.none()
    return qs


def _answers(scope: Scope) -> QuerySet[Answer]:
    likert = Answer.objects.filter(question__type=QuestionType.LIKERT, number__isnull=False)
    if scope.kind in ("institution", "program"):
        likert = likert.filter(response__survey__institution=scope.organization)
        if scope.kind == "program":
            likert = likert.filter(
                response__respondent__memberships__organization=scope.organization,
                response__respondent__memberships__role=Role.STUDENT,
                response__respondent__memberships__program=scope.program,
            )
        return likert
    if scope.kind == "partnership" and scope.partnership is not None:
        return likert.filter(metrics.partnership_feedback_q(scope.partnership))
    if scope.kind == "partner" and scope.organization is not None:
        keys = [
            f"placement-end:{public_id}:student"
            for public_id in Application.objects.filter(
                opportunity__host=scope.organization
            ).values_list("public_id", flat=True)
        ]
        attributed = Q(
            response__survey__template_key=metrics.SATISFACTION_TEMPLATE,
            response__invitation__trigger_key__in=keys,
        )
        return likert.filter(attributed | metrics.satisfaction_q(host=scope.organization))
    return likert.none()


def _ratings(scope: Scope, filters: Filters, threshold: int) -> tuple[RatingPoint, ...]:
    answers = _answers(scope)
    if filters.date_from:
        answers = answers.filter(response__submitted_on__gte=filters.date_from)
    if filters.date_to:
        answers = answers.filter(response__submitted_on__lte=filters.date_to)
    if filters.program and scope.kind == "institution":
        answers = answers.filter(
            response__respondent__memberships__organization=scope.organization,
            response__respondent__memberships__role=Role.STUDENT,
            response__respondent__memberships__program=filters.program,
        )
    # Grouped by day in the database and rolled up to months here: a response is submitted
    # on one day, so distinct responses per day add up to distinct responses per month, and
    # grouping by the plain column avoids a per-row date-truncation call (a Python function
    # on SQLite: 60,000 answers cost ~100 ms that way).
    days = (
        answers.values("response__submitted_on")
        .annotate(
            total=Sum("number"), answers=Count("pk"), responses=Count("response", distinct=True)
        )
        .order_by("response__submitted_on")
    )
    months: dict[date, list[Any]] = {}
    for row in days:
        day = row["response__submitted_on"]
        if isinstance(day, datetime):
            day = day.date()
        sums = months.setdefault(day.replace(day=1), [Decimal(0), 0, 0])
        sums[0] += Decimal(str(row["total"] or 0))
        sums[1] += row["answers"]
        sums[2] += row["responses"]
    points = []
    for month, (total, count, responses) in months.items():
        enough = responses >= threshold and count > 0
        points.append(
            RatingPoint(
                month=month,
                mean=(total / count).quantize(Decimal("0.01")) if enough else None,
                responses=responses if enough else None,
            )
        )
    return tuple(points)


def dashboard_programs(scope: Scope) -> tuple[str, ...]:
    """The programs of study of an institution's students (institution and program
    dashboards; none for the others), sorted: the program filter's choices."""
    if scope.kind not in ("institution", "program") or scope.organization is None:
        return ()
    return tuple(
        Membership.objects.filter(organization=scope.organization, role=Role.STUDENT)
        .exclude(program="")
        .values_list("program", flat=True)
        .distinct()
        .order_by("program")
    )


def dashboard(
    scope: Scope,
    filters: Filters,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    programs: tuple[str, ...] | None = None,
) -> Dashboard:
    """The dashboard for ``scope`` (already authorized by the caller through
    :mod:`tandem.analytics.permissions`). A bounded number of queries whatever the data.
    ``programs``: :func:`dashboard_programs`, when the caller has them already."""
    # One LEFT JOIN to the student's membership at the applying institution (unique per
    # user, organization and role), not a subquery per row.
    apps = _applications(scope).annotate(
        study=FilteredRelation(
            "student__memberships",
            condition=Q(
                student__memberships__organization=F("institution"),
                student__memberships__role=Role.STUDENT,
            ),
        ),
        program=F("study__program"),
    )
    if scope.kind == "program":
        apps = apps.filter(program=scope.program)
    if filters.date_from:
        apps = apps.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        apps = apps.filter(created_at__date__lte=filters.date_to)
    if filters.sector:
        apps = apps.filter(opportunity__host__sector=filters.sector)
    if filters.program and scope.kind != "program":
        apps = apps.filter(program=filters.program)
    # A completed placement with a recorded hire counts in the "hired" outcome.
    outcome_stage = Case(
        When(stage=Stage.COMPLETED, hire_outcome=HireOutcome.HIRED, then=Value(tables.HIRED)),
        default=F("stage"),
        output_field=CharField(),
    )
    rows = list(
        apps.annotate(outcome_stage=outcome_stage)
        .values_list("opportunity__host__sector", "program", "outcome_stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_sector = tables.group_counts((sector, stage, n) for sector, _, stage, n in rows)
    by_program = tables.group_counts((program or "", stage, n) for _, program, stage, n in rows)
    suppressed = tables.outcome_tables({"sector": by_sector, "program": by_program}, threshold)
    if programs is None:
        programs = dashboard_programs(scope)
    return Dashboard(
        scope=scope,
        filters=filters,
        by_sector=suppressed["sector"],
        by_program=suppressed["program"],
        funnel=tables.funnel(suppressed["sector"], threshold),
        ratings=_ratings(scope, filters, threshold),
        sectors=tuple(Sector.values),
        programs=programs,
    )


# --- review report --------------------------------------------------------------------------
def plain(value: Decimal | None) -> str:
    """A decimal without exponent or trailing zeros ("20", "2.5"); "—" for none."""
    return "—" if value is None else f"{value.normalize():f}"


@dataclass(frozen=True)
class KPILine:
    objective: str
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest: Decimal | None
    status: str
    status_label: str
    due_date: date
    metric_label: str

    @property
    def numbers(self) -> tuple[str, str, str]:
        """(baseline, target, latest) as plain text."""
        return plain(self.baseline), plain(self.target), plain(self.latest)


@dataclass(frozen=True)
class CommitmentLine:
    organization: str
    kind: str
    description: str
    promised: Decimal
    delivered: Decimal
    unit: str  # currency for funding, else blank
    percent: int
    due_date: date | None

    @property
    def promised_text(self) -> str:
        return f"{plain(self.promised)} {self.unit}".strip()

    @property
    def delivered_text(self) -> str:
        return f"{plain(self.delivered)} {self.unit}".strip()


@dataclass(frozen=True)
class QuestionResult:
    survey: str
    question: str
    mean: Decimal | None  # None when fewer than the threshold answered
    responses: int | None


@dataclass(frozen=True)
class ActionLine:
    description: str
    owner: str
    due_date: date | None


@dataclass(frozen=True)
class ReviewReport:
    partnership: Partnership
    institutions: tuple[str, ...]
    partners: tuple[str, ...]
    today: date
    health: health.Health
    kpis: tuple[KPILine, ...]
    commitments: tuple[CommitmentLine, ...]
    survey_results: tuple[QuestionResult, ...]
    highlights: tuple[str, ...] | None  # None: the viewer may not read free text
    actions: tuple[ActionLine, ...]


MAX_HIGHLIGHTS = 10


def review_report(
    viewer: User | AnonymousUser,
    partnership: Partnership,
    *,
    today: date,
    threshold: int = DEFAULT_THRESHOLD,
) -> ReviewReport:
    """What both partners take into their review meeting (the caller has checked that the
    viewer may see the partnership). Free-text highlights only for roles allowed to read them."""
    from .permissions import can_read_partnership_free_text

    kpis = tuple(
        KPILine(
            objective=k.objective.title,
            name=k.name,
            unit=k.unit,
            baseline=k.baseline,
            target=k.target,
            latest=k.latest_value,
            status=k.status,
            status_label=str(k.get_status_display()),
            due_date=k.due_date,
            metric_label=str(k.get_metric_display()),
        )
        for k in KPI.objects.filter(objective__partnership=partnership)
        .select_related("objective")
        .order_by("objective__created_at", "objective_id", "created_at", "pk")
    )
    commitments = []
    for c in (
        partnership.commitments.select_related("organization")
        .annotate(
            delivered_amount=Sum("deliveries__amount"),
            delivered_quantity=Sum("deliveries__quantity"),
        )
        .order_by("created_at", "pk")
    ):
        funding = c.kind == CommitmentKind.FUNDING
        promised = Decimal((c.amount if funding else c.quantity) or 0)
        delivered = Decimal((c.delivered_amount if funding else c.delivered_quantity) or 0)
        commitments.append(
            CommitmentLine(
                organization=c.organization.name,
                kind=str(c.get_kind_display()),
                description=c.description,
                promised=promised,
                delivered=delivered,
                unit=c.currency if funding else "",
                percent=round(100 * delivered / promised) if promised else 0,
                due_date=c.due_date,
            )
        )
    feedback = metrics.partnership_feedback_q(partnership)
    rows = (
        Answer.objects.filter(feedback, question__type=QuestionType.LIKERT, number__isnull=False)
        .values("question__version__survey__title", "question__text")
        .annotate(mean=Avg("number"), responses=Count("response", distinct=True))
        .order_by("question__version__survey__title", "question__text")
    )
    results = tuple(
        QuestionResult(
            survey=r["question__version__survey__title"],
            question=r["question__text"],
            mean=(
                Decimal(r["mean"]).quantize(Decimal("0.01"))
                if r["responses"] >= threshold
                else None
            ),
            responses=r["responses"] if r["responses"] >= threshold else None,
        )
        for r in rows
    )
    highlights: tuple[str, ...] | None = None
    if can_read_partnership_free_text(viewer, partnership):
        # Free text only from attributed responses: anonymous text is never tied to a
        # partnership, however few placements it has.
        attributed = metrics.partnership_feedback_q(partnership, include_anonymous=False)
        texts = (
            Answer.objects.filter(attributed, question__type=QuestionType.TEXT)
            .order_by("-response__submitted_on", "-pk")
            .values_list("value", flat=True)[: MAX_HIGHLIGHTS * 3]
        )
        highlights = tuple(
            [str(t).strip() for t in texts if isinstance(t, str) and t.strip()][:MAX_HIGHLIGHTS]
        )
    actions = tuple(
        ActionLine(
            description=a.description,
            owner=a.owner.full_name if a.owner else "",
            due_date=a.due_date,
        )
        for a in partnership.action_items.filter(done_at__isnull=True)
        .select_related("owner")
        .order_by("due_date", "pk")
    )
    return ReviewReport(
        partnership=partnership,
        institutions=tuple(o.name for o in partnership.institutions.all()),
        partners=tuple(o.name for o in partnership.partners.all()),
        today=today,
        health=health.score(health_inputs(partnership, today)),
        kpis=kpis,
        commitments=tuple(commitments),
        survey_results=results,
        highlights=highlights,
        actions=actions,
    )
