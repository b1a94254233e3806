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

from .compliance import (
    GUARDIAN_CONSENT,
    ClearanceRow,
    RequirementRow,
    State,
    applies,
    is_minor,
    start_day,
    state_on,
)
from .models import (
    AgreementStatus,
    AgreementTemplate,
    Clearance,
    ClearanceRequirement,
    DiligenceItem,
    DiligenceKind,
    HoursEntry,
    HoursStatus,
    Incident,
    LearningAgreement,
    MinorsRules,
    PlacementTerms,
    SignerRole,
    SiteVisit,
    StudentBirthDate,
    VisitStatus,
)
from .permissions import (
    PLACEMENT_STAGES,
    can_manage_minors,
    can_read_visit_notes,
    can_view_agreement,
    can_view_incident,
    can_view_placement,
    can_view_visits,
    coordinator_org_ids,
    is_faculty,
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
    return RequirementRow(
        r.pk, r.institution_id, r.partner_id, r.site_id, r.opportunity_type, r.kind
    )


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
    minor = is_minor_placement(application)
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
            minor=minor,
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


def _minor_day(today: dt.date) -> Any:
    """SQL: the day a student's age decides whether a placement is a minor's (see
    :func:`is_minor_placement`): its planned start, else today."""
    today_value = Value(today, output_field=DateField())
    return Coalesce("placement_terms__start_date", "opportunity__start_date", today_value)


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
    # Guardian consent applies only to a minor's placement (compliance.applies): a recorded
    # date of birth whose 18th birthday falls after the placement's start.
    minor = StudentBirthDate.objects.filter(
        institution_id=OuterRef(OuterRef("institution_id")),
        student_id=OuterRef(OuterRef("student_id")),
        adult_on__gt=OuterRef(OuterRef("minor_day")),
    )
    reqs = reqs.filter(~Q(kind=GUARDIAN_CONSENT) | Exists(minor))
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
                "id", "institution_id", "partner_id", "site_id", "opportunity_type", "name", "kind"
            )
        )
        minors = minor_application_ids(Application.objects.filter(id__in=[r[0] for r in app_rows]))
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
            by_institution.setdefault(r[1], []).append(
                (RequirementRow(r[0], r[1], r[2], r[3], r[4], kind=r[6]), r[5])
            )
        out = []
        for app_id, inst, host, site, type_, opp_start, terms_start, stage, changed in app_rows:
            planned = terms_start or opp_start
            day = start_day(planned, today) if stage == Stage.ACCEPTED else today
            blocked: list[tuple[str, str]] = []
            since: dt.date | None = None
            for req, name in by_institution.get(inst, ()):
                if not applies(
                    req,
                    institution_id=inst,
                    host_id=host,
                    site_id=site,
                    type_=type_,
                    minor=app_id in minors,
                ):
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
        today = timezone.localdate()
        apps = apps.annotate(check_day=_day_to_check(today), minor_day=_minor_day(today))
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


# --- Minors (issue 15) ------------------------------------------------------------------------
def birth_date_of(application: Application) -> dt.date | None:
    """The student's date of birth as the placement's institution recorded it, or None."""
    return (
        StudentBirthDate.objects.filter(
            institution_id=application.institution_id, student_id=application.student_id
        )
        .values_list("date_of_birth", flat=True)
        .first()
    )


def is_minor_placement(application: Application) -> bool:
    """The student is under 18 on the placement's start day (today if it has none)."""
    start = placement_dates(application)[0] or timezone.localdate()
    return is_minor(birth_date_of(application), start)


def minor_application_ids(apps: QuerySet[Application]) -> set[int]:
    """Which of ``apps`` are placements of minors (two queries whatever their number)."""
    births = {
        (inst, student): born
        for inst, student, born in StudentBirthDate.objects.filter(
            student_id__in=apps.values("student_id")
        ).values_list("institution_id", "student_id", "date_of_birth")
    }
    if not births:
        return set()
    today = timezone.localdate()
    out = set()
    for app_id, inst, student, opp_start, terms_start in apps.values_list(
        "id",
        "institution_id",
        "student_id",
        "opportunity__start_date",
        "placement_terms__start_date",
    ):
        if is_minor(births.get((inst, student)), terms_start or opp_start or today):
            out.add(app_id)
    return out


def minors_rules_of(institution_id: int) -> MinorsRules | None:
    return MinorsRules.objects.filter(institution_id=institution_id).first()


def birth_dates_for(viewer: Actor, institution_id: int) -> QuerySet[StudentBirthDate]:
    """The dates of birth an institution recorded (its coordinators only)."""
    if not can_manage_minors(viewer, institution_id):
        return StudentBirthDate.objects.none()
    return StudentBirthDate.objects.filter(institution_id=institution_id).select_related("student")


# --- Site visits and the placement's timeline ----------------------------------------------------
def operations_placement_for(viewer: Actor, public_id: Any) -> Application | None:
    """A placement for its visits and incidents: those who may see the placement, and the
    faculty (educators) of the student's institution."""
    app = (
        Application.objects.select_related("opportunity__host", "institution", "student")
        .filter(
            public_id=public_id,
            stage__in=[Stage.ACCEPTED, Stage.PLACED, Stage.COMPLETED],
        )
        .first()
    )
    if app is None or not (can_view_placement(viewer, app) or is_faculty(viewer, app)):
        return None
    return app


def faculty_placements(viewer: Actor) -> QuerySet[Application]:
    """Placements under way (accepted or started) of the institutions where ``viewer`` is
    faculty, soonest start first: where they may schedule visits."""
    from tandem.organizations.permissions import org_ids

    return (
        Application.objects.filter(
            stage__in=list(PLACEMENT_STAGES),
            institution_id__in=org_ids(viewer, [Role.EDUCATOR, Role.COORDINATOR]),
        )
        .select_related("student", "opportunity__host")
        .order_by("opportunity__start_date", "id")
    )


@dataclass(frozen=True)
class VisitLine:
    visit: SiteVisit
    notes_visible: bool


def visits_of(viewer: Actor, application: Application) -> list[VisitLine]:
    """The placement's visits, with whether ``viewer`` may read each one's notes (faculty
    always; the student and host supervisors where the notes are shared)."""
    if not can_view_visits(viewer, application):
        return []
    return [
        VisitLine(v, can_read_visit_notes(viewer, application, shared=v.notes_shared))
        for v in SiteVisit.objects.filter(application=application).select_related("visitor")
    ]


def placement_midpoint(application: Application) -> dt.date | None:
    """The middle day of the placement (its terms, else the opportunity's dates): when the
    mid-placement check-in survey goes out (sent by ``tandem.surveys.triggers``)."""
    start, end = placement_dates(application)
    if start is None or end is None:
        return None
    return start + (end - start) / 2


@dataclass(frozen=True)
class TimelineEvent:
    day: dt.date
    kind: str  # start, visit, survey, end
    visit: SiteVisit | None = None


def placement_timeline(viewer: Actor, application: Application) -> list[TimelineEvent]:
    """Start, visits, the mid-placement survey and the end, in date order."""
    start, end = placement_dates(application)
    events = []
    if start:
        events.append(TimelineEvent(start, "start"))
    mid = placement_midpoint(application)
    if mid:
        events.append(TimelineEvent(mid, "survey"))
    if end:
        events.append(TimelineEvent(end, "end"))
    for line in visits_of(viewer, application):
        v = line.visit
        if v.status != VisitStatus.CANCELLED:
            events.append(TimelineEvent(timezone.localdate(v.scheduled_at), "visit", v))
    order = {"start": 0, "visit": 1, "survey": 2, "end": 3}
    return sorted(events, key=lambda e: (e.day, order[e.kind]))


def upcoming_visits(viewer: Actor) -> QuerySet[SiteVisit]:
    """Scheduled visits of placements the viewer studies on, supervises or visits."""
    from tandem.organizations.permissions import org_ids

    faculty = org_ids(viewer, [Role.EDUCATOR, Role.COORDINATOR])
    hosts = supervisor_org_ids(viewer)
    return (
        SiteVisit.objects.filter(status=VisitStatus.SCHEDULED, scheduled_at__gte=timezone.now())
        .filter(
            Q(application__student_id=viewer.pk)
            | Q(application__institution_id__in=faculty)
            | Q(application__opportunity__host_id__in=hosts)
        )
        .select_related("application__student", "application__opportunity__host")
    )


# --- Incidents ------------------------------------------------------------------------------------
def incidents_for(viewer: Actor, *, application: Application | None = None) -> list[Incident]:
    """Incidents ``viewer`` may see (their own reports, and those they handle), newest
    first; only one placement's with ``application``."""
    from tandem.organizations.permissions import org_ids

    coordinated = coordinator_org_ids(viewer)
    educated = org_ids(viewer, [Role.EDUCATOR])
    hosts = supervisor_org_ids(viewer)
    visited = SiteVisit.objects.filter(visitor_id=viewer.pk).values("application_id")
    qs = Incident.objects.filter(
        Q(reporter_id=viewer.pk)
        | Q(application__institution_id__in=coordinated)
        | Q(application__institution_id__in=educated, application_id__in=visited)
        | Q(application__opportunity__host_id__in=hosts, about_supervisor=False)
    )
    if application is not None:
        qs = qs.filter(application=application)
    return list(
        qs.select_related("application__student", "application__opportunity__host").order_by(
            "-occurred_at", "-id"
        )[:500]
    )


def incident_for(viewer: Actor, public_id: Any) -> Incident | None:
    incident = (
        Incident.objects.select_related(
            "application__opportunity__host", "application__student", "application__institution"
        )
        .filter(public_id=public_id)
        .first()
    )
    if incident is None or not can_view_incident(viewer, incident):
        return None
    return incident


# --- Employer due diligence --------------------------------------------------------------------
@dataclass(frozen=True)
class DiligenceLine:
    kind: str
    label: str
    item: DiligenceItem | None
    state: str  # missing, valid, expiring, expired

    @property
    def expired(self) -> bool:
        return self.state == "expired"


DILIGENCE_WARNING_DAYS = 30


def _diligence_state(item: DiligenceItem | None, today: dt.date) -> str:
    if item is None:
        return "missing"
    if item.expires_on is not None and item.expires_on < today:
        return "expired"
    if item.expires_on is not None and item.expires_on <= today + dt.timedelta(
        days=DILIGENCE_WARNING_DAYS
    ):
        return "expiring"
    return "valid"


def diligence_checklist(institution_id: int, partner_id: int) -> list[DiligenceLine]:
    """The institution's checklist for one partner: each item with its state today."""
    items = {
        i.kind: i
        for i in DiligenceItem.objects.filter(
            institution_id=institution_id, partner_id=partner_id
        ).select_related("verified_by")
    }
    today = timezone.localdate()
    return [
        DiligenceLine(kind, str(label), items.get(kind), _diligence_state(items.get(kind), today))
        for kind, label in DiligenceKind.choices
    ]


def diligence_flags(applications: list[Application]) -> dict[int, list[str]]:
    """Per placement, the labels of its partner's expired due-diligence items (the
    institution's checklist for the host). One query for any number of placements."""
    pairs = {(a.institution_id, a.opportunity.host_id) for a in applications}
    if not pairs:
        return {}
    today = timezone.localdate()
    expired: dict[tuple[int, int], list[str]] = {}
    labels = dict(DiligenceKind.choices)
    for inst, partner, kind in (
        DiligenceItem.objects.filter(
            institution_id__in={p[0] for p in pairs},
            partner_id__in={p[1] for p in pairs},
            expires_on__lt=today,
        )
        .order_by("kind")
        .values_list("institution_id", "partner_id", "kind")
    ):
        expired.setdefault((inst, partner), []).append(str(labels[kind]))
    return {
        a.pk: expired[(a.institution_id, a.opportunity.host_id)]
        for a in applications
        if (a.institution_id, a.opportunity.host_id) in expired
    }
