"""An institution's coordinator approves or rejects a posting sent to it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations.models import Organization, PartnerVetting, VettingStatus

from ..models import (
    ApprovalStatus,
    Opportunity,
    OpportunityApproval,
)
from ..permissions import can_decide_opportunity
from .fields import (
    S,
    _audit,
    _illegal,
    _jsonable,
    _lock,
    _sync,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User


@transaction.atomic
def opportunity_decide(
    *,
    actor: User | AnonymousUser | None,
    opportunity: Opportunity,
    institution: Organization,
    approve: bool,
    note: str = "",
    application_deadline: dt.datetime | None = None,
) -> OpportunityApproval:
    """A coordinator of ``institution`` approves or rejects a posting sent to it.

    The first approval publishes the posting. When every target institution has rejected
    it, it goes back to draft so the host can revise and resubmit. Approving a posting from
    a partner the institution has not vetted yet approves the partner as well; a partner the
    institution rejected must be re-vetted first.

    A posting whose application deadline has passed is approved only with a new, future
    ``application_deadline`` (before the start date), which replaces the old one: published
    with a past deadline, no student could see or apply to it. A new deadline is refused for
    a posting whose deadline still lies ahead (the host changes that), and ignored on reject.
    """
    if actor is None or not can_decide_opportunity(actor, opportunity, institution):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status not in (S.AWAITING_APPROVAL, S.PUBLISHED):
        raise _illegal(opp, _("approved or rejected"))
    approval = OpportunityApproval.objects.select_for_update().get(
        opportunity=opp, institution=institution
    )
    if approval.status != ApprovalStatus.PENDING:
        raise ConflictError(
            _("%(institution)s has already decided on this posting.")
            % {"institution": institution.name},
            code="already_decided",
        )
    note = (note or "").strip()
    if len(note) > 2000:
        raise DomainError(_("The note is too long."), fields={"note": [_("At most 2000.")]})
    now = timezone.now()
    new_deadline = _approval_deadline(opp, application_deadline, now) if approve else None

    if approve and opp.host.is_partner:
        vetting, created = PartnerVetting.objects.select_for_update().get_or_create(
            institution=institution, partner=opp.host
        )
        if vetting.status == VettingStatus.REJECTED:
            raise DomainError(
                _(
                    "%(institution)s has rejected %(partner)s as a partner. Review the partner "
                    "on the vetting page before approving its postings."
                )
                % {"institution": institution.name, "partner": opp.host.name},
                code="partner_rejected",
            )
        if vetting.status != VettingStatus.APPROVED:
            before = None if created else vetting.status
            vetting.status = VettingStatus.APPROVED
            vetting.note = vetting.note or _("Approved together with “%(title)s”.") % {
                "title": opp.title
            }
            assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
            vetting.decided_by, vetting.decided_at = actor, now
            vetting.save()
            audit_record(
                actor=actor,
                action="partner_vetting.decide",
                target=vetting,
                organizations=[institution, opp.host],
                changes={"status": [before, VettingStatus.APPROVED], "via": str(opp.public_id)},
            )

    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
    approval.note, approval.decided_by, approval.decided_at = note, actor, now
    approval.save()

    before_status, before_deadline = opp.status, opp.application_deadline
    if approve and opp.status == S.AWAITING_APPROVAL:
        opp.status = S.PUBLISHED
    elif not approve and opp.status == S.AWAITING_APPROVAL:
        statuses = set(opp.approvals.values_list("status", flat=True))
        if statuses == {ApprovalStatus.REJECTED}:
            opp.status = S.DRAFT
    if new_deadline is not None:
        opp.application_deadline = new_deadline
    if opp.status != before_status or new_deadline is not None:
        opp.save(update_fields=["status", "application_deadline", "updated_at"])
    changes: dict[str, Any] = {
        "institution": str(institution.public_id),
        "decision": approval.status,
    }
    if opp.status != before_status:
        changes["status"] = [before_status, opp.status]
    if new_deadline is not None:
        changes["application_deadline"] = [_jsonable(before_deadline), _jsonable(new_deadline)]
    _audit(actor, "opportunity.approve" if approve else "opportunity.reject", opp, changes)
    _sync(opportunity, opp)
    return approval


def _approval_deadline(
    opp: Opportunity, deadline: dt.datetime | None, now: dt.datetime
) -> dt.datetime | None:
    """The new deadline an approval sets (None: keep the posting's), or a DomainError on the
    ``application_deadline`` field."""
    expired = opp.application_deadline is not None and opp.application_deadline <= now
    if deadline is None:
        if expired:
            raise DomainError(
                _(
                    "The application deadline of “%(title)s” has passed: give a new deadline "
                    "to approve it, or no student could apply."
                )
                % {"title": opp.title},
                fields={"application_deadline": [_("Give a new deadline in the future.")]},
                code="deadline_passed",
            )
        return None
    if not expired:
        raise DomainError(
            _("Only a posting whose deadline has passed gets a new one when approved."),
            fields={
                "application_deadline": [
                    _("The deadline has not passed; the host changes it if needed.")
                ]
            },
        )
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= now:
        message = _("The application deadline must be in the future.")
        raise DomainError(message, fields={"application_deadline": [message]})
    if opp.start_date and timezone.localtime(deadline).date() >= opp.start_date:
        message = _("The application deadline must be before the start date.")
        raise DomainError(message, fields={"application_deadline": [message]})
    return deadline
