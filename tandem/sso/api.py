"""REST endpoints for single sign-on connections (mounted at /api/v1/sso-connections).

Platform admins only. The client secret is write-only: it is never returned.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from tandem.accounts.models import signed_in_user
from tandem.core.errors import PermissionDeniedError
from tandem.core.pagination import PageNumberPagination, paginate
from tandem.core.schemas import PublicIdSchema
from tandem.organizations.models import Organization

from . import selectors, services
from .models import SsoConnection
from .permissions import can_manage_sso

router = Router(tags=["sso"])


class RoleRule(Schema):
    attribute: str
    value: str
    role: str


class ConnectionOut(PublicIdSchema):
    organization_id: UUID
    slug: str
    name: str
    protocol: str
    is_enabled: bool
    trust_email: bool
    role_rules: list[RoleRule]
    default_role: str
    issuer_url: str
    client_id: str
    has_client_secret: bool
    idp_metadata_url: str
    idp_entity_id: str
    idp_sso_url: str
    idp_x509cert: str
    sp_entity_id: str

    @staticmethod
    def resolve_organization_id(obj: SsoConnection) -> UUID:
        return obj.organization.public_id


class ConnectionPatch(Schema):
    slug: str | None = None
    name: str | None = None
    protocol: Literal["oidc", "saml"] | None = None
    is_enabled: bool | None = None
    trust_email: bool | None = None
    role_rules: list[RoleRule] | None = None
    default_role: str | None = None
    issuer_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    idp_metadata_url: str | None = None
    idp_metadata_xml: str | None = None
    idp_entity_id: str | None = None
    idp_sso_url: str | None = None
    idp_x509cert: str | None = None
    sp_entity_id: str | None = None


class ConnectionIn(ConnectionPatch):
    organization_id: UUID
    slug: str  # type: ignore[assignment]
    name: str  # type: ignore[assignment]
    protocol: Literal["oidc", "saml"]  # type: ignore[assignment]


def _admin(request: HttpRequest) -> None:
    if not can_manage_sso(request.user):
        raise PermissionDeniedError()


def _fields(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("organization_id", None)
    return {k: ("" if v is None else v) for k, v in data.items()}


def _connection_or_404(request: HttpRequest, connection_id: UUID) -> SsoConnection:
    _admin(request)
    connection = selectors.connections_for_admin(request.user).filter(public_id=connection_id)
    found = connection.first()
    if found is None:
        raise Http404
    return found


@router.get("/", response=list[ConnectionOut])
@paginate(PageNumberPagination)
def connection_list(request: HttpRequest) -> Any:
    """Every organization's connections."""
    _admin(request)
    return selectors.connections_for_admin(request.user)


@router.post("/", response={201: ConnectionOut})
def connection_create(request: HttpRequest, payload: ConnectionIn) -> Any:
    """Add a connection to an organization."""
    _admin(request)
    organization = Organization.objects.filter(public_id=payload.organization_id).first()
    if organization is None:
        raise Http404
    connection = services.sso_connection_create(
        actor=signed_in_user(request), organization=organization, **_fields(payload)
    )
    return Status(201, connection)


@router.get("/{connection_id}", response=ConnectionOut)
def connection_detail(request: HttpRequest, connection_id: UUID) -> Any:
    return _connection_or_404(request, connection_id)


@router.patch("/{connection_id}", response=ConnectionOut)
def connection_update(request: HttpRequest, connection_id: UUID, payload: ConnectionPatch) -> Any:
    """Change a connection; an absent or empty ``client_secret`` keeps the stored one."""
    connection = _connection_or_404(request, connection_id)
    return services.sso_connection_update(
        actor=signed_in_user(request), connection=connection, **_fields(payload)
    )


@router.delete("/{connection_id}", response={204: None})
def connection_delete(request: HttpRequest, connection_id: UUID) -> Any:
    connection = _connection_or_404(request, connection_id)
    services.sso_connection_delete(actor=signed_in_user(request), connection=connection)
    return Status(204, None)
