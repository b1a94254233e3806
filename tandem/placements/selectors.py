"""Reads for placements, each taking the viewer: requirements, one placement's clearances and
hours, the compliance board, the supervisor's hours queue, the hours report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, overload

from django.db.models import Case, DateField, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tandem.applications.models import Application, Stage
from tandem.organizations.models import Membership, Role
from tandem.organizations.permissions import is_platform_admin, org_ids

from .compliance import ClearanceRow, RequirementRow, State, applies, start_day, state_on
from .models import (
    AgreementStatus,
    AgreementTemplate,
    Clearance,
    ClearanceRequirement,
    HoursEntry,
    HoursStatus,
    LearningAgreement,
    PlacementTerms,
    SignerRole,
)
from .permissions import (
    PLACEMENT_STAGES,
    can_view_agreement,
    can_view_placement,
    coordinator_org_ids,
    supervisor_org_ids,
)

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def requirements_for(viewer: Actor) -> QuerySet[ClearanceRequirement]:
    """The requirements of the institutions where ``viewer`` coordinates."""
    qs = ClearanceRequirement.objects.select_related("institution", "partner", "site")
    if is_platform_admin(viewer):
        return qs
    return qs.filter(institution_id__in=coordinator_org_ids(viewer))


def placement_for(viewer: Actor, public_id: Any) -> Application | None:
    """An accepted, placed or completed application ``viewer`` may see, or None."""
    app = (
        Application.objects.select_related("opportunity__host", "institution", "student")
        .filter(
            public_id=public_id,
            stage__in=[Stage.ACCEPTED, Stage.PLACED, Stage.COMPLETED],
        )
        .first()
    )
    if app is None or not can_view_placement(viewer, app):
        return None
    return app


def terms_of(application: Application) -> PlacementTerms | None:
    return PlacementTerms.objects.filter(application=application).first()


def placement_dates(application: Application) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) of a placement: its terms, else the opportunity's dates."""
    terms = terms_of(application)
    opp = application.opportunity
    start = (terms.start_date if terms else None) or opp.start_date
    end = (terms.end_date if terms else None) or opp.end_date
    return start, end


def _req_row(r: ClearanceRequirement) -> RequirementRow:
    return RequirementRow(r.pk, r.institution_id, r.partner_id, r.site_id, r.opportunity_type)


@dataclass(frozen=True)
class ClearanceLine:
    requirement: ClearanceRequirement
    clearance: Clearance | None
    state: State

    @property
    def blocking(self) -> bool:
        return self.state != State.VERIFIED


def clearance_lines(application: Application, *, on: dt.date | None = None) -> list[ClearanceLine]:
    """Each requirement that applies to ``application`` with its record and state on ``on``
    (default: the day the placement starts, or today if that has passed)."""
    today = timezone.localdate()
    day = on or start_day(placement_dates(application)[0], today)
    opp = application.opportunity
    reqs = [
        r
        for r in ClearanceRequirement.objects.filter(
            institution_id=application.institution_id, is_active=True
        )
        if applies(
            _req_row(r),
            institution_id=application.institution_id,
            host_id=opp.host_id,
            site_id=opp.site_id,
            type_=opp.type,
        )
    ]
    records = {c.requirement_id: c for c in Clearance.objects.filter(application=application)}
    lines = []
    for r in reqs:
        c = records.get(r.pk)
        row = ClearanceRow(c.status, c.expires_on, c.decided_at) if c else None
        lines.append(ClearanceLine(r, c, state_on(row, day)))
    return lines


# --- The compliance board -------------------------------------------------------------------
@dataclass(frozen=True)
class BoardRow:
    application_id: int
    blocked_by: tuple[tuple[str, str], ...]  # (requirement name, state label)
    blocked_since: dt.date | None
    start_date: dt.date | None

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_by)

    def days_blocked(self, today: dt.date) -> int | None:
        return (today - self.blocked_since).days if self.blocked_since else None


@dataclass
class BoardEntry:
    row: BoardRow
    application: Application


def _day_to_check(today: dt.date) -> Any:
    """SQL: the day an application's clearances must hold (see :func:`start_day`): for an
    accepted placement its planned start (its terms', else the opportunity's) or today if
    that has passed; for a started one, today."""
    today_value = Value(today, output_field=DateField())
    planned = Coalesce("placement_terms__start_date", "opportunity__start_date", today_value)
    return Case(
        When(stage=Stage.ACCEPTED, then=Greatest(planned, today_value)),
        default=today_value,
        output_field=DateField(),
    )


def _unmet_requirements(kind: str = "") -> Exists:
    """SQL: whether an (annotated ``check_day``) application has an active requirement that
    applies to it (its institution; any or its host; any or its site; any or its type) with
    no clearance verified and valid on its day — :func:`applies` and :func:`state_on` as a
    condition."""
    valid = Clearance.objects.filter(
        application_id=OuterRef(OuterRef("pk")),
        requirement_id=OuterRef("pk"),
        status="verified",
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=OuterRef(OuterRef("check_day"))))
    reqs = ClearanceRequirement.objects.filter(
        Q(partner_id__isnull=True) | Q(partner_id=OuterRef("opportunity__host_id")),
        Q(site_id__isnull=True) | Q(site_id=OuterRef("opportunity__site_id")),
        Q(opportunity_type="") | Q(opportunity_type=OuterRef("opportunity__type")),
        is_active=True,
        institution_id=OuterRef("institution_id"),
    )
    if kind:
        reqs = reqs.filter(kind=kind)
    return Exists(reqs.filter(~Exists(valid)))


class ComplianceBoard(Sequence[BoardRow]):
    """The board's rows, read page by page: filtering (blocked, clear, a kind) and counting
    happen in the database (:func:`_unmet_requirements`), and a slice works out what blocks
    only the placements it holds. Every operation is a fixed number of queries whatever the
    number of placements (docs/decisions/0021-search-and-board-at-scale.md)."""

    def __init__(self, applications: QuerySet[Application], requirements: QuerySet[Any]) -> None:
        self.applications = applications
        self.requirements = requirements

    def capped_count(self, cap: int) -> int:
        """The number of rows, counting no further than ``cap + 1`` (for the pages)."""
        return self.applications.order_by()[: cap + 1].count()

    @cached_property
    def _count(self) -> int:
        return self.applications.count()

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> BoardRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[BoardRow]: ...

    def __getitem__(self, index: int | slice) -> BoardRow | list[BoardRow]:
        if isinstance(index, int):
            if index < 0:
                index += len(self)
            rows = self._rows(index, index + 1)
            if not rows:
                raise IndexError(index)
            return rows[0]
        if index.step not in (None, 1):
            raise ValueError("the board reads contiguous slices only")
        start, stop = index.start or 0, index.stop
        if start < 0 or (stop is not None and stop < 0):
            start, stop, _step = index.indices(len(self))
        return self._rows(start, stop)

    def __iter__(self) -> Iterator[BoardRow]:
        return iter(self._rows(0, None))

    def _rows(self, start: int, stop: int | None) -> list[BoardRow]:
        if stop is not None and stop <= start:
            return []
        app_rows = list(
            self.applications.order_by("stage_changed_at", "id").values_list(
                "id",
                "institution_id",
                "opportunity__host_id",
                "opportunity__site_id",
                "opportunity__type",
                "opportunity__start_date",
                "placement_terms__start_date",
                "stage",
                "stage_changed_at",
            )[start:stop]
        )
        if not app_rows:
            return []
        requirements = list(
            self.requirements.filter(institution_id__in={r[1] for r in app_rows}).values_list(
                "id", "institution_id", "partner_id", "site_id", "opportunity_type", "name"
            )
        )
        records: dict[tuple[int, int], ClearanceRow] = {}
        for app_id, req_id, st, exp, decided in Clearance.objects.filter(
            application_id__in=[r[0] for r in app_rows],
            requirement_id__in=[r[0] for r in requirements],
        ).values_list("application_id", "requirement_id", "status", "expires_on", "decided_at"):
            records[(app_id, req_id)] = ClearanceRow(st, exp, decided)
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        # Resolved once per call: a translation or a time-zone lookup per row costs more than
        # the whole rule.
        labels = {state: state.label for state in State}
        by_institution: dict[int, list[tuple[RequirementRow, str]]] = {}
        for r in requirements:
            by_institution.setdefault(r[1], []).append((RequirementRow(*r[:5]), r[5]))
        out = []
        for app_id, inst, host, site, type_, opp_start, terms_start, stage, changed in app_rows:
            planned = terms_start or opp_start
            day = start_day(planned, today) if stage == Stage.ACCEPTED else today
            blocked: list[tuple[str, str]] = []
            since: dt.date | None = None
            for req, name in by_institution.get(inst, ()):
                if not applies(req, institution_id=inst, host_id=host, site_id=site, type_=type_):
                    continue
                rec = records.get((app_id, req.id))
                state = state_on(rec, day)
                if state == State.VERIFIED:
                    continue
                blocked.append((name, labels[state]))
                if state == State.EXPIRED and rec is not None and rec.expires_on is not None:
                    began = rec.expires_on + dt.timedelta(days=1)
                else:
                    began = changed.astimezone(tz).date()
                since = began if since is None else min(since, began)
            out.append(BoardRow(app_id, tuple(blocked), since, planned))
        return out


def compliance_board(
    viewer: Actor,
    *,
    status: str = "",
    kind: str = "",
    search: str = "",
) -> ComplianceBoard:
    """One row per accepted or placed application of the institutions ``viewer`` coordinates
    (all, for platform admins), oldest change first: what blocks it, since when. ``status``:
    ``blocked`` or ``clear``; ``kind``: only placements missing a requirement of that kind.
    A lazy sequence: its length is one ``COUNT`` and each slice a fixed number of queries
    (the page's applications are loaded by :func:`board_page_applications`)."""
    apps = Application.objects.filter(stage__in=list(PLACEMENT_STAGES))
    reqs = ClearanceRequirement.objects.filter(is_active=True)
    if not is_platform_admin(viewer):
        inst_ids = list(coordinator_org_ids(viewer))
        apps = apps.filter(institution_id__in=inst_ids)
        reqs = reqs.filter(institution_id__in=inst_ids)
    if search:
        apps = apps.filter(
            Q(student__full_name__icontains=search) | Q(opportunity__title__icontains=search)
        )
    if status in ("blocked", "clear") or kind:
        apps = apps.annotate(check_day=_day_to_check(timezone.localdate()))
        if status == "blocked":
            apps = apps.filter(_unmet_requirements())
        elif status == "clear":
            apps = apps.filter(~_unmet_requirements())
        if kind:
            apps = apps.filter(_unmet_requirements(kind))
    return ComplianceBoard(apps, reqs)


def board_page_applications(rows: Sequence[BoardRow]) -> list[BoardEntry]:
    """The applications behind one page of board rows, in the rows' order (one query)."""
    by_id = Application.objects.select_related(
        "student", "opportunity__host", "institution"
    ).in_bulk([r.application_id for r in rows])
    return [BoardEntry(r, by_id[r.application_id]) for r in rows if r.application_id in by_id]


# --- Hours ------------------------------------------------------------------------------------
def hours_of(application: Application) -> QuerySet[HoursEntry]:
    return HoursEntry.objects.filter(application=application).select_related("decided_by")


def _two_places(value: Decimal | None) -> Decimal:
    """A sum of hours as stored (SQLite's SUM drops the trailing zeros)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class HoursTotals:
    approved: Decimal
    waiting: Decimal
    required: Decimal | None


def hours_totals(application: Application) -> HoursTotals:
    sums = dict(
        HoursEntry.objects.filter(application=application)
        .values_list("status")
        .annotate(total=Sum("hours"))
        .values_list("status", "total")
    )
    terms = terms_of(application)
    return HoursTotals(
        approved=_two_places(sums.get(HoursStatus.APPROVED)),
        waiting=_two_places(sums.get(HoursStatus.LOGGED)),
        required=terms.required_hours if terms else None,
    )


def hours_to_review(viewer: Actor) -> QuerySet[HoursEntry]:
    """Entries waiting for approval on placements hosted where ``viewer`` supervises."""
    return (
        HoursEntry.objects.filter(
            status=HoursStatus.LOGGED,
            application__opportunity__host_id__in=supervisor_org_ids(viewer),
        )
        .select_related("application__student", "application__opportunity")
        .order_by("application__student__full_name", "date", "id")
    )


@dataclass(frozen=True)
class ReportRow:
    student: str
    program: str
    partner: str
    opportunity: str
    approved: Decimal
    waiting: Decimal
    required: Decimal | None


def hours_report(
    viewer: Actor,
    *,
    program: str = "",
    partner_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[ReportRow]:
    """Hours per placement of the coordinator's students, by program, partner and period."""
    apps = Application.objects.filter(hours_entries__isnull=False).distinct()
    if not is_platform_admin(viewer):
        apps = apps.filter(institution_id__in=coordinator_org_ids(viewer))
    if partner_id:
        apps = apps.filter(opportunity__host_id=partner_id)
    entries = HoursEntry.objects.filter(application__in=apps)
    if start:
        entries = entries.filter(date__gte=start)
    if end:
        entries = entries.filter(date__lte=end)
    sums: dict[tuple[int, str], Decimal] = {}
    for app_id, st, total in (
        entries.values_list("application_id", "status").annotate(t=Sum("hours"))
    ).values_list("application_id", "status", "t"):
        sums[(app_id, st)] = _two_places(total)
    programs = {
        (user_id, org_id): prog
        for user_id, org_id, prog in Membership.objects.filter(
            role=Role.STUDENT, user__applications__in=apps
        ).values_list("user_id", "organization_id", "program")
    }
    out = []
    for app in apps.select_related("student", "opportunity__host", "placement_terms").order_by(
        "opportunity__host__name", "student__full_name", "id"
    ):
        prog = programs.get((app.student_id, app.institution_id), "") or ""
        if program and prog != program:
            continue
        terms = getattr(app, "placement_terms", None)
        out.append(
            ReportRow(
                student=app.student.full_name,
                program=prog,
                partner=app.opportunity.host.name,
                opportunity=app.opportunity.title,
                approved=sums.get((app.pk, HoursStatus.APPROVED), _two_places(None)),
                waiting=sums.get((app.pk, HoursStatus.LOGGED), _two_places(None)),
                required=terms.required_hours if terms else None,
            )
        )
    return out


# --- Learning agreements ----------------------------------------------------------------------
def agreement_templates_for(viewer: Actor) -> QuerySet[AgreementTemplate]:
    """The agreement templates of the institutions where ``viewer`` coordinates."""
    return AgreementTemplate.objects.select_related("institution").filter(
        institution_id__in=coordinator_org_ids(viewer)
    )


def template_for(application: Application) -> AgreementTemplate | None:
    """The institution's active template for this placement: one narrowed to the
    opportunity's type first, else one for every type."""
    candidates = AgreementTemplate.objects.filter(
        institution_id=application.institution_id, is_active=True
    ).filter(Q(opportunity_type=application.opportunity.type) | Q(opportunity_type=""))
    return candidates.order_by("-opportunity_type", "name", "id").first()


def _agreements() -> QuerySet[LearningAgreement]:
    return LearningAgreement.objects.select_related(
        "application__opportunity__host",
        "application__opportunity__site",
        "application__student",
        "application__institution",
        "template",
    )


def agreement_for(viewer: Actor, public_id: Any) -> LearningAgreement | None:
    """One agreement version ``viewer`` is a party to, or None."""
    agreement = _agreements().filter(public_id=public_id).first()
    if agreement is None or not can_view_agreement(viewer, agreement):
        return None
    return agreement


def current_agreement(application: Application) -> LearningAgreement | None:
    """The placement's agreement in force or in preparation (not superseded)."""
    return (
        _agreements()
        .filter(application=application)
        .exclude(status=AgreementStatus.SUPERSEDED)
        .first()
    )


def agreement_versions(application: Application) -> QuerySet[LearningAgreement]:
    """Every version of the placement's agreement, newest first."""
    return _agreements().filter(application=application).order_by("-version")


def signatures_of(agreement: LearningAgreement) -> list[Any]:
    return list(agreement.signatures.select_related("signer").order_by("step"))


def agreements_awaiting_signature(user: Actor) -> QuerySet[LearningAgreement]:
    """Agreements out for signature whose next step is ``user``'s to sign (their "to sign"
    list): the student's own, the host's for its supervisors, the institution's for its
    educators or coordinators. One query."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return LearningAgreement.objects.none()
    turn = Q(awaiting_role=SignerRole.STUDENT, application__student_id=user.pk)
    turn |= Q(
        awaiting_role=SignerRole.SUPERVISOR,
        application__opportunity__host_id__in=supervisor_org_ids(user),
    )
    turn |= Q(
        awaiting_role=SignerRole.EDUCATOR,
        application__institution_id__in=org_ids(user, [Role.EDUCATOR]),
    )
    turn |= Q(
        awaiting_role=SignerRole.COORDINATOR,
        application__institution_id__in=coordinator_org_ids(user),
    )
    return (
        _agreements().filter(turn, status=AgreementStatus.SIGNING).order_by("turn_started_at", "id")
    )
