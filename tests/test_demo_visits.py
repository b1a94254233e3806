"""The demo world tells the issue-15 stories: a scheduled site visit, an open incident the
coordinator sees, a minor whose placement waits for guardian consent, a partner whose
insurance certificate expires soon."""

from __future__ import annotations

import pytest

from tandem.accounts.models import User
from tandem.demo.world import build_demo_world
from tandem.placements import selectors
from tandem.placements.models import SiteVisit

pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_demo_world_has_a_visit_an_incident_a_minor_and_an_expiring_insurance():
    build_demo_world()
    visit = SiteVisit.objects.get(status="scheduled")
    student = visit.application.student
    assert [line.visit for line in selectors.visits_of(student, visit.application)] == [visit]
    coordinator = User.objects.get(email__startswith="coordinator@")
    incidents = selectors.incidents_for(coordinator)
    assert [(i.status, i.kind) for i in incidents] == [("open", "safety")]
    checklist = selectors.diligence_checklist(
        visit.application.institution_id, visit.application.opportunity.host_id
    )
    assert {line.kind: line.state for line in checklist}["insurance"] == "expiring"
    admin = User.objects.get(email__startswith="admin@")
    blocked = [
        name
        for row in selectors.compliance_board(admin, status="blocked")
        for name, state in row.blocked_by
    ]
    assert "Parent or guardian consent" in blocked
