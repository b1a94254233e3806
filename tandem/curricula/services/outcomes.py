"""Learning outcomes and their skill mappings: the extractor suggests, the educator confirms,
rejects or adds. A change to what a course teaches refreshes its students' skill profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.changes import COURSE_SKILLS_CHANGED, announce
from tandem.core.errors import DomainError
from tandem.core.validation import conflict_on_integrity, validated
from tandem.skills.models import SkillConcept
from tandem.skills.services import extract_lexical

from ..models import (
    Course,
    LearningOutcome,
    MappingSource,
    MappingStatus,
    OutcomeSkill,
)
from .access import require_edit

if TYPE_CHECKING:
    from tandem.accounts.models import User

SUGGESTIONS_PER_OUTCOME = 8


@transaction.atomic
def outcome_create(
    *, actor: User, course: Course, text: str, suggest: bool = True
) -> LearningOutcome:
    """Add a learning outcome to a course and, unless ``suggest`` is false, let the extractor
    suggest skills for it."""
    require_edit(actor, course.program)
    last = course.outcomes.aggregate(m=Max("position"))["m"]
    outcome = LearningOutcome(
        course=course, text=(text or "").strip(), position=0 if last is None else last + 1
    )
    validated(outcome, exclude=["course"])
    outcome.save()
    audit_record(
        actor=actor,
        action="curricula.outcome.create",
        target=outcome,
        organizations=[course.program.institution_id],
        changes={"course": str(course.public_id), "text": outcome.text},
    )
    if suggest:
        _suggest(outcome)
    return outcome


@transaction.atomic
def outcome_update(*, actor: User, outcome: LearningOutcome, text: str) -> LearningOutcome:
    """Reword an outcome. Suggestions that no one has decided are refreshed for the new text;
    confirmed and rejected mappings stay as the educator left them."""
    program = outcome.course.program
    require_edit(actor, program)
    old = outcome.text
    outcome.text = (text or "").strip()
    try:
        validated(outcome, exclude=["course"])
    except DomainError:
        outcome.text = old
        raise
    outcome.save(update_fields=["text", "updated_at"])
    audit_record(
        actor=actor,
        action="curricula.outcome.update",
        target=outcome,
        organizations=[program.institution_id],
        changes={"text": [old, outcome.text]},
    )
    if old != outcome.text:
        outcome.skill_links.filter(status=MappingStatus.SUGGESTED).delete()
        _suggest(outcome)
    return outcome


@transaction.atomic
def outcome_delete(*, actor: User, outcome: LearningOutcome) -> None:
    """Delete an outcome and its mappings."""
    program = outcome.course.program
    require_edit(actor, program)
    audit_record(
        actor=actor,
        action="curricula.outcome.delete",
        target=outcome,
        organizations=[program.institution_id],
        changes={"text": outcome.text},
    )
    had_confirmed = outcome.skill_links.filter(status=MappingStatus.CONFIRMED).exists()
    outcome.delete()
    if had_confirmed:
        announce(COURSE_SKILLS_CHANGED, ids=[outcome.course_id])


def _suggest(outcome: LearningOutcome) -> list[OutcomeSkill]:
    matches = extract_lexical(outcome.text, top_k=SUGGESTIONS_PER_OUTCOME)
    if not matches:
        return []
    concepts = dict(
        SkillConcept.objects.filter(uri__in=[m.uri for m in matches]).values_list("uri", "pk")
    )
    known = set(outcome.skill_links.values_list("concept_id", flat=True))
    new = [
        OutcomeSkill(
            outcome=outcome,
            concept_id=concepts[m.uri],
            status=MappingStatus.SUGGESTED,
            source=MappingSource.EXTRACTOR,
            score=round(m.score, 4),
            spans=[list(s) for s in m.spans],
        )
        for m in matches
        if m.uri in concepts and concepts[m.uri] not in known
    ]
    OutcomeSkill.objects.bulk_create(new)
    return new


@transaction.atomic
def outcome_suggest_skills(*, actor: User, outcome: LearningOutcome) -> int:
    """Run the extractor on the outcome again; adds suggestions for skills not yet linked.
    Returns how many were added."""
    require_edit(actor, outcome.course.program)
    return len(_suggest(outcome))


# --- Mappings -------------------------------------------------------------------------------
def require_current(concept: SkillConcept) -> None:
    """DomainError on the ``concept`` field unless the ESCO concept is current."""
    if not concept.is_current:
        raise DomainError(
            _("This ESCO concept is no longer current."),
            fields={"concept": _("This ESCO concept is no longer current.")},
        )


@transaction.atomic
def mapping_decide(*, actor: User, mapping: OutcomeSkill, status: str) -> OutcomeSkill:
    """Confirm or reject a mapping (or return it to ``suggested``)."""
    program = mapping.outcome.course.program
    require_edit(actor, program)
    mapping = OutcomeSkill.objects.select_for_update().get(pk=mapping.pk)
    old = mapping.status
    mapping.status = status
    if status == MappingStatus.SUGGESTED:
        mapping.decided_by, mapping.decided_at = None, None
    else:
        mapping.decided_by, mapping.decided_at = actor, timezone.now()
    validated(mapping, exclude=["outcome", "concept", "decided_by"])
    mapping.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action=f"curricula.mapping.{status}",
        target=mapping,
        organizations=[program.institution_id],
        changes={"status": [old, status], "skill": mapping.concept.uri},
    )
    if MappingStatus.CONFIRMED in (old, status) and old != status:
        # Students who completed the course gain or lose the skill on their profiles.
        announce(COURSE_SKILLS_CHANGED, ids=[mapping.outcome.course_id])
    return mapping


@transaction.atomic
def mapping_add(*, actor: User, outcome: LearningOutcome, concept: SkillConcept) -> OutcomeSkill:
    """Link an outcome to a skill the educator chose from the taxonomy; the link is confirmed
    at once. An existing link to the same skill is confirmed instead."""
    program = outcome.course.program
    require_edit(actor, program)
    require_current(concept)
    existing = OutcomeSkill.objects.filter(outcome=outcome, concept=concept).first()
    if existing is not None:
        return mapping_decide(actor=actor, mapping=existing, status=MappingStatus.CONFIRMED)
    # A concurrent add of the same skill loses to the unique constraint.
    with conflict_on_integrity(_("This skill is already linked to the outcome.")):
        mapping = OutcomeSkill.objects.create(
            outcome=outcome,
            concept=concept,
            status=MappingStatus.CONFIRMED,
            source=MappingSource.EDUCATOR,
            decided_by=actor,
            decided_at=timezone.now(),
        )
    audit_record(
        actor=actor,
        action="curricula.mapping.add",
        target=mapping,
        organizations=[program.institution_id],
        changes={"skill": concept.uri},
    )
    announce(COURSE_SKILLS_CHANGED, ids=[outcome.course_id])
    return mapping
