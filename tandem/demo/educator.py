"""The educator's work in the demo world: skills the extractor suggested for some of the
Cybersecurity programme's learning outcomes, not yet confirmed or rejected, so that the
educator's home shows what waits for them (docs/homes.md)."""

from __future__ import annotations

from tandem.curricula.models import LearningOutcome, MappingSource, MappingStatus, OutcomeSkill
from tandem.skills.models import SkillConcept

from .profiles import DEMO_SKILLS

#: How many outcomes get one suggestion each.
SUGGESTED_OUTCOMES = 3


def build_educator_work() -> None:
    concepts = list(
        SkillConcept.objects.filter(uri__in=list(DEMO_SKILLS), is_current=True).order_by("uri")
    )
    if not concepts:
        return
    outcomes = LearningOutcome.objects.filter(
        course__program__institution__slug="riverside-cc", course__program__title="Cybersecurity"
    ).order_by("course__code", "position", "pk")[:SUGGESTED_OUTCOMES]
    for i, outcome in enumerate(outcomes):
        linked = set(outcome.skill_links.values_list("concept_id", flat=True))
        free = [c for c in concepts if c.pk not in linked]
        if not free:
            continue
        OutcomeSkill.objects.get_or_create(
            outcome=outcome,
            concept=free[i % len(free)],
            defaults={
                "status": MappingStatus.SUGGESTED,
                "source": MappingSource.EXTRACTOR,
                "score": 0.62,
            },
        )
