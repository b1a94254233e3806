"""Invitations: how a person joins an organization with their consent.

A coordinator (institution) or recruiter (partner) invites an e-mail address to a role; the
person accepts (or declines) through the e-mailed link, their account page or the API, and
only then does a ``Membership`` exist. Until then the organization sees nothing of theirs.
The answer to the inviter is the same whether or not the address has a Tandem account; a
person without one creates it from the link.

Tokens: the link carries ``salted_hmac(TOKEN_SALT, "<public_id>:<nonce>")``; the database
keeps the nonce and the SHA-256 of the token, so neither a copy of the database nor the task
queue (which receives only the invitation's id) holds a usable link.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tandem.accounts.services import user_create
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError

from .models import INVITATION_DAYS, Invitation, Membership, Organization
from .permissions import can_invite_members, is_invitee
from .services import _check_member_details, _check_role_fits, _membership_grant

logger = logging.getLogger(__name__)

TOKEN_SALT = "tandem.organizations.invitation"  # noqa: S105 - a salt, not a secret
TOKEN_LENGTH = 64


def normalize_email(value: str) -> str:
    return (value or "").strip().lower()


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_token(invitation: Invitation) -> str:
    """The secret of the invitation's link (derivable only with the site's secret key)."""
    return salted_hmac(
        TOKEN_SALT, f"{invitation.public_id}:{invitation.token_nonce}", algorithm="sha256"
    ).hexdigest()


def _new_token(invitation: Invitation) -> None:
    invitation.token_nonce = secrets.token_hex(32)
    invitation.token_hash = _hash(invitation_token(invitation))


def invitation_from_token(raw: str) -> Invitation | None:
    """The invitation a link's token names, whatever its state; ``None`` for an unknown one."""
    raw = (raw or "").strip()
    if len(raw) != TOKEN_LENGTH:
        return None
    return Invitation.objects.select_related("organization").filter(token_hash=_hash(raw)).first()


def _send_on_commit(invitation: Invitation) -> None:
    from .tasks import send_invitation

    transaction.on_commit(partial(send_invitation.enqueue, invitation_id=invitation.pk))


def _require(condition: bool, message: str | None = None) -> None:
    if not condition:
        raise PermissionDeniedError(message) if message else PermissionDeniedError()


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    organization: Organization,
    email: str,
    role: str,
    title: str = "",
    program: str = "",
    year_of_study: int | None = None,
) -> Invitation:
    """Invite ``email`` to ``role`` in ``organization`` (its managers, or the system).

    Behaves the same whether or not an account uses the address. An open invitation for the
    same address and role is re-sent with a new link (the old link stops working) and a new
    expiry. The e-mail goes out after the transaction commits."""
    _require(actor is None or can_invite_members(actor, organization))
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(
            _("Enter a valid e-mail address."),
            fields={"email": [_("Enter a valid e-mail address.")]},
        ) from exc
    _check_role_fits(organization, role)
    _check_member_details(role, program, year_of_study)
    title, program = (title or "").strip(), (program or "").strip()
    # The organization's managers see their own members (with e-mail addresses) anyway, so
    # saying "already a member" tells them nothing new about anyone else.
    if Membership.objects.filter(
        organization=organization, role=role, is_active=True, user__email__iexact=email
    ).exists():
        raise ConflictError(
            _("This person already holds this role here."),
            fields={"role": [_("Already a member with this role.")]},
        )
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            organization=organization,
            email=email,
            role=role,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )
    action = "invitation.resend" if invitation is not None else "invitation.create"
    if invitation is None:
        invitation = Invitation(organization=organization, email=email, role=role)
    invitation.title, invitation.program, invitation.year_of_study = title, program, year_of_study
    invitation.invited_by = actor if getattr(actor, "is_authenticated", False) else None
    invitation.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
    _new_token(invitation)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:  # a concurrent invitation of the same address and role
        raise ConflictError(_("This address has just been invited to this role.")) from exc
    audit_record(
        actor=actor,
        action=action,
        target=invitation,
        organizations=[organization],
        changes={"role": role},
    )
    _send_on_commit(invitation)
    return invitation


def invitation_resend(*, actor: Any, invitation: Invitation) -> Invitation:
    """Send an invitation again: an open one (pending or expired) gets a new link and expiry
    (the old link stops working); a declined or revoked one becomes a new invitation with the
    same details. An accepted invitation is done."""
    if invitation.accepted_at is not None:
        raise ConflictError(_("This invitation has already been accepted."), code="accepted")
    return invitation_create(
        actor=actor,
        organization=invitation.organization,
        email=invitation.email,
        role=invitation.role,
        title=invitation.title,
        program=invitation.program,
        year_of_study=invitation.year_of_study,
    )


def _locked_pending(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )
    if locked.accepted_at is not None:
        raise ConflictError(_("This invitation has already been accepted."), code="accepted")
    if not locked.is_open:
        raise ConflictError(_("This invitation is no longer valid."), code="closed")
    if locked.expires_at <= timezone.now():
        raise DomainError(_("This invitation has expired."), code="expired")
    return locked


@transaction.atomic
def invitation_accept(*, actor: Any, invitation: Invitation) -> Membership:
    """The invitee (the account with the invited e-mail address) accepts: the membership is
    created (or reactivated) now, and only now."""
    _require(
        is_invitee(actor, invitation), _("This invitation was sent to another e-mail address.")
    )
    locked = _locked_pending(invitation)
    existing = Membership.objects.filter(
        user=actor, organization=locked.organization, role=locked.role, is_active=True
    ).first()
    membership = existing or _membership_grant(
        actor=actor,
        organization=locked.organization,
        user=actor,
        role=locked.role,
        title=locked.title,
        program=locked.program,
        year_of_study=locked.year_of_study,
    )
    locked.accepted_at = timezone.now()
    locked.membership = membership
    locked.save(update_fields=["accepted_at", "membership", "updated_at"])
    audit_record(
        actor=actor,
        action="invitation.accept",
        target=locked,
        organizations=[locked.organization],
        changes={"role": locked.role},
    )
    invitation.accepted_at, invitation.membership = locked.accepted_at, membership
    return membership


@transaction.atomic
def invitation_accept_with_signup(
    *, invitation: Invitation, full_name: str, password: str
) -> tuple[Any, Membership]:
    """Someone without an account opens the e-mailed link (which proves they read the
    invited mailbox): create their account with the invited address and accept, together —
    a refused acceptance creates no account."""
    account = user_create(email=invitation.email, full_name=full_name, password=password)
    return account, invitation_accept(actor=account, invitation=invitation)


@transaction.atomic
def invitation_decline(*, actor: Any, invitation: Invitation) -> Invitation:
    """The invitee says no. The organization learns only that the invitation was declined."""
    _require(
        is_invitee(actor, invitation), _("This invitation was sent to another e-mail address.")
    )
    locked = _locked_pending(invitation)
    locked.declined_at = timezone.now()
    locked.save(update_fields=["declined_at", "updated_at"])
    audit_record(
        actor=actor,
        action="invitation.decline",
        target=locked,
        organizations=[locked.organization],
        changes={"role": locked.role},
    )
    invitation.declined_at = locked.declined_at
    return locked


@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    """The organization's managers withdraw an open (pending or expired) invitation; its link
    stops working at once."""
    _require(actor is None or can_invite_members(actor, invitation.organization))
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_open:
        raise ConflictError(_("This invitation is no longer open."), code="closed")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="invitation.revoke",
        target=locked,
        organizations=[locked.organization_id],
        changes={"role": locked.role},
    )
    invitation.revoked_at = locked.revoked_at
    return locked


# --- Personal data ---------------------------------------------------------------------------
def invitations_personal_data_export(user: Any) -> dict[str, Any]:
    """Invitations addressed to the person, and those they sent (without the invitee's
    address, which is someone else's personal data)."""
    received = Invitation.objects.filter(email=normalize_email(user.email)).select_related(
        "organization"
    )
    sent = Invitation.objects.filter(invited_by=user).select_related("organization")
    return {
        "invitations_received": [
            {
                "organization": i.organization.name,
                "role": i.role,
                "title": i.title,
                "program": i.program,
                "year_of_study": i.year_of_study,
                "status": i.status,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
            }
            for i in received.order_by("created_at", "pk")
        ],
        "invitations_sent": [
            {
                "organization": i.organization.name,
                "role": i.role,
                "status": i.status,
                "created_at": i.created_at,
            }
            for i in sent.order_by("created_at", "pk")
        ],
    }


def invitations_personal_data_erase(user: Any) -> None:
    """Invitations addressed to the person are deleted (their address is the personal data);
    those they sent stay with the organization but no longer name them."""
    Invitation.objects.filter(email=normalize_email(user.email)).delete()
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
