"""Employer due diligence: an institution's checklist for a partner (insurance certificate,
safeguarding policy, work-based-learning agreement on file), part of the partner's vetting.
Each item has its evidence (stored like clearance evidence: type-checked, size-limited,
private), who verified it and when it expires."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.uploads import ACCEPTED_WITH_IMAGES, check_document
from tandem.organizations.models import Organization

from ..models import DiligenceItem, DiligenceKind
from ..permissions import can_manage_diligence

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


@transaction.atomic
def diligence_item_record(
    *,
    actor: Actor,
    institution: Organization,
    partner: Organization,
    kind: str,
    file: UploadedFile | None,
    expires_on: dt.date | None = None,
) -> DiligenceItem:
    """A coordinator files (or renews) one checklist item with its evidence, verifying it."""
    if not can_manage_diligence(actor, institution.pk):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    if not partner.is_partner:
        errors["partner"] = [_("Choose a partner organization.")]
    if kind not in DiligenceKind.values:
        errors["kind"] = [_("Choose an item of the checklist.")]
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = [_("The expiry date has passed: file the renewed document.")]
    content: tuple[str, str] | None = None
    try:
        content = check_document(
            file,
            field="evidence",
            accepted=ACCEPTED_WITH_IMAGES,
            kinds_message=_("Upload a PDF, Word, OpenDocument, JPEG or PNG file."),
        )
    except DomainError as exc:
        errors.update(exc.fields or {"evidence": [str(exc)]})
    if errors:
        raise DomainError(_("The checklist item could not be saved."), fields=errors)
    assert file is not None and content is not None
    item = (
        DiligenceItem.objects.select_for_update()
        .filter(institution=institution, partner=partner, kind=kind)
        .first()
    ) or DiligenceItem(institution=institution, partner=partner, kind=kind)
    old = item.evidence.name if item.evidence else ""
    item.evidence_content_type = content[1]
    item.evidence_name = (file.name or "")[:200]
    item.verified_by = actor if actor.is_authenticated else None
    item.verified_at = timezone.now()
    item.expires_on = expires_on
    item.evidence.save(f"diligence.{content[0]}", file, save=False)
    try:
        item.save()
    except Exception:
        item.evidence.delete(save=False)
        raise
    if old:
        transaction.on_commit(partial(item.evidence.storage.delete, old))
    audit_record(
        actor=actor,
        action="placements.diligence_recorded",
        target=item,
        organizations=[institution.pk, partner.pk],
        changes={"kind": kind, "expires_on": expires_on.isoformat() if expires_on else None},
    )
    return item
