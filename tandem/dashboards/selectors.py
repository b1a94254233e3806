"""What each role's dashboard shows, gathered from the apps' own selectors.

Every number here comes from a selector that takes the viewer, so a dashboard can never show
more than the lists behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.models import User
from tandem.applications.models import SEAT_HOLDING_STAGES, Stage
from tandem.applications.selectors import (
    applications_for,
    stage_counts_for,
    supervised_placements,
)
from tandem.matching.selectors import my_published_pairs
from tandem.opportunities.selectors import (
    awaiting_approval_for,
    closing_soonest,
    opportunities_visible_to,
)
from tandem.organizations.permissions import (
    is_platform_admin,
    partner_staff_org_ids,
    roles_of,
    staff_institution_ids,
    student_institution_ids,
)
from tandem.partnerships.selectors import kpis_at_risk_for, partnerships_for
from tandem.surveys.selectors import pending_invitations_for, placement_end_application

LIMIT = 8
#: A placement ending within this many days is flagged on the supervisor's list.
ENDING_SOON_DAYS = 14


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


@dataclass
class Dashboard:
    roles: set[str]
    sections: set[str] = field(default_factory=set)
    data: dict[str, Any] = field(default_factory=dict)


def _stage_counts(qs: Any) -> list[tuple[str, int]]:
    """(stage label, count) in pipeline order, stages with no applications left out."""
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("id")))
    return [(str(label), counts[value]) for value, label in Stage.choices if value in counts]


def dashboard_for(viewer: User) -> Dashboard:
    """The home page of a signed-in person: one section per role they hold."""
    roles = roles_of(viewer)
    board = Dashboard(roles=roles)
    admin = is_platform_admin(viewer)

    if student_institution_ids(viewer):
        board.sections.add("student")
        board.data["open_opportunities"] = closing_soonest(viewer, LIMIT)
        mine = applications_for(viewer).filter(student=viewer)
        board.data["my_applications"] = list(
            mine.select_related("opportunity__host").order_by("-updated_at")[:LIMIT]
        )
        board.data["my_stage_counts"] = _stage_counts(mine)

    if staff_institution_ids(viewer) or admin:
        board.sections.add("institution")
        partnerships = partnerships_for(viewer)
        board.data["partnership_counts"] = list(
            partnerships.order_by().values_list("status").annotate(n=Count("id"))
        )
        board.data["partnerships"] = list(partnerships.order_by("next_review_date")[:LIMIT])
        board.data["kpis_at_risk"] = list(kpis_at_risk_for(viewer)[:LIMIT])
        board.data["awaiting_approval"] = list(
            awaiting_approval_for(viewer).select_related("host")[:LIMIT]
        )
        # The same counts as the applications list's, cached (applications.stage_counts).
        counts = stage_counts_for(viewer)
        board.data["student_stage_counts"] = [
            (str(label), counts[value]) for value, label in Stage.choices if counts.get(value)
        ]

    if partner_staff_org_ids(viewer):
        board.sections.add("partner")
        orgs = partner_staff_org_ids(viewer)
        board.data["my_postings"] = list(
            opportunities_visible_to(viewer)
            .filter(host_id__in=orgs)
            .annotate(
                applicant_count=Count("applications"),
                seats_taken=Count(
                    "applications", filter=Q(applications__stage__in=SEAT_HOLDING_STAGES)
                ),
            )
            .order_by("-created_at")[:LIMIT]
        )
        board.data["recent_applicants"] = list(
            applications_for(viewer)
            .filter(opportunity__host_id__in=orgs)
            .select_related("opportunity", "student")
            .order_by("-created_at")[:LIMIT]
        )

    if "supervisor" in roles:
        board.sections.add("supervisor")
        today = timezone.localdate()
        interns, other_surveys = _intern_rows(viewer, today)
        board.data["my_interns"] = interns
        board.data["today"] = today
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

    if roles & {"mentor", "funder"} and "institution" not in board.sections:
        board.sections.add("partnerships_only")
        board.data["partnerships"] = list(partnerships_for(viewer)[:LIMIT])
    return board
