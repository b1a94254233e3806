"""Every write of the curricula app: programs, courses, outcomes and skill mappings.

Each service checks that ``actor`` may edit the owning program (see ``permissions``), runs in
one transaction and writes an audit event readable by the institution's coordinators.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations.models import Organization
from tandem.profiles.refresh import course_skills_changed
from tandem.skills.models import SkillConcept
from tandem.skills.services import REQUEST_MODE, extract_lexical, get_extractor

from . import importers
from .models import (
    Course,
    CourseEndorsement,
    ExtractionJob,
    ImportStatus,
    JobPosting,
    LearningOutcome,
    MappingSource,
    MappingStatus,
    OutcomeComment,
    OutcomeSkill,
    PostingImport,
    Program,
    ProposalStatus,
    SkillProposal,
)
from .permissions import (
    can_codevelop_program,
    can_comment_program,
    can_create_program,
    can_edit_program,
    can_import_postings,
    co_developer_orgs,
)
from .tasks import extract_posting_import

MAX_OUTCOME_LENGTH = 2000
SUGGESTIONS_PER_OUTCOME = 8


def _require_edit(actor: Any, program: Program) -> None:
    if not can_edit_program(actor, program):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution may change its curriculum.")
        )


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(_("A title is required."), fields={"title": _("A title is required.")})
    return title


# --- Programs -------------------------------------------------------------------------------
@transaction.atomic
def program_create(
    *, actor: Any, institution: Organization, title: str, code: str = "", description: str = ""
) -> Program:
    """Create a program owned by ``institution``."""
    if not can_create_program(actor, institution):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution may create programs.")
        )
    title = _clean_title(title)
    if Program.objects.filter(institution=institution, title=title).exists():
        raise ConflictError(
            _("This institution already has a program with that title."),
            fields={"title": _("This institution already has a program with that title.")},
        )
    program = Program.objects.create(
        institution=institution, title=title, code=code.strip(), description=description.strip()
    )
    audit_record(
        actor=actor,
        action="curricula.program.create",
        target=program,
        organizations=[institution],
        changes={"title": title},
    )
    return program


@transaction.atomic
def program_update(
    *, actor: Any, program: Program, title: str, code: str = "", description: str = ""
) -> Program:
    """Change a program's title, code or description."""
    _require_edit(actor, program)
    title = _clean_title(title)
    if (
        Program.objects.filter(institution_id=program.institution_id, title=title)
        .exclude(pk=program.pk)
        .exists()
    ):
        raise ConflictError(
            _("This institution already has a program with that title."),
            fields={"title": _("This institution already has a program with that title.")},
        )
    program.title, program.code, program.description = title, code.strip(), description.strip()
    program.save(update_fields=["title", "code", "description", "updated_at"])
    audit_record(
        actor=actor,
        action="curricula.program.update",
        target=program,
        organizations=[program.institution_id],
        changes={"title": title, "code": program.code},
    )
    return program


@transaction.atomic
def program_delete(*, actor: Any, program: Program) -> None:
    """Delete a program with its courses, outcomes and mappings."""
    _require_edit(actor, program)
    audit_record(
        actor=actor,
        action="curricula.program.delete",
        target=program,
        organizations=[program.institution_id],
    )
    program.delete()


# --- Courses --------------------------------------------------------------------------------
@transaction.atomic
def course_create(
    *, actor: Any, program: Program, title: str, code: str = "", description: str = ""
) -> Course:
    """Add a course to a program."""
    _require_edit(actor, program)
    title = _clean_title(title)
    if Course.objects.filter(program=program, title=title).exists():
        raise ConflictError(
            _("This program already has a course with that title."),
            fields={"title": _("This program already has a course with that title.")},
        )
    course = Course.objects.create(
        program=program, title=title, code=code.strip(), description=description.strip()
    )
    audit_record(
        actor=actor,
        action="curricula.course.create",
        target=course,
        organizations=[program.institution_id],
        changes={"program": str(program.public_id), "title": title},
    )
    return course


@transaction.atomic
def course_update(
    *, actor: Any, course: Course, title: str, code: str = "", description: str = ""
) -> Course:
    """Change a course's title, code or description."""
    _require_edit(actor, course.program)
    title = _clean_title(title)
    if (
        Course.objects.filter(program_id=course.program_id, title=title)
        .exclude(pk=course.pk)
        .exists()
    ):
        raise ConflictError(
            _("This program already has a course with that title."),
            fields={"title": _("This program already has a course with that title.")},
        )
    course.title, course.code, course.description = title, code.strip(), description.strip()
    course.save(update_fields=["title", "code", "description", "updated_at"])
    audit_record(
        actor=actor,
        action="curricula.course.update",
        target=course,
        organizations=[course.program.institution_id],
        changes={"title": title, "code": course.code},
    )
    return course


@transaction.atomic
def course_delete(*, actor: Any, course: Course) -> None:
    """Delete a course with its outcomes and mappings."""
    _require_edit(actor, course.program)
    audit_record(
        actor=actor,
        action="curricula.course.delete",
        target=course,
        organizations=[course.program.institution_id],
    )
    course.delete()


# --- Outcomes -------------------------------------------------------------------------------
def _clean_outcome(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the outcome."), fields={"text": _("Write the outcome.")})
    if len(text) > MAX_OUTCOME_LENGTH:
        msg = _("An outcome has at most %(n)d characters.") % {"n": MAX_OUTCOME_LENGTH}
        raise DomainError(msg, fields={"text": msg})
    return text


@transaction.atomic
def outcome_create(
    *, actor: Any, course: Course, text: str, suggest: bool = True
) -> LearningOutcome:
    """Add a learning outcome to a course and, unless ``suggest`` is false, let the extractor
    suggest skills for it."""
    _require_edit(actor, course.program)
    text = _clean_outcome(text)
    last = course.outcomes.aggregate(m=Max("position"))["m"]
    outcome = LearningOutcome.objects.create(
        course=course, text=text, position=0 if last is None else last + 1
    )
    audit_record(
        actor=actor,
        action="curricula.outcome.create",
        target=outcome,
        organizations=[course.program.institution_id],
        changes={"course": str(course.public_id), "text": text},
    )
    if suggest:
        _suggest(outcome)
    return outcome


@transaction.atomic
def outcome_update(*, actor: Any, outcome: LearningOutcome, text: str) -> LearningOutcome:
    """Reword an outcome. Suggestions that no one has decided are refreshed for the new text;
    confirmed and rejected mappings stay as the educator left them."""
    program = outcome.course.program
    _require_edit(actor, program)
    text = _clean_outcome(text)
    old = outcome.text
    outcome.text = text
    outcome.save(update_fields=["text", "updated_at"])
    audit_record(
        actor=actor,
        action="curricula.outcome.update",
        target=outcome,
        organizations=[program.institution_id],
        changes={"text": [old, text]},
    )
    if old != text:
        outcome.skill_links.filter(status=MappingStatus.SUGGESTED).delete()
        _suggest(outcome)
    return outcome


@transaction.atomic
def outcome_delete(*, actor: Any, outcome: LearningOutcome) -> None:
    """Delete an outcome and its mappings."""
    program = outcome.course.program
    _require_edit(actor, program)
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
        course_skills_changed(course_id=outcome.course_id)


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
def outcome_suggest_skills(*, actor: Any, outcome: LearningOutcome) -> int:
    """Run the extractor on the outcome again; adds suggestions for skills not yet linked.
    Returns how many were added."""
    _require_edit(actor, outcome.course.program)
    return len(_suggest(outcome))


# --- Mappings -------------------------------------------------------------------------------
@transaction.atomic
def mapping_decide(*, actor: Any, mapping: OutcomeSkill, status: str) -> OutcomeSkill:
    """Confirm or reject a mapping (or return it to ``suggested``)."""
    program = mapping.outcome.course.program
    _require_edit(actor, program)
    if status not in MappingStatus.values:
        raise DomainError(
            _("Unknown decision."), fields={"status": _("Choose confirmed or rejected.")}
        )
    mapping = OutcomeSkill.objects.select_for_update().get(pk=mapping.pk)
    old = mapping.status
    mapping.status = status
    if status == MappingStatus.SUGGESTED:
        mapping.decided_by, mapping.decided_at = None, None
    else:
        mapping.decided_by, mapping.decided_at = actor, timezone.now()
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
        course_skills_changed(course_id=mapping.outcome.course_id)
    return mapping


@transaction.atomic
def mapping_add(*, actor: Any, outcome: LearningOutcome, concept: SkillConcept) -> OutcomeSkill:
    """Link an outcome to a skill the educator chose from the taxonomy; the link is confirmed
    at once. An existing link to the same skill is confirmed instead."""
    program = outcome.course.program
    _require_edit(actor, program)
    if not concept.is_current:
        raise DomainError(
            _("This ESCO concept is no longer current."),
            fields={"concept": _("This ESCO concept is no longer current.")},
        )
    existing = OutcomeSkill.objects.filter(outcome=outcome, concept=concept).first()
    if existing is not None:
        return mapping_decide(actor=actor, mapping=existing, status=MappingStatus.CONFIRMED)
    try:
        with transaction.atomic():
            mapping = OutcomeSkill.objects.create(
                outcome=outcome,
                concept=concept,
                status=MappingStatus.CONFIRMED,
                source=MappingSource.EDUCATOR,
                decided_by=actor,
                decided_at=timezone.now(),
            )
    except IntegrityError as exc:  # a concurrent add of the same skill
        raise ConflictError(_("This skill is already linked to the outcome.")) from exc
    audit_record(
        actor=actor,
        action="curricula.mapping.add",
        target=mapping,
        organizations=[program.institution_id],
        changes={"skill": concept.uri},
    )
    course_skills_changed(course_id=outcome.course_id)
    return mapping


# --- Co-development -------------------------------------------------------------------------
MAX_NOTE_LENGTH = 4000


def _clean_note(text: str, *, required: bool, field: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise DomainError(_("Write something first."), fields={field: _("Write something first.")})
    if len(text) > MAX_NOTE_LENGTH:
        msg = _("At most %(n)d characters.") % {"n": MAX_NOTE_LENGTH}
        raise DomainError(msg, fields={field: msg})
    return text


def _acting_org(actor: Any, program: Program, organization: Organization | None) -> int:
    """The organization a comment, proposal or endorsement is made for: one of the actor's
    co-developing partners (the only one, or the one named), else the institution for its
    own staff."""
    partners = co_developer_orgs(actor, program)
    if organization is not None:
        if organization.pk in partners:
            return organization.pk
        if organization.pk == program.institution_id and can_edit_program(actor, program):
            return organization.pk
        raise PermissionDeniedError(_("You do not act for this organization here."))
    if len(partners) == 1:
        return next(iter(partners))
    if partners:
        raise DomainError(
            _("Choose the organization you speak for."),
            fields={"organization": _("Choose the organization you speak for.")},
        )
    return program.institution_id


@transaction.atomic
def outcome_comment(
    *, actor: Any, outcome: LearningOutcome, body: str, organization: Organization | None = None
) -> OutcomeComment:
    """Comment on an outcome (co-developing partners and the institution's staff)."""
    program = outcome.course.program
    if not can_comment_program(actor, program):
        raise PermissionDeniedError(_("Only curriculum partners and staff comment here."))
    body = _clean_note(body, required=True, field="body")
    org_id = _acting_org(actor, program, organization)
    comment = OutcomeComment.objects.create(
        outcome=outcome, author=actor, organization_id=org_id, body=body
    )
    audit_record(
        actor=actor,
        action="curricula.outcome.comment",
        target=comment,
        organizations=[program.institution_id, org_id],
    )
    return comment


@transaction.atomic
def skill_propose(
    *,
    actor: Any,
    outcome: LearningOutcome,
    concept: SkillConcept,
    note: str = "",
    organization: Organization | None = None,
) -> SkillProposal:
    """A co-developing partner proposes a skill for an outcome; the educator decides."""
    program = outcome.course.program
    if not can_codevelop_program(actor, program):
        raise PermissionDeniedError(_("Only partners in a curriculum partnership propose skills."))
    if not concept.is_current:
        raise DomainError(
            _("This ESCO concept is no longer current."),
            fields={"concept": _("This ESCO concept is no longer current.")},
        )
    note = _clean_note(note, required=False, field="note")
    org_id = _acting_org(actor, program, organization)
    if OutcomeSkill.objects.filter(
        outcome=outcome, concept=concept, status=MappingStatus.CONFIRMED
    ).exists():
        raise ConflictError(_("The outcome already teaches this skill."))
    if SkillProposal.objects.filter(
        outcome=outcome, concept=concept, organization_id=org_id, status=ProposalStatus.PENDING
    ).exists():
        raise ConflictError(_("Your organization has already proposed this skill."))
    proposal = SkillProposal.objects.create(
        outcome=outcome, concept=concept, organization_id=org_id, proposed_by=actor, note=note
    )
    audit_record(
        actor=actor,
        action="curricula.skill.propose",
        target=proposal,
        organizations=[program.institution_id, org_id],
        changes={"skill": concept.uri},
    )
    return proposal


@transaction.atomic
def proposal_decide(*, actor: Any, proposal: SkillProposal, accept: bool) -> SkillProposal:
    """The educator accepts (the skill becomes a confirmed mapping) or declines a proposal."""
    program = proposal.outcome.course.program
    _require_edit(actor, program)
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
    *, actor: Any, course: Course, note: str = "", organization: Organization | None = None
) -> CourseEndorsement:
    """A co-developing partner endorses a course (once per partner organization)."""
    program = course.program
    if not can_codevelop_program(actor, program):
        raise PermissionDeniedError(_("Only partners in a curriculum partnership endorse."))
    note = _clean_note(note, required=False, field="note")
    org_id = _acting_org(actor, program, organization)
    if CourseEndorsement.objects.filter(course=course, organization_id=org_id).exists():
        raise ConflictError(_("Your organization already endorses this course."))
    endorsement = CourseEndorsement.objects.create(
        course=course, organization_id=org_id, endorsed_by=actor, note=note
    )
    audit_record(
        actor=actor,
        action="curricula.course.endorse",
        target=endorsement,
        organizations=[program.institution_id, org_id],
    )
    return endorsement


# --- Personal data --------------------------------------------------------------------------
def curricula_personal_data_export(user: Any) -> dict[str, Any]:
    """What a person wrote or decided in curriculum co-development."""
    return {
        "comments": [
            {"outcome": c.outcome.text, "body": c.body, "created_at": c.created_at}
            for c in OutcomeComment.objects.filter(author=user).select_related("outcome")
        ],
        "skill_proposals": [
            {"skill": p.concept.uri, "note": p.note, "status": p.status, "created_at": p.created_at}
            for p in SkillProposal.objects.filter(proposed_by=user).select_related("concept")
        ],
        "endorsements": [
            {"course": e.course.title, "note": e.note, "created_at": e.created_at}
            for e in CourseEndorsement.objects.filter(endorsed_by=user).select_related("course")
        ],
        "extraction_jobs": [
            {"scope": j.scope, "institution": j.institution.name, "created_at": j.created_at}
            for j in ExtractionJob.objects.filter(requested_by=user).select_related("institution")
        ],
    }


def curricula_personal_data_erase(user: Any) -> None:
    """Blank what the person wrote and unlink them; the organization's contribution stays."""
    OutcomeComment.objects.filter(author=user).update(author=None, body="")
    SkillProposal.objects.filter(proposed_by=user).update(proposed_by=None, note="")
    SkillProposal.objects.filter(decided_by=user).update(decided_by=None)
    CourseEndorsement.objects.filter(endorsed_by=user).update(endorsed_by=None, note="")
    OutcomeSkill.objects.filter(decided_by=user).update(decided_by=None)
    ExtractionJob.objects.filter(requested_by=user).update(requested_by=None)


# --- Demand: imported postings --------------------------------------------------------------
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
EXTRACT_CHUNK = 500
POSTING_SKILLS = 10


def posting_import_create(
    *, actor: Any, institution: Organization, filename: str, content: bytes
) -> PostingImport:
    """Store the valid postings of an upload and queue their skill extraction. Bad lines are
    kept on the import with their line numbers; a file with no valid posting is refused."""
    if not can_import_postings(actor, institution):
        raise PermissionDeniedError(_("Only educators and coordinators import postings."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The file is larger than 20 MB."),
            fields={"file": _("The file is larger than 20 MB.")},
        )
    try:
        fmt, parsed = importers.parse(filename, content)
    except ValueError as exc:
        raise DomainError(str(exc), fields={"file": str(exc)}) from exc
    errors = [e.as_dict() for e in parsed.errors]
    if not parsed.rows:
        raise DomainError(
            _("No valid posting in the file."),
            fields={
                "file": [f"{e['line']}: {e['message']}" for e in errors[:50]]
                or [_("The file is empty.")]
            },
            code="no_rows",
        )
    with transaction.atomic():
        batch = PostingImport.objects.create(
            institution=institution,
            created_by=actor,
            filename=filename[:255],
            format=fmt,
            total=len(parsed.rows),
            errors=errors[:1000],
        )
        JobPosting.objects.bulk_create(
            (
                JobPosting(
                    batch=batch,
                    institution=institution,
                    line=r.line,
                    title=r.title,
                    description=r.description,
                    date=r.date,
                    sector=r.sector,
                    region=r.region,
                    occupation=r.occupation,
                )
                for r in parsed.rows
            ),
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action="curricula.postings.import",
            target=batch,
            organizations=[institution],
            changes={"postings": len(parsed.rows), "errors": len(errors)},
        )
        transaction.on_commit(lambda: extract_posting_import.enqueue(batch.pk))
    return batch


def posting_import_extract(*, import_id: int) -> int:
    """Run the extractor over an import's postings in chunks, saving progress after each."""
    batch = PostingImport.objects.filter(pk=import_id).first()
    if batch is None or batch.status == ImportStatus.DONE:
        return 0
    PostingImport.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    done = 0
    try:
        extractor = get_extractor()
        while True:
            chunk = list(
                JobPosting.objects.filter(batch=batch, extracted=False).order_by("pk")[
                    :EXTRACT_CHUNK
                ]
            )
            if not chunk:
                break
            texts = [posting_text(p) for p in chunk]
            results = extractor.extract_many(texts, top_k=POSTING_SKILLS, mode=REQUEST_MODE)
            for posting, matches in zip(chunk, results, strict=True):
                posting.skills = [m.uri for m in matches]
                posting.extracted = True
            with transaction.atomic():
                JobPosting.objects.bulk_update(chunk, ["skills", "extracted"])
                done += len(chunk)
                processed = JobPosting.objects.filter(batch=batch, extracted=True).count()
                PostingImport.objects.filter(pk=batch.pk).update(processed=processed)
    except Exception:
        PostingImport.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED)
        raise
    PostingImport.objects.filter(pk=batch.pk).update(status=ImportStatus.DONE)
    return done


@transaction.atomic
def posting_import_delete(*, actor: Any, batch: PostingImport) -> None:
    """Remove an import and its postings from the demand data."""
    if not can_import_postings(actor, batch.institution):
        raise PermissionDeniedError(_("Only educators and coordinators manage imports."))
    audit_record(
        actor=actor,
        action="curricula.postings.delete",
        target=batch,
        organizations=[batch.institution_id],
    )
    batch.delete()


def posting_text(posting: JobPosting) -> str:
    """The text of an imported posting that the extractor reads (import and re-run jobs)."""
    return f"{posting.title}\n{posting.description}"
