"""Learning agreement services: preparing and editing an agreement, sending it for
signature, ordered signing (each signer notified in turn), declining, the signed PDF,
amendments (a new version signed again in full) and the start gate (registered as a
:mod:`tandem.core.guards` guard). See docs/placements.md and ADR 0018.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.types import signed_in
from tandem.applications.models import Application, Stage
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.curricula.models import LearningOutcome, OutcomeSkill, Program
from tandem.organizations.models import Membership, Role
from tandem.skills.models import OpportunitySkill, SkillConcept

from ..models import (
    AgreementSignature,
    AgreementStatus,
    AgreementTemplate,
    LearningAgreement,
    SignerRole,
)
from ..pdf import agreement_pdf
from ..permissions import (
    PLACEMENT_STAGES,
    can_edit_agreement,
    can_prepare_agreement,
    holds_signer_role,
)
from ..selectors import current_agreement, placement_dates, template_for, terms_of

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

TEXT_MAX = 5000
REASON_MAX_CHARS = 1000
MAX_OBJECTIVES = 20
MAX_SKILLS_PER_OBJECTIVE = 10
#: What an editor may change in a draft (besides ``objectives``).
TEXT_FIELDS = ("site", "supervisor", "insurance", "stipend", "minors", "clauses")


def _orgs(application: Application) -> list[int]:
    return [application.institution_id, application.opportunity.host_id]


# --- Preparing and editing ----------------------------------------------------------------------
def content_hash(agreement: LearningAgreement) -> str:
    """SHA-256 of exactly what the parties sign: the agreement's id and version, its content
    and its signing order, as canonical JSON."""
    payload = {
        "agreement": str(agreement.public_id),
        "version": agreement.version,
        "content": agreement.content,
        "signing_order": agreement.signing_order,
    }
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _supervisor_name(application: Application) -> str:
    first = (
        Membership.objects.filter(
            organization_id=application.opportunity.host_id, role=Role.SUPERVISOR, is_active=True
        )
        .select_related("user")
        .order_by("created_at", "id")
        .first()
    )
    return first.user.full_name if first else ""


def _fill(application: Application, template: AgreementTemplate) -> dict[str, Any]:
    """The content of a new agreement, filled from the placement and the template."""
    opp = application.opportunity
    start, end = placement_dates(application)
    terms = terms_of(application)
    stipend = template.stipend_text
    if opp.pay_amount:
        paid = f"{opp.pay_amount} {opp.pay_currency} {opp.pay_period}".strip()
        stipend = f"{paid}\n{stipend}".strip()
    site = opp.site.name if opp.site_id and opp.site else (opp.location or "")
    return {
        "title": template.name,
        "student": application.student.full_name,
        "institution": application.institution.name,
        "host": opp.host.name,
        "opportunity": opp.title,
        "type": opp.type,
        "sections": list(template.sections),
        "objectives": [],
        "start_date": start.isoformat() if start else None,
        "end_date": end.isoformat() if end else None,
        "required_hours": str(terms.required_hours) if terms and terms.required_hours else None,
        "hours_per_week": str(opp.hours_per_week) if opp.hours_per_week else None,
        "site": site,
        "supervisor": _supervisor_name(application),
        "insurance": template.insurance_text,
        "stipend": stipend,
        "minors": template.minors_text,
        "clauses": template.clauses,
    }


@transaction.atomic
def agreement_create(*, actor: Actor, application: Application) -> LearningAgreement:
    """A coordinator or educator prepares the placement's agreement (version 1, a draft)
    from the institution's template, filled from the placement."""
    if not can_prepare_agreement(actor, application):
        raise PermissionDeniedError()
    if application.stage not in PLACEMENT_STAGES:
        raise DomainError(_("Agreements are prepared for accepted or started placements."))
    Application.objects.select_for_update().filter(pk=application.pk).first()
    if current_agreement(application) is not None:
        raise ConflictError(_("This placement already has an agreement."), code="exists")
    template = template_for(application)
    if template is None:
        raise DomainError(
            _("Your institution has no active learning agreement template for this placement."),
            code="no_template",
        )
    agreement = LearningAgreement.objects.create(
        application=application,
        template=template,
        version=1,
        content=_fill(application, template),
        signing_order=list(template.signing_order),
        required_before_start=template.required_before_start,
        created_by=actor if actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="placements.agreement_created",
        target=agreement,
        organizations=_orgs(application),
        changes={"version": 1, "template": str(template.public_id)},
    )
    return agreement


@dataclass(frozen=True)
class ObjectiveInput:
    """One learning objective as an editor gives it: its text, optionally a program outcome
    (public id) and ESCO skills (concept URIs)."""

    text: str
    outcome: UUID | None = None
    skills: Sequence[str] = field(default_factory=tuple)


def outcome_choices(application: Application) -> list[LearningOutcome]:
    """The program outcomes an objective may be linked to: those of the student's program at
    the institution (by its title), else of all the institution's programs (at most 200)."""
    programs = Program.objects.filter(institution_id=application.institution_id)
    program_name = (
        Membership.objects.filter(
            user_id=application.student_id,
            organization_id=application.institution_id,
            role=Role.STUDENT,
        )
        .values_list("program", flat=True)
        .first()
    )
    if program_name and programs.filter(title=program_name).exists():
        programs = programs.filter(title=program_name)
    return list(
        LearningOutcome.objects.filter(course__program__in=programs)
        .select_related("course")
        .order_by("course__title", "position", "id")[:200]
    )


def skill_choices(application: Application, outcomes: Sequence[LearningOutcome]) -> list[Any]:
    """The ESCO skills an objective may name: those confirmed for the program's outcomes and
    those the opportunity asks for (at most 200)."""
    ids = set(
        OutcomeSkill.objects.filter(outcome__in=list(outcomes), status="confirmed").values_list(
            "concept_id", flat=True
        )
    )
    ids |= set(
        OpportunitySkill.objects.filter(opportunity_id=application.opportunity_id).values_list(
            "concept_id", flat=True
        )
    )
    return list(SkillConcept.objects.filter(pk__in=ids).order_by("preferred_label")[:200])


def _objectives(
    application: Application, objectives: Sequence[ObjectiveInput]
) -> list[dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    if len(objectives) > MAX_OBJECTIVES:
        errors["objectives"] = [_("At most %(n)d objectives.") % {"n": MAX_OBJECTIVES}]
    outcomes = {o.public_id: o for o in outcome_choices(application)}
    wanted_uris = {u for o in objectives for u in o.skills}
    concepts = {c.uri: c for c in SkillConcept.objects.filter(uri__in=wanted_uris)}
    out: list[dict[str, Any]] = []
    for i, o in enumerate(objectives, start=1):
        text = (o.text or "").strip()
        key = f"objectives.{i}"
        if not text:
            errors[key] = [_("Objective %(i)d: write the objective.") % {"i": i}]
            continue
        if len(text) > 1000:
            errors[key] = [_("Objective %(i)d: at most 1000 characters.") % {"i": i}]
            continue
        outcome = None
        if o.outcome is not None:
            found = outcomes.get(o.outcome)
            if found is None:
                errors[key] = [
                    _("Objective %(i)d: choose an outcome of the student's program.") % {"i": i}
                ]
                continue
            outcome = {"id": str(found.public_id), "text": found.text[:500]}
        if len(o.skills) > MAX_SKILLS_PER_OBJECTIVE:
            errors[key] = [
                _("Objective %(i)d: at most %(n)d skills.")
                % {"i": i, "n": MAX_SKILLS_PER_OBJECTIVE}
            ]
            continue
        missing = [u for u in o.skills if u not in concepts]
        if missing:
            errors[key] = [_("Objective %(i)d: unknown ESCO skill.") % {"i": i}]
            continue
        skills = [{"uri": u, "label": concepts[u].preferred_label} for u in dict.fromkeys(o.skills)]
        out.append({"text": text, "outcome": outcome, "skills": skills})
    if errors:
        raise DomainError(_("The objectives could not be saved."), fields=errors)
    return out


def _date(value: Any, name: str, errors: dict[str, list[str]]) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        errors[name] = [_("Enter a valid date.")]
        return None


def _hours(value: Any, name: str, errors: dict[str, list[str]]) -> str | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = [_("A positive number of hours.")]
        return None
    if not (Decimal("0") < number < Decimal("100000")):
        errors[name] = [_("A positive number of hours.")]
        return None
    return str(number.quantize(Decimal("0.01")))


def _locked(agreement: LearningAgreement) -> LearningAgreement:
    locked = (
        LearningAgreement.objects.select_for_update()
        .select_related("application__opportunity", "application__student")
        .get(pk=agreement.pk)
    )
    return locked


@transaction.atomic
def agreement_edit(
    *,
    actor: Actor,
    agreement: LearningAgreement,
    changes: Mapping[str, Any],
    objectives: Sequence[ObjectiveInput] | None = None,
) -> LearningAgreement:
    """A coordinator or educator edits a draft: ``changes`` may hold ``start_date``,
    ``end_date``, ``required_hours``, ``hours_per_week`` and the texts (site, supervisor,
    insurance, stipend, minors, clauses); ``objectives`` replaces the objectives. An
    agreement out for signature or signed is refused (decline it, or amend it)."""
    if not can_edit_agreement(actor, agreement):
        raise PermissionDeniedError()
    locked = _locked(agreement)
    if locked.status != AgreementStatus.DRAFT:
        raise ConflictError(
            _("Only a draft can be edited; amend a signed agreement to change it."),
            code="not_draft",
        )
    errors: dict[str, list[str]] = {}
    content = dict(locked.content)
    for key in ("start_date", "end_date"):
        if key in changes:
            content[key] = _date(changes[key], key, errors)
    for key in ("required_hours", "hours_per_week"):
        if key in changes:
            content[key] = _hours(changes[key], key, errors)
    for key in TEXT_FIELDS:
        if key in changes:
            text = str(changes[key] or "").strip()
            if len(text) > TEXT_MAX:
                errors[key] = [_("At most %(n)d characters.") % {"n": TEXT_MAX}]
            content[key] = text
    if (
        content.get("start_date")
        and content.get("end_date")
        and content["end_date"] < content["start_date"]
    ):
        errors["end_date"] = [_("The end date comes before the start date.")]
    if errors:
        raise DomainError(_("The agreement could not be saved."), fields=errors)
    if objectives is not None:
        content["objectives"] = _objectives(locked.application, objectives)
    locked.content = content
    locked.save(update_fields=["content", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.agreement_edited",
        target=locked,
        organizations=_orgs(locked.application),
        changes={"fields": sorted(changes) + (["objectives"] if objectives is not None else [])},
    )
    return locked


# --- Signing --------------------------------------------------------------------------------
def _schedule_turn_notice(agreement: LearningAgreement) -> None:
    from ..tasks import notify_agreement_signer

    transaction.on_commit(
        partial(
            notify_agreement_signer.enqueue,
            agreement_id=agreement.pk,
            step=agreement.next_step,
        )
    )


def _start_turn(agreement: LearningAgreement, step: int, now: dt.datetime) -> None:
    agreement.next_step = step
    agreement.awaiting_role = str(agreement.signing_order[step])
    agreement.turn_started_at = now


@transaction.atomic
def agreement_send(*, actor: Actor, agreement: LearningAgreement) -> LearningAgreement:
    """Freeze a draft's content (its SHA-256 is what everyone signs) and ask the first signer
    of the order to sign; they are e-mailed."""
    if not can_edit_agreement(actor, agreement):
        raise PermissionDeniedError()
    locked = _locked(agreement)
    if locked.status != AgreementStatus.DRAFT:
        raise ConflictError(_("This agreement has already been sent."), code="not_draft")
    if not locked.signing_order:
        raise DomainError(_("The agreement names no signer."))
    now = timezone.now()
    locked.status = AgreementStatus.SIGNING
    locked.content_hash = content_hash(locked)
    locked.sent_at = now
    locked.declined_by = None
    locked.declined_at = None
    locked.decline_reason = ""
    _start_turn(locked, 0, now)
    locked.save()
    audit_record(
        actor=actor,
        action="placements.agreement_sent",
        target=locked,
        organizations=_orgs(locked.application),
        changes={"version": locked.version, "content_hash": locked.content_hash},
    )
    _schedule_turn_notice(locked)
    return locked


class OutOfTurnError(PermissionDeniedError):
    """A signer of a later step tries to sign (or decline) before their turn: refused (403)
    with a message naming whose signature comes first."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = "out_of_order"


def _role_label(role: str) -> str:
    return str(SignerRole(role).label) if role in SignerRole.values else role


def _check_turn(
    actor: Actor,
    locked: LearningAgreement,
    *,
    step: int | None,
    signed_hash: str | None,
) -> None:
    if locked.status != AgreementStatus.SIGNING:
        raise ConflictError(
            _("This agreement is not waiting for signatures (it is %(status)s).")
            % {"status": locked.get_status_display().lower()},
            code="not_signing",
        )
    if step is not None and step != locked.next_step:
        raise ConflictError(
            _("This step has already been signed; reload the agreement."), code="stale_step"
        )
    if signed_hash is not None and signed_hash != locked.content_hash:
        raise ConflictError(
            _("The agreement has changed since you opened it; reload it and read it again."),
            code="stale_content",
        )
    role = locked.awaiting_role
    if not holds_signer_role(actor, locked.application, role):
        later = [
            r
            for r in locked.signing_order[locked.next_step + 1 :]
            if holds_signer_role(actor, locked.application, str(r))
        ]
        if later:
            raise OutOfTurnError(
                _(
                    "It is not your turn to sign: the agreement waits for the %(role)s's "
                    "signature first."
                )
                % {"role": _role_label(role).lower()}
            )
        raise PermissionDeniedError(_("You are not a signer of this agreement at this step."))
    earlier = locked.signatures.filter(signer_id=actor.pk).values_list("role", flat=True).first()
    if earlier is not None:
        # Each step is a different person's word: one person holding two signer roles (an
        # educator who also coordinates) signs once, and another holder signs the other step.
        raise ConflictError(
            _(
                "You have already signed this agreement as %(signed)s; the %(role)s's signature "
                "must come from another person who holds that role."
            )
            % {"signed": _role_label(str(earlier)).lower(), "role": _role_label(role).lower()},
            code="signed_twice",
        )


@transaction.atomic
def agreement_sign(
    *,
    actor: Actor,
    agreement: LearningAgreement,
    step: int | None = None,
    signed_hash: str | None = None,
) -> LearningAgreement:
    """The signer whose turn it is signs (the row is locked, so two at once count once; a
    signer of a later step is refused with whose turn it is). ``step`` and ``signed_hash``,
    when given, must be the step and content the signer saw. The next signer is e-mailed;
    after the last, the signed PDF is stored."""
    locked = _locked(agreement)
    _check_turn(actor, locked, step=step, signed_hash=signed_hash)
    signer = signed_in(actor)
    assert signer is not None  # holds_signer_role refuses anonymous callers
    now = timezone.now()
    signature = AgreementSignature.objects.create(
        agreement=locked,
        step=locked.next_step,
        role=locked.awaiting_role,
        signer=signer,
        signer_name=(signer.full_name or signer.email)[:200],
        signed_at=now,
        content_hash=locked.content_hash,
    )
    application = locked.application
    audit_record(
        actor=actor,
        action="placements.agreement_signed",
        target=locked,
        organizations=_orgs(application),
        changes={
            "version": locked.version,
            "step": signature.step,
            "role": signature.role,
            "content_hash": signature.content_hash,
        },
    )
    if locked.next_step + 1 < len(locked.signing_order):
        _start_turn(locked, locked.next_step + 1, now)
        locked.save(update_fields=["next_step", "awaiting_role", "turn_started_at", "updated_at"])
        _schedule_turn_notice(locked)
        return locked
    locked.status = AgreementStatus.SIGNED
    locked.awaiting_role = ""
    locked.next_step = len(locked.signing_order)
    locked.signed_at = now
    pdf = agreement_pdf(locked, list(locked.signatures.order_by("step")))
    locked.pdf.save("agreement.pdf", ContentFile(pdf), save=False)
    try:
        locked.save()
    except Exception:
        locked.pdf.delete(save=False)
        raise
    audit_record(
        actor=actor,
        action="placements.agreement_fully_signed",
        target=locked,
        organizations=_orgs(application),
        changes={"version": locked.version, "content_hash": locked.content_hash},
    )
    return locked


@transaction.atomic
def agreement_decline(
    *, actor: Actor, agreement: LearningAgreement, reason: str
) -> LearningAgreement:
    """The signer whose turn it is declines, with a reason: the agreement goes back to draft
    for the editors, and the signatures given to this content are withdrawn (it must be
    signed again in full once sent again)."""
    locked = _locked(agreement)
    _check_turn(actor, locked, step=None, signed_hash=None)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Say why you decline to sign."),
            fields={"reason": [_("Give a reason the editors can act on.")]},
        )
    if len(reason) > REASON_MAX_CHARS:
        raise DomainError(
            _("The reason is too long."),
            fields={"reason": [_("At most %(n)d characters.") % {"n": REASON_MAX_CHARS}]},
        )
    role = locked.awaiting_role
    withdrawn = locked.signatures.count()
    locked.signatures.all().delete()
    locked.notices.all().delete()
    locked.status = AgreementStatus.DRAFT
    locked.content_hash = ""
    locked.next_step = 0
    locked.awaiting_role = ""
    locked.turn_started_at = None
    locked.sent_at = None
    locked.declined_by = actor if actor.is_authenticated else None
    locked.declined_at = timezone.now()
    locked.decline_reason = reason
    locked.save()
    audit_record(
        actor=actor,
        action="placements.agreement_declined",
        target=locked,
        organizations=_orgs(locked.application),
        changes={"version": locked.version, "role": role, "signatures_withdrawn": withdrawn},
    )
    return locked


@transaction.atomic
def agreement_amend(*, actor: Actor, agreement: LearningAgreement) -> LearningAgreement:
    """Amend a fully signed agreement: a new version (a draft with the same content, to edit
    and send) that must be signed again in full; the signed version is kept, read-only, as
    superseded."""
    if not can_edit_agreement(actor, agreement):
        raise PermissionDeniedError()
    locked = _locked(agreement)
    if locked.status != AgreementStatus.SIGNED:
        raise ConflictError(
            _("Only a fully signed agreement is amended; edit the draft instead."),
            code="not_signed",
        )
    locked.status = AgreementStatus.SUPERSEDED
    locked.save(update_fields=["status", "updated_at"])
    amended = LearningAgreement.objects.create(
        application=locked.application,
        template=locked.template,
        version=locked.version + 1,
        content=dict(locked.content),
        signing_order=list(locked.signing_order),
        required_before_start=locked.required_before_start,
        created_by=actor if actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="placements.agreement_amended",
        target=amended,
        organizations=_orgs(locked.application),
        changes={"version": amended.version, "supersedes": str(locked.public_id)},
    )
    return amended


# --- The start gate ---------------------------------------------------------------------------
def placement_agreement_guard(*, actor: Actor, application: Application, **context: object) -> None:
    """The start gate (``tandem.core.guards.PLACEMENT_START``): where the institution's
    template requires it, a placement does not start until its current agreement is fully
    signed."""
    if application.stage != Stage.ACCEPTED:
        return
    agreement = current_agreement(application)
    if agreement is None:
        template = template_for(application)
        if template is None or not template.required_before_start:
            return
        message = _(
            "The placement cannot start until its learning agreement is prepared and signed."
        )
    elif not agreement.required_before_start or agreement.status == AgreementStatus.SIGNED:
        return
    else:
        message = _(
            "The placement cannot start until its learning agreement is fully signed "
            "(it is %(status)s)."
        ) % {"status": agreement.get_status_display().lower()}
    raise DomainError(message, fields={"to_stage": [message]}, code="agreement_unsigned")
