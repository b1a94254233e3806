"""A student's placement data: export and erasure (registered for personal-data requests)."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction

from ..models import AgreementSignature, Clearance, HoursEntry, LearningAgreement

if TYPE_CHECKING:
    from tandem.accounts.models import User

logger = logging.getLogger(__name__)


def placement_personal_data_export(user: User) -> dict[str, Any]:
    """The student's clearances, hours and learning agreements, and the agreement signatures
    the user gave (as any party)."""
    clearances = Clearance.objects.filter(application__student=user).select_related(
        "requirement", "application__opportunity"
    )
    hours = HoursEntry.objects.filter(application__student=user).select_related(
        "application__opportunity"
    )
    agreements = LearningAgreement.objects.filter(application__student=user).prefetch_related(
        "signatures"
    )
    signed = AgreementSignature.objects.filter(signer=user).select_related(
        "agreement__application__opportunity"
    )
    return {
        "learning_agreements": [
            {
                "placement": a.content.get("opportunity", ""),
                "version": a.version,
                "status": a.status,
                "content": a.content,
                "content_hash": a.content_hash,
                "decline_reason": a.decline_reason,
                "signatures": [
                    {
                        "role": s.role,
                        "signer": s.signer_name,
                        "signed_at": s.signed_at.isoformat(),
                        "content_hash": s.content_hash,
                    }
                    for s in a.signatures.all()
                ],
            }
            for a in agreements
        ],
        "agreement_signatures_given": [
            {
                "placement": s.agreement.application.opportunity.title,
                "version": s.agreement.version,
                "role": s.role,
                "signed_at": s.signed_at.isoformat(),
                "content_hash": s.content_hash,
            }
            for s in signed
        ],
        "clearances": [
            {
                "placement": c.application.opportunity.title,
                "requirement": c.requirement.name,
                "status": c.status,
                "evidence_file": c.evidence_name,
                "submitted_at": c.submitted_at.isoformat() if c.submitted_at else None,
                "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                "rejection_reason": c.rejection_reason,
                "expires_on": c.expires_on.isoformat() if c.expires_on else None,
            }
            for c in clearances
        ],
        "hours": [
            {
                "placement": h.application.opportunity.title,
                "date": h.date.isoformat(),
                "hours": str(h.hours),
                "activity": h.activity,
                "status": h.status,
                "return_reason": h.return_reason,
            }
            for h in hours
        ],
    }


@transaction.atomic
def placement_personal_data_erase(user: User) -> None:
    """Delete the student's evidence files and blank their names, reasons and hours
    activities. Statuses, dates and hours stay, so that compliance and hours totals remain
    true."""
    for clearance in Clearance.objects.select_for_update().filter(application__student=user):
        if clearance.evidence:
            transaction.on_commit(
                partial(clearance.evidence.storage.delete, clearance.evidence.name)
            )
        clearance.evidence = ""  # type: ignore[assignment]
        clearance.evidence_name = ""
        clearance.save(update_fields=["evidence", "evidence_name", "updated_at"])
    HoursEntry.objects.filter(application__student=user).update(activity="", return_reason="")
    # Learning agreements: the signed PDFs are deleted, the student's name and objectives
    # blanked and decline reasons removed; versions, statuses, hashes, roles and signing times
    # stay (the record that an agreement was signed, and when).
    for agreement in LearningAgreement.objects.select_for_update().filter(
        application__student=user
    ):
        if agreement.pdf:
            transaction.on_commit(partial(agreement.pdf.storage.delete, agreement.pdf.name))
        agreement.pdf = ""  # type: ignore[assignment]
        agreement.content = {**agreement.content, "student": "", "objectives": []}
        agreement.decline_reason = ""
        agreement.save(update_fields=["pdf", "content", "decline_reason", "updated_at"])
    AgreementSignature.objects.filter(signer=user).update(signer_name="")
    logger.info("placement personal data erased for one user")
