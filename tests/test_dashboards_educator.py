"""The educator's home counts the skills suggested for their programmes' outcomes and the
partners' pending proposals — their institution's only."""

from __future__ import annotations

import uuid

from tandem.curricula.models import (
    Course,
    LearningOutcome,
    MappingStatus,
    OutcomeSkill,
    Program,
    ProposalStatus,
    SkillProposal,
)
from tandem.curricula.selectors import educator_worklist
from tandem.organizations.models import Role
from tandem.skills.models import SkillConcept
from tests.factories import member, opportunity_cast


def _concept(n: int) -> SkillConcept:
    return SkillConcept.objects.create(
        uri=f"http://example.org/skill/{n}",
        esco_id=uuid.uuid5(uuid.NAMESPACE_URL, f"skill-{n}"),
        preferred_label=f"skill {n}",
    )


def _outcome(program: Program, text: str) -> LearningOutcome:
    course = Course.objects.create(program=program, title=f"Course {text}", code=text[:6])
    return LearningOutcome.objects.create(course=course, text=text, position=0)


def test_educator_home_counts_what_waits_in_their_programmes(client, db):
    cast = opportunity_cast()
    educator = member(cast.inst, Role.EDUCATOR)
    mine = Program.objects.create(institution=cast.inst, title="Networks")
    other = Program.objects.create(institution=cast.other_inst, title="Elsewhere")
    a, b = _outcome(mine, "Outcome A"), _outcome(mine, "Outcome B")
    s1, s2, s3 = _concept(1), _concept(2), _concept(3)
    OutcomeSkill.objects.create(outcome=a, concept=s1, status=MappingStatus.SUGGESTED)
    OutcomeSkill.objects.create(outcome=b, concept=s2, status=MappingStatus.SUGGESTED)
    OutcomeSkill.objects.create(outcome=b, concept=s3, status=MappingStatus.CONFIRMED)
    SkillProposal.objects.create(
        outcome=a, concept=s3, organization=cast.host, status=ProposalStatus.PENDING
    )
    SkillProposal.objects.create(
        outcome=b, concept=s1, organization=cast.host, status=ProposalStatus.DECLINED
    )
    elsewhere = _outcome(other, "Outcome X")
    OutcomeSkill.objects.create(outcome=elsewhere, concept=s1, status=MappingStatus.SUGGESTED)

    rows = educator_worklist(educator)
    assert [(p.title, p.to_confirm, p.proposals) for p in rows] == [("Networks", 2, 1)]
    assert educator_worklist(cast.coordinator) == []  # a coordinator teaches nothing

    client.force_login(educator)
    html = client.get("/").content.decode()
    assert "Networks" in html and "Elsewhere" not in html
    assert "Skill suggestions to confirm" in html
    assert "Nothing waits for your decision" not in html
