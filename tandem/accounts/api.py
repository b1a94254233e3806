"""Account endpoints: who am I, and personal access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from . import services
from .models import ApiToken, signed_in_user

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organization_id: UUID
    organization_name: str
    role: str


class MeOut(Schema):
    id: UUID
    email: str
    full_name: str
    memberships: list[MembershipOut]


class TokenIn(Schema):
    name: str
    expires_in_days: int | None = None


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


def _token_out(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.public_id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = signed_in_user(request)
    # Through the reverse relation: accounts sits below organizations (ADR 0007).
    memberships = user.memberships.filter(is_active=True).select_related("organization")
    return {
        "id": user.public_id,
        "email": user.email,
        "full_name": user.full_name,
        "memberships": [
            {
                "organization_id": m.organization.public_id,
                "organization_name": m.organization.name,
                "role": m.role,
            }
            for m in memberships
        ],
    }


@router.get("/me/personal-data", response=dict[str, Any], summary="Export my personal data")
def personal_data(request: HttpRequest) -> dict[str, Any]:
    """Everything Tandem holds about the caller (right of access): the same document as the
    download on the account page."""
    from .personal_data import export_personal_data

    return export_personal_data(signed_in_user(request))


@router.get("/tokens", response=list[TokenOut])
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    return [_token_out(t) for t in ApiToken.objects.filter(user=signed_in_user(request))]


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    header = request.headers.get("Authorization", "")
    scheme, _, raw_auth = header.partition(" ")
    via = services.api_token_usable(raw_auth.strip()) if scheme.lower() == "bearer" else None
    token, raw = services.api_token_create(
        actor=signed_in_user(request),
        name=payload.name,
        expires_in_days=payload.expires_in_days,
        via=via,
    )
    return Status(201, {**_token_out(token), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: UUID) -> Status[None]:
    user = signed_in_user(request)
    token = get_object_or_404(ApiToken, public_id=token_id, user=user)
    services.api_token_revoke(actor=user, token=token)
    return Status(204, None)
