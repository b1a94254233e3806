"""Clearance services: requirements, evidence, verification, placement terms, the start gate
(registered as a :mod:`tandem.core.guards` guard) and expiry reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.applications.models import Application, Stage
from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.uploads import ACCEPTED_WITH_IMAGES, check_document
from tandem.opportunities.models import OpportunityType
from tandem.organizations.models import Organization, Site

from ..compliance import State
from ..models import (
    Clearance,
    ClearanceKind,
    ClearanceRequirement,
    ClearanceStatus,
    PlacementTerms,
)
from ..permissions import (
    PLACEMENT_STAGES,
    can_decide_clearance,
    can_manage_requirements,
    can_set_terms,
    can_upload_evidence,
)
from ..selectors import clearance_lines

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

REASON_MAX_CHARS = 1000


def _orgs(application: Application) -> list[int]:
    return [application.institution_id, application.opportunity.host_id]


@transaction.atomic
def clearance_requirement_create(
    *,
    actor: Actor,
    institution: Organization,
    kind: str,
    name: str,
    partner: Organization | None = None,
    site: Site | None = None,
    opportunity_type: str = "",
    evidence_required: bool = True,
    validity_days: int | None = None,
    host_may_verify: bool = False,
) -> ClearanceRequirement:
    """A coordinator asks a clearance of the institution's students (optionally only with
    one partner, at one site, or for one placement type)."""
    if not can_manage_requirements(actor, institution.pk):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if kind not in ClearanceKind.values:
        errors["kind"] = [_("Choose a kind of clearance.")]
    if not name:
        errors["name"] = [_("Give the requirement a name.")]
    elif len(name) > 200:
        errors["name"] = [_("At most 200 characters.")]
    if partner is not None and not partner.is_partner:
        errors["partner"] = [_("Choose a partner organization.")]
    if opportunity_type and opportunity_type not in OpportunityType.values:
        errors["opportunity_type"] = [_("Choose a placement type.")]
    if validity_days is not None and validity_days <= 0:
        errors["validity_days"] = [_("A positive number of days, or empty for no expiry.")]
    if errors:
        raise DomainError(_("The requirement could not be saved."), fields=errors)
    requirement = ClearanceRequirement.objects.create(
        institution=institution,
        kind=kind,
        name=name,
        partner=partner,
        site=site,
        opportunity_type=opportunity_type,
        evidence_required=evidence_required,
        validity_days=validity_days,
        host_may_verify=host_may_verify,
        created_by=actor if actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="placements.requirement_created",
        target=requirement,
        organizations=[institution.pk],
        changes={"kind": kind, "validity_days": validity_days},
    )
    return requirement


def _applicable(application: Application, requirement: ClearanceRequirement) -> None:
    if not any(line.requirement.pk == requirement.pk for line in clearance_lines(application)):
        raise DomainError(_("This requirement does not apply to this placement."))


@transaction.atomic
def clearance_evidence_upload(
    *,
    actor: Actor,
    application: Application,
    requirement: ClearanceRequirement,
    file: UploadedFile | None,
) -> Clearance:
    """The student uploads evidence (PDF, DOCX, ODT, JPEG or PNG, checked by content, within
    the upload limit, stored privately under a random name): the clearance waits for
    verification again, whatever it was."""
    if not can_upload_evidence(actor, application):
        raise PermissionDeniedError()
    _applicable(application, requirement)
    extension, content_type = check_document(
        file,
        field="evidence",
        accepted=ACCEPTED_WITH_IMAGES,
        kinds_message=_("Upload a PDF, Word, OpenDocument, JPEG or PNG file."),
    )
    assert file is not None
    clearance = (
        Clearance.objects.select_for_update()
        .filter(application=application, requirement=requirement)
        .first()
    ) or Clearance(application=application, requirement=requirement)
    old = clearance.evidence.name if clearance.evidence else ""
    clearance.status = ClearanceStatus.SUBMITTED
    clearance.evidence_content_type = content_type
    clearance.evidence_name = (file.name or "")[:200]
    clearance.submitted_at = timezone.now()
    clearance.decided_by = None
    clearance.decided_at = None
    clearance.rejection_reason = ""
    clearance.expires_on = None
    clearance.evidence.save(f"evidence.{extension}", file, save=False)
    try:
        clearance.save()
    except Exception:
        clearance.evidence.delete(save=False)
        raise
    if old:
        storage = clearance.evidence.storage
        transaction.on_commit(partial(storage.delete, old))
    audit_record(
        actor=actor,
        action="placements.evidence_uploaded",
        target=clearance,
        organizations=_orgs(application),
        changes={"requirement": str(requirement.public_id), "content_type": content_type},
    )
    return clearance


@transaction.atomic
def clearance_decide(
    *,
    actor: Actor,
    application: Application,
    requirement: ClearanceRequirement,
    verified: bool,
    reason: str = "",
    expires_on: dt.date | None = None,
) -> Clearance:
    """Verify (with an expiry date: the one given, else verification day + the requirement's
    validity) or reject (with a reason) a student's clearance. A requirement that needs
    evidence cannot be verified before the student uploads it."""
    if not can_decide_clearance(actor, application, requirement):
        raise PermissionDeniedError()
    if application.stage not in PLACEMENT_STAGES:
        raise DomainError(_("Clearances are decided for accepted or started placements."))
    _applicable(application, requirement)
    reason = (reason or "").strip()
    clearance = (
        Clearance.objects.select_for_update()
        .filter(application=application, requirement=requirement)
        .first()
    )
    today = timezone.localdate()
    if not verified and not reason:
        raise DomainError(
            _("Say why the clearance is rejected."),
            fields={"reason": [_("Give a reason the student can act on.")]},
        )
    if len(reason) > REASON_MAX_CHARS:
        raise DomainError(
            _("The reason is too long."),
            fields={"reason": [_("At most %(n)d characters.") % {"n": REASON_MAX_CHARS}]},
        )
    if verified and requirement.evidence_required and (clearance is None or not clearance.evidence):
        raise DomainError(
            _("The student has not uploaded evidence for this clearance yet."),
            code="no_evidence",
        )
    if verified and expires_on is not None and expires_on < today:
        raise DomainError(
            _("The expiry date has passed."),
            fields={"expires_on": [_("Choose today or a later date.")]},
        )
    if clearance is None:
        clearance = Clearance(application=application, requirement=requirement)
    clearance.status = ClearanceStatus.VERIFIED if verified else ClearanceStatus.REJECTED
    clearance.rejection_reason = "" if verified else reason
    if verified:
        if expires_on is None and requirement.validity_days:
            expires_on = today + dt.timedelta(days=requirement.validity_days)
        clearance.expires_on = expires_on
    clearance.decided_by = actor if actor.is_authenticated else None
    clearance.decided_at = timezone.now()
    clearance.save()
    audit_record(
        actor=actor,
        action="placements.clearance_verified" if verified else "placements.clearance_rejected",
        target=clearance,
        organizations=_orgs(application),
        changes={
            "requirement": str(requirement.public_id),
            "expires_on": clearance.expires_on.isoformat() if clearance.expires_on else None,
        },
    )
    return clearance


@transaction.atomic
def placement_terms_set(
    *,
    actor: Actor,
    application: Application,
    start_date: dt.date | None,
    end_date: dt.date | None,
    required_hours: Decimal | None,
) -> PlacementTerms:
    """A coordinator sets a placement's dates and required hours."""
    if not can_set_terms(actor, application):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = [_("The end date comes before the start date.")]
    if required_hours is not None and not (Decimal("0") < required_hours < Decimal("100000")):
        errors["required_hours"] = [_("A positive number of hours.")]
    if errors:
        raise DomainError(_("The placement terms could not be saved."), fields=errors)
    terms, _created = PlacementTerms.objects.update_or_create(
        application=application,
        defaults={"start_date": start_date, "end_date": end_date, "required_hours": required_hours},
    )
    audit_record(
        actor=actor,
        action="placements.terms_set",
        target=terms,
        organizations=_orgs(application),
        changes={
            "start_date": start_date.isoformat() if start_date else None,
            "end_date": end_date.isoformat() if end_date else None,
            "required_hours": str(required_hours) if required_hours is not None else None,
        },
    )
    return terms


def placement_start_guard(*, actor: Actor, application: Application, **context: object) -> None:
    """The start gate (``tandem.core.guards.PLACEMENT_START``): refuse to start a placement
    while a required clearance is missing, unverified, rejected or expired on the start day,
    naming each."""
    if application.stage != Stage.ACCEPTED:
        return
    blocking = [line for line in clearance_lines(application) if line.state != State.VERIFIED]
    if not blocking:
        return
    items = "; ".join(
        _("%(name)s: %(state)s") % {"name": line.requirement.name, "state": line.state.label}
        for line in blocking
    )
    raise DomainError(
        _("The placement cannot start until its clearances are in order — %(items)s.")
        % {"items": items},
        fields={"to_stage": [items]},
        code="clearances_missing",
    )
