"""Curriculum co-development: partners in a curriculum partnership view, comment, propose
skills and endorse; educators decide. Authorization matrix for each page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.accounts.personal_data import erasers, export_personal_data
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError
from tandem.curricula import services
from tandem.curricula.models import (
    CourseEndorsement,
    MappingStatus,
    OutcomeComment,
    OutcomeSkill,
    SkillProposal,
)
from tandem.organizations.models import Role
from tandem.skills.services.extraction import reset_extractor
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    LearningOutcomeFactory,
    PartnerFactory,
    PartnershipFactory,
    ProgramFactory,
    UserFactory,
    member,
    small_taxonomy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    reset_extractor()
    concepts = small_taxonomy()
    school = InstitutionFactory()
    partner = PartnerFactory()
    other_partner = PartnerFactory()
    p = PartnershipFactory(types=["curriculum"], status="active", institutions=[school])
    p.partners.set([partner])
    q = PartnershipFactory(types=["internships"], status="active", institutions=[school])
    q.partners.set([other_partner])
    course = CourseFactory(program=ProgramFactory(institution=school))
    outcome = LearningOutcomeFactory(course=course, text="Query data with SQL.")
    proposal = SkillProposal.objects.create(
        outcome=outcome, concept=concepts["Python (computer programming)"], organization=partner
    )
    yield {
        "concepts": concepts,
        "school": school,
        "partner": partner,
        "other_partner": other_partner,
        "course": course,
        "outcome": outcome,
        "proposal": proposal,
    }
    reset_extractor()


def _user(world, who):
    return {
        "anonymous": lambda: None,
        "no-membership": UserFactory,
        "other-educator": lambda: member(InstitutionFactory(), Role.EDUCATOR),
        "student": lambda: member(world["school"], Role.STUDENT),
        "educator": lambda: member(world["school"], Role.EDUCATOR),
        "partner-not-curriculum": lambda: member(world["other_partner"], Role.RECRUITER),
        "curriculum-partner": lambda: member(world["partner"], Role.RECRUITER),
        "curriculum-supervisor": lambda: member(world["partner"], Role.SUPERVISOR),
    }[who]()


def _state():
    return (
        OutcomeComment.objects.count(),
        list(SkillProposal.objects.values_list("status", flat=True)),
        CourseEndorsement.objects.count(),
        OutcomeSkill.objects.count(),
        AuditEvent.objects.count(),
    )


def _request(client, world, action):
    concept = world["concepts"]["SQL"]
    return {
        "view": lambda: client.get(reverse("curricula:course", args=[world["course"].public_id])),
        "comment": lambda: client.post(
            reverse("curricula:outcome_comment", args=[world["outcome"].public_id]),
            {"body": "Add cloud databases."},
        ),
        "propose": lambda: client.post(
            reverse("curricula:skill_propose", args=[world["outcome"].public_id]),
            {"concept": str(concept.esco_id), "note": "We hire for it."},
        ),
        "endorse": lambda: client.post(
            reverse("curricula:course_endorse", args=[world["course"].public_id]), {"note": ""}
        ),
        "decide": lambda: client.post(
            reverse("curricula:proposal_decide", args=[world["proposal"].public_id]),
            {"decision": "accept"},
        ),
    }[action]()


# Expected status per (who, action); None means "allowed" (200 for view, 302 for writes).
MATRIX = {
    "anonymous": {"view": 302, "comment": 302, "propose": 302, "endorse": 302, "decide": 302},
    "no-membership": {"view": 404, "comment": 404, "propose": 404, "endorse": 404, "decide": 404},
    "other-educator": {"view": 404, "comment": 404, "propose": 404, "endorse": 404, "decide": 404},
    "partner-not-curriculum": {
        "view": 404,
        "comment": 404,
        "propose": 404,
        "endorse": 404,
        "decide": 404,
    },
    "student": {"view": 200, "comment": 403, "propose": 403, "endorse": 403, "decide": 403},
    "educator": {"view": 200, "comment": None, "propose": 403, "endorse": 403, "decide": None},
    "curriculum-partner": {
        "view": 200,
        "comment": None,
        "propose": None,
        "endorse": None,
        "decide": 403,
    },
    "curriculum-supervisor": {
        "view": 200,
        "comment": None,
        "propose": None,
        "endorse": None,
        "decide": 403,
    },
}
CASES = [(who, action, status) for who, row in MATRIX.items() for action, status in row.items()]


@pytest.mark.parametrize("who,action,status", CASES)
def test_matrix(client, world, who, action, status):
    user = _user(world, who)
    if user:
        client.force_login(user)
    before = _state()
    response = _request(client, world, action)
    if status is None:
        assert response.status_code == 302, response.content[:300]
        assert _state() != before
    else:
        assert response.status_code == status
        if action != "view":
            assert _state() == before


def test_concluded_curriculum_partnership_gives_no_access(client, world):
    from tandem.partnerships.models import Partnership

    Partnership.objects.filter(types__isnull=False).update(status="concluded")
    client.force_login(_user(world, "curriculum-partner"))
    assert _request(client, world, "view").status_code == 404


def test_partner_flow_and_educator_decides(client, world):
    partner_user = _user(world, "curriculum-partner")
    educator = _user(world, "educator")
    client.force_login(partner_user)
    page = client.get(reverse("curricula:course", args=[world["course"].public_id]))
    assert "Propose a skill" in page.text and "Endorse this course" in page.text
    search = client.get(
        reverse("curricula:skill_propose", args=[world["outcome"].public_id]), {"q": "sql"}
    )
    assert search.status_code == 200 and "Propose" in search.text
    assert _request(client, world, "propose").status_code == 302
    assert _request(client, world, "endorse").status_code == 302
    assert _request(client, world, "endorse").status_code == 409  # once per organization
    assert _request(client, world, "comment").status_code == 302
    proposal = SkillProposal.objects.get(concept=world["concepts"]["SQL"])
    assert (proposal.organization, proposal.proposed_by) == (world["partner"], partner_user)

    client.force_login(educator)
    page = client.get(reverse("curricula:course", args=[world["course"].public_id]))
    assert "Co-development history" in page.text
    assert "Add cloud databases." in page.text and "endorsed the course" in page.text
    response = client.post(
        reverse("curricula:proposal_decide", args=[proposal.public_id]), {"decision": "accept"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == educator
    mapping = OutcomeSkill.objects.get(outcome=world["outcome"], concept=world["concepts"]["SQL"])
    assert mapping.status == MappingStatus.CONFIRMED
    again = client.post(
        reverse("curricula:proposal_decide", args=[proposal.public_id]), {"decision": "decline"}
    )
    assert again.status_code == 409
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "curricula.skill.propose",
        "curricula.course.endorse",
        "curricula.outcome.comment",
        "curricula.proposal.accepted",
        "curricula.mapping.add",
    } <= actions


def test_bad_input_is_4xx(client, world):
    client.force_login(_user(world, "curriculum-partner"))
    url = reverse("curricula:skill_propose", args=[world["outcome"].public_id])
    assert client.post(url, {"concept": "nope"}).status_code == 400
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.post(url, {"concept": unknown}).status_code == 400
    comment = reverse("curricula:outcome_comment", args=[world["outcome"].public_id])
    assert client.post(comment, {"body": ""}).status_code == 400
    assert client.post(comment, {"body": "x" * 4001}).status_code == 400
    client.force_login(_user(world, "educator"))
    decide = reverse("curricula:proposal_decide", args=[world["proposal"].public_id])
    assert client.post(decide, {"decision": "maybe"}).status_code == 400
    assert _state()[0] == 0


def test_duplicate_proposal_and_taught_skill_conflict(world):
    user = _user(world, "curriculum-partner")
    with pytest.raises(ConflictError):
        services.skill_propose(
            actor=user,
            outcome=world["outcome"],
            concept=world["concepts"]["Python (computer programming)"],
        )
    OutcomeSkill.objects.create(
        outcome=world["outcome"], concept=world["concepts"]["SQL"], status="confirmed"
    )
    with pytest.raises(ConflictError):
        services.skill_propose(
            actor=user, outcome=world["outcome"], concept=world["concepts"]["SQL"]
        )


def test_personal_data_export_and_erase(world):
    user = _user(world, "curriculum-partner")
    services.outcome_comment(actor=user, outcome=world["outcome"], body="Mine.")
    services.course_endorse(actor=user, course=world["course"], note="Great.")
    data = export_personal_data(user)["curricula"]
    assert [c["body"] for c in data["comments"]] == ["Mine."]
    assert [e["note"] for e in data["endorsements"]] == ["Great."]
    erasers()["curricula"](user)
    comment = OutcomeComment.objects.get()
    assert (comment.author, comment.body) == (None, "")
    assert CourseEndorsement.objects.get().note == ""
