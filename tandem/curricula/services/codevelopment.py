"""Co-development with industry partners: comments on outcomes, skill proposals the educator
decides, course endorsements. What a partner writes is checked by the model's rules; "once
per partner" is the database's unique constraint, so a concurrent duplicate is a 409."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.validation import conflict_on_integrity, validated
from tandem.organizations.models import Organization
from tandem.skills.models import SkillConcept

from ..models import (
    Course,
    CourseEndorsement,
    LearningOutcome,
    MappingStatus,
    OutcomeComment,
    OutcomeSkill,
    ProposalStatus,
    SkillProposal,
)
from ..permissions import can_codevelop_program, can_comment_program
from .access import acting_org, require_edit
from .outcomes import mapping_add, require_current

if TYPE_CHECKING:
    from tandem.accounts.models import User

# Foreign keys the services resolve themselves: not checked again by ``validated``.
RESOLVED = ["outcome", "course", "concept", "organization", "author", "proposed_by", "endorsed_by"]


@transaction.atomic
def outcome_comment(
    *, actor: User, outcome: LearningOutcome, body: str, organization: Organization | None = None
) -> OutcomeComment:
    """Comment on an outcome (co-developing partners and the institution's staff)."""
    program = outcome.course.program
    if not can_comment_program(actor, program):
        raise PermissionDeniedError(_("Only curriculum partners and staff comment here."))
    comment = OutcomeComment(outcome=outcome, author=actor, body=(body or "").strip())
    validated(comment, exclude=RESOLVED)
    comment.organization_id = acting_org(actor, program, organization)
    comment.save()
    audit_record(
        actor=actor,
        action="curricula.outcome.comment",
        target=comment,
        organizations=[program.institution_id, comment.organization_id],
    )
    return comment


@transaction.atomic
def skill_propose(
    *,
    actor: User,
    outcome: LearningOutcome,
    concept: SkillConcept,
    note: str = "",
    organization: Organization | None = None,
) -> SkillProposal:
    """A co-developing partner proposes a skill for an outcome; the educator decides."""
    program = outcome.course.program
    if not can_codevelop_program(actor, program):
        raise PermissionDeniedError(_("Only partners in a curriculum partnership propose skills."))
    require_current(concept)
    proposal = SkillProposal(
        outcome=outcome, concept=concept, proposed_by=actor, note=(note or "").strip()
    )
    validated(proposal, exclude=RESOLVED)
    proposal.organization_id = acting_org(actor, program, organization)
    if OutcomeSkill.objects.filter(
        outcome=outcome, concept=concept, status=MappingStatus.CONFIRMED
    ).exists():
        raise ConflictError(_("The outcome already teaches this skill."))
    with conflict_on_integrity(_("Your organization has already proposed this skill.")):
        proposal.save()
    audit_record(
        actor=actor,
        action="curricula.skill.propose",
        target=proposal,
        organizations=[program.institution_id, proposal.organization_id],
        changes={"skill": concept.uri},
    )
    return proposal


@transaction.atomic
def proposal_decide(*, actor: User, proposal: SkillProposal, accept: bool) -> SkillProposal:
    """The educator accepts (the skill becomes a confirmed mapping) or declines a proposal."""
    program = proposal.outcome.course.program
    require_edit(actor, program)
    proposal = SkillProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise ConflictError(_("This proposal has already been decided."))
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    if accept:
        mapping_add(actor=actor, outcome=proposal.outcome, concept=proposal.concept)
    audit_record(
        actor=actor,
        action=f"curricula.proposal.{proposal.status}",
        target=proposal,
        organizations=[program.institution_id, proposal.organization_id],
        changes={"skill": proposal.concept.uri},
    )
    return proposal


@transaction.atomic
def course_endorse(
    *, actor: User, course: Course, note: str = "", organization: Organization | None = None
) -> CourseEndorsement:
    """A co-developing partner endorses a course (once per partner organization)."""
    program = course.program
    if not can_codevelop_program(actor, program):
        raise PermissionDeniedError(_("Only partners in a curriculum partnership endorse."))
    endorsement = CourseEndorsement(course=course, endorsed_by=actor, note=(note or "").strip())
    validated(endorsement, exclude=RESOLVED)
    endorsement.organization_id = acting_org(actor, program, organization)
    with conflict_on_integrity(_("Your organization already endorses this course.")):
        endorsement.save()
    audit_record(
        actor=actor,
        action="curricula.course.endorse",
        target=endorsement,
        organizations=[program.institution_id, endorsement.organization_id],
    )
    return endorsement
