"""Curriculum: programs, courses, outcomes, their skills and a small ESCO taxonomy."""

from __future__ import annotations

import uuid as _uuid

import factory
from factory.django import DjangoModelFactory

from tandem.curricula.models import Course, LearningOutcome, OutcomeSkill, Program
from tandem.skills.models import SkillConcept, SkillGroup, SkillLabel
from tests.factories.organizations import InstitutionFactory


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"Program {n}")


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    code = factory.Sequence(lambda n: f"C{n:03d}")


class LearningOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = LearningOutcome

    course = factory.SubFactory(CourseFactory)
    text = factory.Sequence(lambda n: f"Outcome {n}")


class OutcomeSkillFactory(DjangoModelFactory):
    class Meta:
        model = OutcomeSkill

    outcome = factory.SubFactory(LearningOutcomeFactory)
    status = "suggested"


# (label, alternative labels, hierarchy group code) of the small test taxonomy.
SMALL_TAXONOMY = (
    ("Python (computer programming)", ("Python",), "S5"),
    ("use spreadsheets software", ("work with spreadsheets",), "S5"),
    ("SQL", ("structured query language",), "S5"),
    ("negotiate contracts", ("contract bargaining",), "S1"),
    ("teamwork principles", ("work in teams",), "S1"),
)


def small_taxonomy() -> dict[str, SkillConcept]:
    """A handful of ESCO-like concepts under two hierarchy groups, with stable URIs (the
    same labels always get the same URI, so a cached extractor never goes stale)."""
    root, _ = SkillGroup.objects.get_or_create(code="S", defaults={"name": "skills", "level": 0})
    groups = {
        "S1": SkillGroup.objects.get_or_create(
            code="S1", defaults={"name": "communication", "level": 1, "parent": root}
        )[0],
        "S5": SkillGroup.objects.get_or_create(
            code="S5", defaults={"name": "working with computers", "level": 1, "parent": root}
        )[0],
    }
    concepts: dict[str, SkillConcept] = {}
    for label, alts, code in SMALL_TAXONOMY:
        cid = _uuid.uuid5(_uuid.NAMESPACE_URL, label)
        c = SkillConcept.objects.create(
            uri=f"http://data.europa.eu/esco/skill/{cid}",
            esco_id=cid,
            preferred_label=label,
            kind="skill",
        )
        c.groups.add(groups[code])
        SkillLabel.objects.create(concept=c, label=label, search=label.lower(), is_preferred=True)
        for a in alts:
            SkillLabel.objects.create(concept=c, label=a, search=a.lower())
        concepts[label] = c
    return concepts
