"""REST endpoints for an organization's people (added to the organizations router): bulk
invitations, re-sending, the member accounts list and account deactivation.

Only the organization's managers (and platform admins); deactivation only of accounts that
belong to the organization alone (platform admins: any but their own).
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema, Status

from tandem.accounts.models import User
from tandem.core.pagination import PageNumberPagination, paginate

from . import bulk_invitations, invitations, lifecycle, selectors
from .api import MemberInvitationOut, _managed_or_403, router
from .models import Role


class BulkInviteIn(Schema):
    """A CSV text (the same columns as the upload: email, role; optional program,
    year_of_study, title). ``dry_run`` checks it and sends nothing."""

    csv: str = Field(..., min_length=1, max_length=2_000_000)
    dry_run: bool = False


class BulkInviteLineOut(Schema):
    line: int
    email: str
    role: str
    title: str
    program: str
    year_of_study: int | None


class BulkInviteOut(Schema):
    dry_run: bool
    count: int
    lines: list[BulkInviteLineOut]
    invitations: list[MemberInvitationOut]


class MemberAccountOut(Schema):
    membership_id: UUID
    user_id: UUID
    full_name: str
    email: str
    role: Role
    last_login: datetime | None
    is_active: bool


class MemberAccountFilters(Schema):
    role: Role | None = None
    q: str = Field("", max_length=100)
    account: str = Field("", pattern="^(|active|inactive)$")


class AccountOut(Schema):
    user_id: UUID
    is_active: bool


@router.post("/{org_id}/bulk-invitations", response={200: BulkInviteOut, 202: BulkInviteOut})
def invitation_bulk(request: HttpRequest, org_id: UUID, payload: BulkInviteIn) -> Any:
    """Invite many people from CSV text, all or none: any bad line is a 400 whose ``file``
    field lists ``Line N: message`` for each, and nothing is sent. ``dry_run`` answers 200
    with the lines that would be sent; otherwise 202 with the invitations. The answer never
    depends on whether an address has an account."""
    org = _managed_or_403(request, org_id)
    plan, sent = bulk_invitations.invitations_import_csv(
        actor=request.user, organization=org, content=payload.csv.encode(), dry_run=True
    )
    if not plan.ok:
        raise bulk_invitations.bad_file(plan.errors)
    if not payload.dry_run:
        sent = bulk_invitations.invitations_bulk_send(
            actor=request.user, organization=org, plan=plan, source="api"
        )
    body = {
        "dry_run": payload.dry_run,
        "count": len(plan.lines),
        "lines": [vars(line) for line in plan.lines],
        "invitations": sent,
    }
    return Status(200 if payload.dry_run else 202, body)


@router.post("/{org_id}/invitations/{invitation_id}/resend", response={202: MemberInvitationOut})
def invitation_resend(request: HttpRequest, org_id: UUID, invitation_id: UUID) -> Any:
    """Send an invitation again with a new link and expiry (409 if it was accepted)."""
    org = _managed_or_403(request, org_id)
    found = (
        selectors.invitations_by_status(request.user, org).filter(public_id=invitation_id).first()
    )
    if found is None:
        raise Http404
    return Status(202, invitations.invitation_resend(actor=request.user, invitation=found))


@router.get("/{org_id}/accounts", response=list[MemberAccountOut])
@paginate(PageNumberPagination)
def member_account_list(
    request: HttpRequest, org_id: UUID, filters: Query[MemberAccountFilters]
) -> Any:
    """Members with their role, last sign-in and whether their account is active; filtered
    by role, name or e-mail text (``q``) and ``account`` (active, inactive)."""
    org = _managed_or_403(request, org_id)
    qs = selectors.member_accounts(
        request.user, org, role=filters.role or "", q=filters.q, account=filters.account
    )
    return [
        {
            "membership_id": m.public_id,
            "user_id": m.user.public_id,
            "full_name": m.user.full_name,
            "email": m.user.email,
            "role": m.role,
            "last_login": m.user.last_login,
            "is_active": m.user.is_active,
        }
        for m in qs
    ]


def _account_or_404(request: HttpRequest, org_id: UUID, user_id: UUID) -> tuple[Any, User]:
    org = _managed_or_403(request, org_id)
    membership = (
        selectors.organization_members(request.user, org).filter(user__public_id=user_id).first()
    )
    if membership is None:
        raise Http404
    return org, membership.user


@router.post("/{org_id}/accounts/{user_id}/deactivate", response=AccountOut)
def account_deactivate(request: HttpRequest, org_id: UUID, user_id: UUID) -> Any:
    """Deactivate a member's account: data kept, sign-in stopped, sessions ended, API tokens
    revoked. 403 unless the account belongs to this organization alone (platform admins:
    any account but their own); 409 if already deactivated."""
    org, account = _account_or_404(request, org_id, user_id)
    user = lifecycle.account_deactivate(actor=request.user, organization=org, account=account)
    return {"user_id": user.public_id, "is_active": user.is_active}


@router.post("/{org_id}/accounts/{user_id}/reactivate", response=AccountOut)
def account_reactivate(request: HttpRequest, org_id: UUID, user_id: UUID) -> Any:
    """Let a deactivated member's account sign in again (same rule as deactivating)."""
    org, account = _account_or_404(request, org_id, user_id)
    user = lifecycle.account_reactivate(actor=request.user, organization=org, account=account)
    return {"user_id": user.public_id, "is_active": user.is_active}
