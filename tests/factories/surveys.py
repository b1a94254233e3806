"""Surveys: a ready-made cast and a survey with one question of each kind."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.accounts.models import User
from tandem.organizations.models import Organization, Role
from tests.factories.organizations import InstitutionFactory, PartnerFactory, UserFactory, member


# --- Surveys ------------------------------------------------------------------------------------
@dataclass
class SurveyCast:
    """Everyone around one institution's survey, for authorization matrices."""

    institution: Organization
    other_institution: Organization
    partner: Organization
    coordinator: User
    educator: User
    student: User
    other_coordinator: User
    recruiter: User
    outsider: User
    admin: User

    def role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def survey_cast() -> SurveyCast:
    inst, other = InstitutionFactory(), InstitutionFactory()
    partner = PartnerFactory()
    return SurveyCast(
        institution=inst,
        other_institution=other,
        partner=partner,
        coordinator=member(inst, Role.COORDINATOR),
        educator=member(inst, Role.EDUCATOR),
        student=member(inst, Role.STUDENT),
        other_coordinator=member(other, Role.COORDINATOR),
        recruiter=member(partner, Role.RECRUITER),
        outsider=UserFactory(),
        admin=UserFactory(is_staff=True, is_superuser=True),
    )


def survey_with_questions(
    institution: Organization, *, anonymous: bool = False, min_responses: int = 1, publish=True
):
    """A survey with one question of each kind (keys: likert, nps, single, multiple, number,
    text, skills, why — shown only if ``single`` is "no")."""
    from tandem.surveys import services

    survey = services.survey_create(
        actor=None,
        institution=institution,
        title="Placement feedback",
        audience="students",
        is_anonymous=anonymous,
        min_responses=min_responses,
    )
    add = services.question_add
    add(actor=None, survey=survey, key="likert", text="It was good", type="likert", required=True)
    add(actor=None, survey=survey, key="nps", text="Recommend?", type="nps")
    add(
        actor=None,
        survey=survey,
        key="single",
        text="Would you return?",
        type="single",
        required=True,
        options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    )
    add(
        actor=None,
        survey=survey,
        key="multiple",
        text="What helped?",
        type="multiple",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    )
    add(
        actor=None,
        survey=survey,
        key="number",
        text="Hours",
        type="number",
        min_value=0,
        max_value=80,
    )
    add(actor=None, survey=survey, key="text", text="Comments", type="text")
    add(
        actor=None,
        survey=survey,
        key="skills",
        text="Skills",
        type="skills",
        skills=["teamwork", "sql"],
    )
    add(
        actor=None,
        survey=survey,
        key="why",
        text="Why not?",
        type="text",
        required=True,
        condition={"question": "single", "op": "in", "values": ["no"]},
    )
    if publish:
        services.survey_publish(actor=None, survey=survey)
    return survey


VALID_ANSWERS = {
    "likert": "4",
    "nps": "9",
    "single": "yes",
    "multiple": ["a"],
    "number": "12",
    "text": "Great team",
    "skills": {"teamwork": "5", "sql": ""},
}
