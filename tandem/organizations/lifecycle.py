"""Account lifecycle from an organization's member list: deactivate and reactivate.

Deactivating keeps every record of the person (memberships, applications, audit trail) but
sets ``is_active`` off, which stops sign-in and API use, ends all their sessions and revokes
their API tokens. Reactivating lets them sign in again (with a new session; old tokens stay
revoked). Who may: :func:`tandem.organizations.permissions.can_change_account_access`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.services import user_api_tokens_revoke, user_sessions_end
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, PermissionDeniedError

from .models import Membership, Organization
from .permissions import can_change_account_access


def _check(actor: Any, organization: Organization, account: User) -> User:
    if not can_change_account_access(actor, organization, account):
        raise PermissionDeniedError(
            _("You may switch off only accounts that belong to your organization alone.")
        )
    return User.objects.select_for_update().get(pk=account.pk)


def _orgs_of(account: User) -> set[int]:
    return set(
        Membership.objects.filter(user=account, is_active=True).values_list(
            "organization_id", flat=True
        )
    )


@transaction.atomic
def account_deactivate(*, actor: Any, organization: Organization, account: User) -> User:
    """Switch the account off: no sign-in, sessions ended, API tokens revoked, data kept."""
    locked = _check(actor, organization, account)
    if not locked.is_active:
        raise ConflictError(_("This account is already deactivated."), code="inactive")
    if locked.erased_at is not None:
        raise ConflictError(_("This account has been erased."), code="erased")
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    tokens = user_api_tokens_revoke(locked)
    sessions = user_sessions_end(locked)
    audit_record(
        actor=actor,
        action="accounts.user.deactivate",
        target=locked,
        organizations=_orgs_of(locked) | {organization.pk},
        changes={"is_active": [True, False], "tokens_revoked": tokens, "sessions_ended": sessions},
    )
    account.is_active = False
    return locked


@transaction.atomic
def account_reactivate(*, actor: Any, organization: Organization, account: User) -> User:
    """Let a deactivated account sign in again (its revoked tokens stay revoked)."""
    locked = _check(actor, organization, account)
    if locked.is_active:
        raise ConflictError(_("This account is active."), code="active")
    if locked.erased_at is not None:
        raise ConflictError(_("This account has been erased."), code="erased")
    locked.is_active = True
    locked.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="accounts.user.reactivate",
        target=locked,
        organizations=_orgs_of(locked) | {organization.pk},
        changes={"is_active": [False, True]},
    )
    account.is_active = True
    return locked
