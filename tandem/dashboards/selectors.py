"""What each role's dashboard shows, gathered from the apps' own selectors.

Every number here comes from a selector that takes the viewer, so a dashboard can never show
more than the lists behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from tandem.applications.models import SEAT_HOLDING_STAGES, Stage
from tandem.applications.selectors import applications_for
from tandem.opportunities.selectors import awaiting_approval_for, opportunities_visible_to
from tandem.organizations.permissions import (
    is_platform_admin,
    partner_staff_org_ids,
    roles_of,
    staff_institution_ids,
    student_institution_ids,
)
from tandem.partnerships.selectors import kpis_at_risk_for, partnerships_for

LIMIT = 8


@dataclass
class Dashboard:
    roles: set[str]
    sections: set[str] = field(default_factory=set)
    data: dict[str, Any] = field(default_factory=dict)


def _stage_counts(qs: Any) -> list[tuple[str, int]]:
    """(stage label, count) in pipeline order, stages with no applications left out."""
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("id")))
    return [(str(label), counts[value]) for value, label in Stage.choices if value in counts]


def dashboard_for(viewer: Any) -> Dashboard:
    roles = roles_of(viewer)
    board = Dashboard(roles=roles)
    admin = is_platform_admin(viewer)

    if student_institution_ids(viewer):
        board.sections.add("student")
        board.data["open_opportunities"] = list(
            opportunities_visible_to(viewer)
            .select_related("host")
            .order_by("application_deadline")[:LIMIT]
        )
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
        student_apps = applications_for(viewer)
        board.data["student_stage_counts"] = _stage_counts(student_apps)

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

    if roles & {"mentor", "funder"} and "institution" not in board.sections:
        board.sections.add("partnerships_only")
        board.data["partnerships"] = list(partnerships_for(viewer)[:LIMIT])
    return board
