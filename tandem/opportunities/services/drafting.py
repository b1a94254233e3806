"""The host drafts and edits a posting and sends it to institutions for approval."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Organization

from ..models import (
    ApprovalStatus,
    Opportunity,
    OpportunityApproval,
)
from ..permissions import can_create_opportunity_for, can_edit_opportunity
from .fields import (
    S,
    _apply_fields,
    _audit,
    _illegal,
    _jsonable,
    _lock,
    _snapshot,
    _sync,
    _validate,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User


# --- writes ----------------------------------------------------------------------------------
@transaction.atomic
def opportunity_create(
    *, actor: User | AnonymousUser | None, host: Organization, **fields: Any
) -> Opportunity:
    """Draft a posting for ``host``. Recruiters of a partner host; coordinators and educators
    for projects an institution hosts; platform admins. Starts as a draft."""
    if actor is None or not can_create_opportunity_for(actor, host):
        raise PermissionDeniedError()
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
    opp = Opportunity(host=host, created_by=actor, status=S.DRAFT)
    errors: dict[str, list[str]] = {}
    for required in ("title", "type", "description"):
        if required not in fields:
            errors.setdefault(required, []).append(_("This field is required."))
    _apply_fields(opp, fields, errors)
    _validate(opp, set(fields), errors)
    if errors:
        raise DomainError(_("Please correct the highlighted fields."), fields=errors)
    opp.save()
    _audit(actor, "opportunity.create", opp, {"status": [None, S.DRAFT], "title": opp.title})
    return opp


@transaction.atomic
def opportunity_update(
    *, actor: User | AnonymousUser | None, opportunity: Opportunity, **fields: Any
) -> Opportunity:
    """Change a posting's details (anything but its host and status). Same people as
    :func:`opportunity_create`. Filled postings are read-only. Changes to postings already
    seen by institutions are audited with before/after values."""
    if actor is None or not can_edit_opportunity(actor, opportunity):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status == S.FILLED:
        raise _illegal(opp, _("edited"))
    before = _snapshot(opp)
    errors: dict[str, list[str]] = {}
    _apply_fields(opp, fields, errors)
    changed = {k for k in fields if k in before and before[k] != _snapshot(opp)[k]}
    _validate(opp, changed, errors)
    if errors:
        raise DomainError(_("Please correct the highlighted fields."), fields=errors)
    opp.save()
    after = _snapshot(opp)
    diff = {k: [_jsonable(before[k]), _jsonable(after[k])] for k in after if before[k] != after[k]}
    if diff:
        _audit(actor, "opportunity.update", opp, diff)
    _sync(opportunity, opp)
    return opp


@transaction.atomic
def opportunity_submit(
    *,
    actor: User | AnonymousUser | None,
    opportunity: Opportunity,
    institutions: Iterable[Organization],
) -> Opportunity:
    """Send a draft to institutions for approval: draft → awaiting_approval, with a pending
    approval per institution (earlier decisions by the same institutions are reset)."""
    if actor is None or not can_edit_opportunity(actor, opportunity):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status != S.DRAFT:
        raise _illegal(opp, _("submitted for approval"))
    targets = {inst.pk: inst for inst in institutions}
    if not targets:
        raise DomainError(
            _("Choose at least one institution."),
            fields={"institutions": [_("Choose at least one institution.")]},
        )
    if any(not inst.is_institution for inst in targets.values()):
        raise DomainError(
            _("Postings can only be sent to education institutions."),
            fields={"institutions": [_("Choose education institutions only.")]},
        )
    if opp.application_deadline is not None and opp.application_deadline <= timezone.now():
        raise DomainError(
            _("The application deadline has passed: move it before submitting."),
            fields={"application_deadline": [_("The deadline has passed.")]},
        )
    for inst_id in targets:
        OpportunityApproval.objects.update_or_create(
            opportunity=opp,
            institution_id=inst_id,
            defaults={
                "status": ApprovalStatus.PENDING,
                "note": "",
                "decided_by": None,
                "decided_at": None,
            },
        )
    opp.status = S.AWAITING_APPROVAL
    opp.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        "opportunity.submit",
        opp,
        {
            "status": [S.DRAFT, S.AWAITING_APPROVAL],
            "institutions": sorted(str(i.public_id) for i in targets.values()),
        },
    )
    _sync(opportunity, opp)
    return opp
