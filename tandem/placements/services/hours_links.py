"""Hours approval from a link without an account (docs/placements.md "Approving hours from a
link").

A coordinator of the student's institution, or host staff of the placement's host, e-mails a
host supervisor a link to one placement's waiting hours. The link holds a random token whose
SHA-256 hash is stored: it is bound to the placement and the supervisor's e-mail, expires,
can be revoked, and grants nothing but approving or returning that placement's waiting
entries, through the same decision as the signed-in path (:func:`.hours.decide_entries`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.types import signed_in
from tandem.applications.models import Application, Stage
from tandem.audit.services import audit_record
from tandem.core.email import send_text_email
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.links import absolute_url
from tandem.organizations.models import Role
from tandem.organizations.permissions import has_role

from ..models import HoursApprovalLink, HoursEntry
from ..permissions import can_send_hours_link
from .hours import _decision_input, decide_entries

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

LINK_DAYS = 14
logger = logging.getLogger(__name__)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hours_link_url(link_placement_id: Any, token: str) -> str:
    return absolute_url(
        reverse(
            "placements:hours_link",
            kwargs={"public_id": link_placement_id, "token": token},
        )
    )


@transaction.atomic
def hours_link_issue(
    *,
    actor: Actor,
    application: Application,
    email: str,
    days: int = LINK_DAYS,
    send: bool = True,
) -> tuple[HoursApprovalLink, str]:
    """Create a link for ``email`` to decide ``application``'s waiting hours and (after the
    commit) e-mail it. Returns the link and its token (shown nowhere else: only its hash is
    kept). Earlier live links of the same placement and e-mail are revoked."""
    if not can_send_hours_link(actor, application):
        raise PermissionDeniedError()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            _("Enter a valid e-mail address."),
            fields={"email": [_("Enter a valid e-mail address.")]},
        ) from None
    if application.stage != Stage.PLACED:
        raise DomainError(
            _("Hours are approved once the placement has started and until it is completed."),
            code="not_placed",
        )
    now = timezone.now()
    HoursApprovalLink.objects.filter(
        application=application, email=email, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    token = secrets.token_urlsafe(32)
    link = HoursApprovalLink.objects.create(
        application=application,
        email=email,
        token_hash=_hash(token),
        expires_at=now + dt.timedelta(days=max(1, min(days, 60))),
        created_by=signed_in(actor),
    )
    audit_record(
        actor=actor,
        action="placements.hours_link_sent",
        target=link,
        organizations=[application.institution_id, application.opportunity.host_id],
        changes={"email": email, "expires_at": link.expires_at.isoformat()},
    )
    if send:
        context = {
            "url": hours_link_url(application.public_id, token),
            "opportunity": application.opportunity.title,
            "student": application.student.full_name,
            "expires_at": link.expires_at,
        }
        # Sent after the commit, in the request: the token is never stored (a queued task
        # would keep it). A failed send is logged (no address, no token) and the link can be
        # sent again; it does not undo the link.
        transaction.on_commit(partial(_send, to=email, context=context, link_id=link.pk))
    return link, token


def _send(*, to: str, context: dict[str, Any], link_id: int) -> None:
    try:
        send_text_email(
            to=to,
            subject_template="placements/email/hours_link_subject.txt",
            body_template="placements/email/hours_link_body.txt",
            context=context,
        )
    except Exception:  # SMTP and backend errors alike: the link stays usable
        logger.exception("hours approval link %s: the e-mail could not be sent", link_id)


@transaction.atomic
def hours_link_revoke(*, actor: Actor, link: HoursApprovalLink) -> None:
    if not can_send_hours_link(actor, link.application):
        raise PermissionDeniedError()
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="placements.hours_link_revoked",
            target=link,
            organizations=[link.application.institution_id, link.application.opportunity.host_id],
            changes={"email": link.email},
        )


def hours_link_resolve(*, placement_id: Any, token: str) -> HoursApprovalLink:
    """The live link for ``token`` on placement ``placement_id``; a forged, revoked, expired
    token or one for another placement raises :class:`DomainError` (code ``invalid``,
    ``revoked`` or ``expired``)."""
    link = (
        HoursApprovalLink.objects.select_related(
            "application__opportunity__host", "application__student"
        )
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if link is None or str(link.application.public_id) != str(placement_id):
        raise DomainError(_("This link is not valid."), code="invalid")
    if link.revoked_at is not None:
        raise DomainError(_("This link was withdrawn."), code="revoked")
    if link.expires_at <= timezone.now():
        raise DomainError(_("This link has expired."), code="expired")
    return link


def link_supervisor(link: HoursApprovalLink) -> User | None:
    """The account behind the link's e-mail when it is a workplace supervisor of the host:
    decisions are then recorded as theirs; otherwise as the e-mail."""
    user = User.objects.filter(email__iexact=link.email, is_active=True).first()
    if user is not None and has_role(user, link.application.opportunity.host_id, [Role.SUPERVISOR]):
        return user
    return None


@transaction.atomic
def hours_decide_by_link(
    *,
    placement_id: Any,
    token: str,
    entry_ids: Iterable[Any],
    approve: bool,
    reason: str = "",
) -> int:
    """Approve or return waiting entries of the link's placement (only): the same decision,
    locking and once-only counting as :func:`.hours.hours_decide`."""
    link = hours_link_resolve(placement_id=placement_id, token=token)
    HoursApprovalLink.objects.select_for_update().filter(pk=link.pk).first()
    ids, reason = _decision_input(entry_ids, approve, reason)
    entries = list(
        HoursEntry.objects.select_related("application__opportunity").filter(
            public_id__in=ids, application_id=link.application_id
        )
    )
    if len(entries) != len(ids):
        raise PermissionDeniedError(_("This link does not cover some of these entries."))
    supervisor = link_supervisor(link)
    decided = decide_entries(
        actor=supervisor, entries=entries, approve=approve, reason=reason, by_email=link.email
    )
    link.last_used_at = timezone.now()
    link.save(update_fields=["last_used_at", "updated_at"])
    return decided
