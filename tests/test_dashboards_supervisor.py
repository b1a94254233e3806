"""A workplace supervisor's home: "My interns" — the placements at their organization with
what is due (an evaluation survey, marking an ended placement completed, a hire outcome, an
end date coming up) — and nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.applications.models import Application
from tandem.surveys import triggers
from tests.factories import (
    ApplicationFactory,
    InstitutionFactory,
    PartnerFactory,
    UserFactory,
    member,
    published_opportunity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def placements():
    today = timezone.localdate()
    inst = InstitutionFactory(name="Harbour College")
    host = PartnerFactory(name="Quayside Labs")
    other_host = PartnerFactory(name="Elsewhere Ltd")
    supervisor = member(host, "supervisor", user=UserFactory(full_name="Sue Pervisor"))
    recruiter = member(host, "recruiter", user=UserFactory(full_name="Rick Ruiter"))
    other_supervisor = member(other_host, "supervisor")
    coordinator = member(inst, "coordinator")

    def placement(name: str, stage: str, start_days: int, end_days: int, at=host) -> Application:
        opp = published_opportunity(
            at,
            [inst],
            title=f"Placement of {name}",
            start_date=today + timedelta(days=start_days),
            end_date=today + timedelta(days=end_days),
            skills_wanted="teamwork",
        )
        student = member(inst, "student", user=UserFactory(full_name=name))
        return ApplicationFactory(opportunity=opp, student=student, institution=inst, stage=stage)

    apps = {
        "current": placement("Cara Current", "placed", -30, 40),
        "soon": placement("Sonia Soon", "placed", -60, 5),
        "ended": placement("Ed Ended", "placed", -70, -3),
        "completed": placement("Connie Completed", "completed", -90, -20),
        "hired": placement("Harry Hired", "completed", -90, -20),
        "applicant": placement("Adam Applicant", "interview", 30, 90),
        "elsewhere": placement("Otto Other", "placed", -10, 30, at=other_host),
    }
    Application.objects.filter(pk=apps["hired"].pk).update(hire_outcome="hired")
    # The end-of-placement surveys go out through the product's own triggers.
    triggers.placement_triggers(today, triggers.TriggerReport())
    return {
        "apps": apps,
        "supervisor": supervisor,
        "recruiter": recruiter,
        "other_supervisor": other_supervisor,
        "coordinator": coordinator,
    }


def _section(html: str) -> str:
    start = html.find('data-testid="my-interns"')
    assert start != -1, "no My interns section"
    return html[start : html.find("</section>", start)]


def test_supervisor_sees_their_interns_with_what_is_due(client, placements):
    client.force_login(placements["supervisor"])
    response = client.get("/")
    assert response.status_code == 200
    section = _section(response.content.decode())
    for name in ("Cara Current", "Sonia Soon", "Ed Ended", "Connie Completed"):
        assert name in section, name
    # Not a placement (yet), already recorded, or at another organization.
    for name in ("Adam Applicant", "Harry Hired", "Otto Other"):
        assert name not in section, name
    assert "Harbour College" in section and "Placement of Cara Current" in section
    assert "Placement ends in 5 days" in section
    assert "Placement ended: mark it completed" in section
    assert "Record the hire outcome" in section
    # Ed's placement ended three days ago: the triggers invited his supervisor.
    assert "Answer the evaluation survey" in section
    assert "/surveys/answer/" in section
    # The rows with something due come first; Cara has nothing due.
    rows = section.split("<tr>")[2:]
    assert "Cara Current" in rows[-1] and "Nothing due" in rows[-1]


def test_recruiter_other_supervisor_and_coordinator_do_not_see_them(client, placements):
    for who in ("recruiter", "other_supervisor", "coordinator"):
        client.force_login(placements[who])
        html = client.get("/").content.decode()
        if who == "other_supervisor":
            section = _section(html)
            assert "Otto Other" in section
            assert "Cara Current" not in section and "Ed Ended" not in section
        else:
            assert 'data-testid="my-interns"' not in html, who
            assert "Answer the evaluation survey" not in html, who


def test_supervisor_with_no_interns_is_told_so(client, db):
    supervisor = member(PartnerFactory(), "supervisor")
    client.force_login(supervisor)
    section = _section(client.get("/").content.decode())
    assert "No interns on placement with you right now." in section
