"""The demo world tells the placement compliance stories: a clinical placement blocked by an
immunisation that expires before it starts, an apprentice's hours waiting for approval."""

from __future__ import annotations

import pytest

from tandem.accounts.models import User
from tandem.applications.models import Stage
from tandem.demo.world import build_demo_world
from tandem.placements.models import HoursEntry
from tandem.placements.selectors import compliance_board

pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_demo_world_has_a_blocked_clinical_placement_and_hours_to_approve():
    build_demo_world()
    admin = User.objects.get(email__startswith="admin@")
    rows = compliance_board(admin, status="blocked")
    assert any(
        "Hepatitis B immunisation: expired" in f"{n}: {s}" for r in rows for n, s in r.blocked_by
    )
    waiting = HoursEntry.objects.filter(status="logged")
    assert waiting.count() == 3
    assert waiting.first().application.stage == Stage.PLACED


@pytest.mark.django_db
def test_demo_world_has_a_half_signed_internship_agreement():
    from tandem.placements.models import LearningAgreement
    from tandem.placements.selectors import agreements_awaiting_signature

    build_demo_world()
    agreement = LearningAgreement.objects.get(status="signing")
    assert agreement.application.opportunity.type == "internship"
    assert list(agreement.signatures.values_list("role", flat=True)) == ["student", "supervisor"]
    assert agreement.awaiting_role == "educator"
    educator = User.objects.get(email__startswith="educator@")
    assert list(agreements_awaiting_signature(educator)) == [agreement]
    supervisor = User.objects.get(email__startswith="supervisor@")
    assert agreement.signatures.get(role="supervisor").signer == supervisor


@pytest.mark.django_db
def test_the_demo_supervisor_has_the_apprentice_hours_to_approve():
    from tandem.placements.selectors import hours_to_review

    build_demo_world()
    supervisor = User.objects.get(email__startswith="supervisor@")
    waiting = list(hours_to_review(supervisor))
    assert len(waiting) == 3
    assert {e.application.opportunity.type for e in waiting} == {"apprenticeship"}
