"""What each role's dashboard shows, gathered from the apps' own selectors.

Every number here comes from a selector that takes the viewer, so a dashboard can never show
more than the lists behind it.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import metadata
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.models import User
from tandem.applications.models import CLOSED_STAGES, SEAT_HOLDING_STAGES, Stage
from tandem.applications.selectors import (
    applications_for,
    received_for,
    received_stage_counts,
    stage_counts_for,
    supervised_placements,
    unplaced_students_summary,
)
from tandem.core import charts
from tandem.curricula.selectors import educator_worklist, failed_extraction_jobs_since
from tandem.matching.selectors import my_published_pairs
from tandem.mentoring.selectors import next_sessions_for, quiet_pairs_of_mentor
from tandem.opportunities.selectors import (
    awaiting_approval_for,
    closing_soonest,
    opportunities_visible_to,
)
from tandem.organizations.models import Role
from tandem.organizations.permissions import (
    is_platform_admin,
    org_ids,
    roles_of,
    student_institution_ids,
)
from tandem.partnerships.selectors import kpis_at_risk_for, partnerships_for
from tandem.placements.selectors import hours_to_review
from tandem.profiles.selectors import recommendations_for
from tandem.surveys.selectors import pending_invitations_for, placement_end_application

LIMIT = 8
#: A placement ending within this many days is flagged on the supervisor's list.
ENDING_SOON_DAYS = 14
#: A partnership whose review falls within this many days counts as "review due".
REVIEW_DUE_DAYS = 30


@dataclass
class Due:
    """One thing to do about an intern: a sentence, and where to do it."""

    text: str
    url_name: str = ""  # "applications:detail" or "surveys:answer"
    public_id: Any = None


@dataclass
class InternRow:
    application: Any
    due: list[Due]


def _intern_rows(viewer: User, today: date) -> tuple[list[InternRow], list[Any]]:
    """The supervisor's interns with what is due, and their other pending surveys."""
    invitations = list(pending_invitations_for(viewer))
    by_application: dict[str, Any] = {}
    for invitation in invitations:
        placement = placement_end_application(invitation.trigger_key)
        if placement is not None:
            by_application.setdefault(placement, invitation)
    rows: list[InternRow] = []
    attached: set[int] = set()
    for app in supervised_placements(viewer, today).select_related("opportunity__host")[:50]:
        due: list[Due] = []
        invitation = by_application.pop(str(app.public_id), None)
        if invitation is not None:
            attached.add(invitation.pk)
            due.append(
                Due(_("Answer the evaluation survey"), "surveys:answer", invitation.public_id)
            )
        end = app.opportunity.end_date
        if app.stage == Stage.PLACED and end is not None:
            if end < today:
                due.append(
                    Due(
                        _("Placement ended: mark it completed"),
                        "applications:detail",
                        app.public_id,
                    )
                )
            elif (end - today).days <= ENDING_SOON_DAYS:
                days = (end - today).days
                due.append(
                    Due(
                        ngettext(
                            "Placement ends in %(n)d day", "Placement ends in %(n)d days", days
                        )
                        % {"n": days}
                    )
                )
        if app.stage == Stage.COMPLETED:
            due.append(Due(_("Record the hire outcome"), "applications:detail", app.public_id))
        rows.append(InternRow(application=app, due=due))
    # Work first (due items), then interns simply on placement.
    rows.sort(key=lambda r: (not r.due, r.application.stage != Stage.PLACED))
    return rows[:20], [i for i in invitations if i.pk not in attached]


@dataclass(frozen=True)
class Stat:
    """One headline number on a home: what it counts, the number, where to act on it, and
    whether it asks for attention (shown with the warning badge)."""

    label: str
    value: int | str
    url_name: str = ""
    attention: bool = False


@dataclass
class Dashboard:
    roles: set[str]
    sections: set[str] = field(default_factory=set)
    data: dict[str, Any] = field(default_factory=dict)
    stats: list[Stat] = field(default_factory=list)


def _stage_counts(qs: Any) -> list[tuple[str, int]]:
    """(stage label, count) in pipeline order, stages with no applications left out."""
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("id")))
    return [(str(label), counts[value]) for value, label in Stage.choices if value in counts]


def _student(board: Dashboard, viewer: User) -> None:
    board.sections.add("student")
    board.data["open_opportunities"] = closing_soonest(viewer, LIMIT)
    mine = applications_for(viewer).filter(student=viewer)
    board.data["my_applications"] = list(
        mine.select_related("opportunity__host").order_by("-updated_at")[:LIMIT]
    )
    counts = dict(mine.order_by().values_list("stage").annotate(n=Count("id")))
    board.data["my_stage_counts"] = [
        (str(label), counts[value]) for value, label in Stage.choices if value in counts
    ]
    active = sum(n for stage, n in counts.items() if stage not in CLOSED_STAGES)
    offers = counts.get(Stage.OFFER, 0)
    board.data["recommended"] = list(recommendations_for(viewer)[:3])
    soon = timezone.now() + timedelta(days=7)
    due_soon = sum(
        1
        for o in board.data["open_opportunities"]
        if o.application_deadline is not None and o.application_deadline <= soon
    )
    board.stats += [
        Stat(_("Applications in progress"), active, "applications:list"),
        Stat(_("Offers to answer"), offers, "applications:list", attention=offers > 0),
        Stat(_("Deadlines in the next 7 days"), due_soon, "opportunities:list"),
    ]


def _coordinator(board: Dashboard, viewer: User, today: date) -> None:
    board.sections.add("institution")
    partnerships = partnerships_for(viewer)
    review_by = today + timedelta(days=REVIEW_DUE_DAYS)
    board.data["partnerships"] = list(
        partnerships.filter(
            next_review_date__isnull=False, next_review_date__lte=review_by
        ).order_by("next_review_date", "pk")[:LIMIT]
    )
    reviews_due = partnerships.filter(
        next_review_date__isnull=False, next_review_date__lte=review_by
    ).count()
    board.data["today"] = today
    at_risk = kpis_at_risk_for(viewer)
    board.data["kpis_at_risk"] = list(at_risk[:LIMIT])
    waiting = awaiting_approval_for(viewer)
    board.data["awaiting_approval"] = list(waiting.select_related("host")[:LIMIT])
    unplaced_n, board.data["unplaced_students"] = unplaced_students_summary(viewer, LIMIT)
    # The same counts as the applications list's, cached (applications.stage_counts).
    counts = stage_counts_for(viewer)
    stage_counts = [
        (str(label), counts[value]) for value, label in Stage.choices if counts.get(value)
    ]
    board.data["student_stage_counts"] = stage_counts
    board.data["stage_chart"] = charts.bar_chart(
        _("Your students' applications by stage"),
        [label for label, _n in stage_counts],
        [n for _label, n in stage_counts],
    )
    waiting_n = waiting.count()
    if "coordinator" not in board.roles:
        unplaced_n = 0
    at_risk_n = at_risk.count()
    board.stats += [
        Stat(_("Postings to approve"), waiting_n, "opportunities:approvals", waiting_n > 0),
        Stat(_("Students without a placement"), unplaced_n, "", False),
        Stat(_("KPIs at risk"), at_risk_n, "partnerships:list", at_risk_n > 0),
        Stat(_("Reviews due within 30 days"), reviews_due, "partnerships:list", reviews_due > 0),
    ]


def _recruiter(board: Dashboard, viewer: User) -> None:
    board.sections.add("partner")
    orgs = org_ids(viewer, [Role.RECRUITER])
    # The newest postings first (the host's index), then their applicants counted: not a
    # count of every posting's applications sorted afterwards (2,500 postings a host in the
    # big world).
    mine = opportunities_visible_to(viewer).filter(host_id__in=orgs)
    latest = mine.order_by("-created_at", "-pk").values("pk")[:LIMIT]
    board.data["my_postings"] = list(
        mine.filter(pk__in=latest)
        .annotate(
            applicant_count=Count("applications"),
            new_count=Count("applications", filter=Q(applications__stage=Stage.SUBMITTED)),
            seats_taken=Count(
                "applications", filter=Q(applications__stage__in=SEAT_HOLDING_STAGES)
            ),
        )
        .order_by("-created_at", "-pk")
    )
    board.data["recent_applicants"] = received_for(viewer, list(orgs), limit=LIMIT)
    counts = received_stage_counts(viewer, list(orgs))
    new = counts.get(Stage.SUBMITTED, 0)
    in_review = sum(counts.get(s, 0) for s in (Stage.UNDER_REVIEW, Stage.SHORTLISTED))
    interviews = counts.get(Stage.INTERVIEW, 0)
    board.stats += [
        Stat(_("New applicants to review"), new, "applications:list", new > 0),
        Stat(_("Applications in review"), in_review, "applications:list"),
        Stat(_("Interviews"), interviews, "applications:list"),
    ]


def _supervisor(board: Dashboard, viewer: User, today: date) -> list[Any]:
    board.sections.add("supervisor")
    interns, other_surveys = _intern_rows(viewer, today)
    board.data["my_interns"] = interns
    board.data["today"] = today
    hours = hours_to_review(viewer)
    board.data["hours_waiting"] = list(hours[:LIMIT])
    totals = hours.aggregate(n=Count("id"), total=Sum("hours"))
    board.data["hours_waiting_total"] = totals["total"] or 0
    on_placement = sum(1 for r in interns if r.application.stage == Stage.PLACED)
    due = sum(1 for r in interns if r.due)
    board.stats += [
        Stat(_("Interns on placement"), on_placement),
        Stat(
            _("Hours entries to approve"), totals["n"], "placements:hours_review", totals["n"] > 0
        ),
        Stat(_("Interns with something due"), due, "", due > 0),
    ]
    return other_surveys


def _educator(board: Dashboard, viewer: User) -> None:
    board.sections.add("educator")
    programs = educator_worklist(viewer, LIMIT)
    board.data["educator_programs"] = programs
    to_confirm = sum(p.to_confirm for p in programs)  # type: ignore[attr-defined]
    proposals = sum(p.proposals for p in programs)  # type: ignore[attr-defined]
    board.data["educator_waiting"] = to_confirm + proposals
    board.stats += [
        Stat(_("Skill suggestions to confirm"), to_confirm, "curricula:list", to_confirm > 0),
        Stat(_("Partner proposals to decide"), proposals, "curricula:list", proposals > 0),
    ]


def _follower(board: Dashboard, viewer: User) -> None:
    """Mentors and funders: the partnerships they follow, with how their KPIs stand."""
    board.sections.add("partnerships_only")
    followed = partnerships_for(viewer).annotate(
        kpis_on_track=Count(
            "objectives__kpis", filter=Q(objectives__kpis__status="on_track"), distinct=True
        ),
        kpis_at_risk=Count(
            "objectives__kpis",
            filter=Q(objectives__kpis__status__in=["at_risk", "off_track"]),
            distinct=True,
        ),
    )
    board.data["partnerships"] = list(followed[:LIMIT])
    if "funder" in board.roles:
        board.stats += [
            Stat(_("Partnerships you follow"), followed.count(), "partnerships:list"),
            Stat(
                _("KPIs at risk"),
                kpis_at_risk_for(viewer).count(),
                "partnerships:list",
            ),
        ]


def dashboard_for(viewer: User) -> Dashboard:
    """The home page of a signed-in person: each role they hold adds its own work, the most
    pressing first, each with its headline numbers (``stats``)."""
    roles = roles_of(viewer)
    board = Dashboard(roles=roles)
    admin = is_platform_admin(viewer)
    today = timezone.localdate()

    if admin:
        board.sections.add("admin")
        board.data["health"] = install_health()
        h = board.data["health"]
        board.stats += [
            Stat(_("Tasks waiting"), h.queued, "", h.queued > 100),
            Stat(_("Failed tasks (7 days)"), h.failed_recent, "", h.failed_recent > 0),
            Stat(_("Failed jobs (7 days)"), h.failed_jobs, "", h.failed_jobs > 0),
        ]
    if student_institution_ids(viewer):
        _student(board, viewer)
    if org_ids(viewer, [Role.COORDINATOR]):
        _coordinator(board, viewer, today)
    if "educator" in roles:
        _educator(board, viewer)
    if "recruiter" in roles:
        _recruiter(board, viewer)

    if "supervisor" in roles:
        other_surveys = _supervisor(board, viewer, today)
    else:
        other_surveys = list(pending_invitations_for(viewer)[:LIMIT])
    if other_surveys:
        board.sections.add("surveys")
        board.data["pending_surveys"] = other_surveys[:LIMIT]

    if "mentor" in roles or "student" in roles:
        pairs = list(my_published_pairs(viewer)[:50])
        if pairs:
            board.sections.add("mentoring")
            board.data["my_mentees"] = [
                p for p in pairs if p.mentor.membership.user_id == viewer.pk
            ]
            board.data["my_mentors"] = [p for p in pairs if p.mentee.student_id == viewer.pk]
            # What follows the pairing (the mentoring app): the next scheduled sessions of
            # the viewer's pairs and, for mentors, their pairs that have gone quiet.
            board.data["next_sessions"] = next_sessions_for(viewer)
            if board.data["my_mentees"]:
                board.data["quiet_pairs"] = quiet_pairs_of_mentor(viewer)
        if "mentor" in roles:
            board.stats.append(Stat(_("Mentees"), len(board.data.get("my_mentees", []))))
            quiet = len(board.data.get("quiet_pairs", []))
            if quiet:
                board.stats.append(Stat(_("Quiet mentoring pairs"), quiet, "mentoring:pairs", True))

    if roles & {"mentor", "funder"} and "institution" not in board.sections:
        _follower(board, viewer)
    if "student" in roles:
        n = len(board.data.get("pending_surveys", []))
        board.stats.append(Stat(_("Surveys to answer"), n, "surveys:list", n > 0))
    return board


@dataclass(frozen=True)
class Health:
    """The install's health for the platform admin's home."""

    queued: int
    running: int
    failed_recent: int
    failed_list: list[Any]
    failed_jobs: int
    task_backend: str
    versions: list[tuple[str, str]]


def install_health() -> Health:
    """Queue depth, running and failed background tasks (the database task backend's table,
    when it is the backend), failed extraction jobs, and the versions that run. A few COUNT
    queries; nothing is written."""
    # The database backend's model exists only when its app is installed (not with RQ).
    since = timezone.now() - timedelta(days=7)
    backend = str(settings.TASKS["default"]["BACKEND"])
    queued = running = failed_recent = 0
    failed_list: list[Any] = []
    if backend.startswith("django_tasks_db"):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        by_status = dict(
            DBTaskResult.objects.order_by()
            .filter(
                Q(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
                | Q(status=TaskResultStatus.FAILED, enqueued_at__gte=since)
            )
            .values_list("status")
            .annotate(n=Count("id"))
        )
        queued = by_status.get(TaskResultStatus.READY, 0)
        running = by_status.get(TaskResultStatus.RUNNING, 0)
        failed_recent = by_status.get(TaskResultStatus.FAILED, 0)
        failed_list = list(
            DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, enqueued_at__gte=since)
            .order_by("-enqueued_at")
            .only("task_path", "exception_class_path", "finished_at", "enqueued_at")[:5]
        )
    try:
        tandem_version = metadata.version("tandem")
    except metadata.PackageNotFoundError:
        tandem_version = "?"
    versions = [
        ("Tandem", tandem_version),
        ("Django", django.get_version()),
        ("Python", platform.python_version()),
        (
            connection.display_name,
            ".".join(str(p) for p in connection.get_database_version()),  # type: ignore[attr-defined]
        ),
    ]
    return Health(
        queued=queued,
        running=running,
        failed_recent=failed_recent,
        failed_list=failed_list,
        failed_jobs=failed_extraction_jobs_since(since),
        task_backend=backend.rsplit(".", 1)[-1],
        versions=versions,
    )
