"""REST endpoints for organizations (mounted at /api/v1/organizations).

Everything requires authentication. Member lists go only to an organization's managers;
vetting only to the institution's coordinators.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tandem.accounts.models import signed_in_user
from tandem.core.errors import PermissionDeniedError
from tandem.core.pagination import PageNumberPagination, paginate
from tandem.core.schemas import PublicIdSchema

from . import invitations, selectors, services
from .models import (
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationType,
    Role,
    Sector,
    Site,
    VettingStatus,
)
from .permissions import can_manage_organization

router = Router(tags=["organizations"])


class OrganizationOut(PublicIdSchema):
    name: str
    slug: str
    kind: str
    type: str
    sector: str
    description: str
    website: str
    city: str
    region: str
    country: str


class SiteOut(PublicIdSchema):
    name: str
    address: str
    city: str
    region: str
    postcode: str
    country: str
    latitude: Decimal | None
    longitude: Decimal | None


class OrganizationDetailOut(OrganizationOut):
    sites: list[SiteOut]

    @staticmethod
    def resolve_sites(obj: Organization) -> list[Site]:
        return list(selectors.organization_sites(obj))


class SiteIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    city: str = Field(..., min_length=1, max_length=100)
    address: str = Field("", max_length=300)
    region: str = Field("", max_length=100)
    postcode: str = Field("", max_length=20)
    country: str = Field("GB", min_length=2, max_length=2)
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class MemberOut(Schema):
    id: UUID
    user_id: UUID
    full_name: str
    email: str
    role: Role
    title: str
    program: str
    year_of_study: int | None


class MemberIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)
    role: Role
    title: str = Field("", max_length=120)
    program: str = Field("", max_length=200)
    year_of_study: int | None = None


class MemberInvitationOut(Schema):
    """An invitation as its organization's managers see it: the address they typed, never
    whether an account uses it."""

    id: UUID = Field(..., alias="public_id")
    email: str
    role: Role
    title: str
    program: str
    year_of_study: int | None
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime


class MemberInvitationSentOut(Schema):
    detail: str
    invitation: MemberInvitationOut


class MyMemberInvitationOut(Schema):
    """An invitation as the invitee sees it."""

    id: UUID = Field(..., alias="public_id")
    organization_id: UUID
    organization_name: str
    role: Role
    title: str
    program: str
    year_of_study: int | None
    status: InvitationStatus
    expires_at: datetime

    @staticmethod
    def resolve_organization_id(obj: Invitation) -> UUID:
        return obj.organization.public_id

    @staticmethod
    def resolve_organization_name(obj: Invitation) -> str:
        return obj.organization.name


class OrganizationPatch(Schema):
    name: str | None = Field(None, max_length=200)
    description: str | None = None
    website: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2)
    sector: Sector | None = None


class OrganizationFilters(Schema):
    q: str = Field("", max_length=100)
    kind: OrganizationKind | None = None
    type: OrganizationType | None = None
    sector: Sector | None = None


class VettingOut(Schema):
    partner_id: UUID
    partner_name: str
    sector: str
    status: VettingStatus
    note: str
    decided_at: datetime | None


class VettingRowOut(Schema):
    """A partner annotated by :func:`selectors.partners_with_vetting`."""

    partner_id: UUID = Field(..., alias="public_id")
    partner_name: str = Field(..., alias="name")
    sector: str
    status: VettingStatus
    note: str
    decided_at: datetime | None

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return obj.vetting_status or VettingStatus.PENDING

    @staticmethod
    def resolve_note(obj: Any) -> str:
        return obj.vetting_note or ""

    @staticmethod
    def resolve_decided_at(obj: Any) -> datetime | None:
        return obj.vetting_decided_at


class VettingFilters(Schema):
    status: VettingStatus | None = None
    q: str = Field("", max_length=100)


class VettingIn(Schema):
    status: VettingStatus
    note: str = Field("", max_length=2000)


def _org_or_404(request: HttpRequest, org_id: UUID) -> Organization:
    org = selectors.organization_get(request.user, org_id)
    if org is None:
        raise Http404
    return org


# --- The invitee's side (declared before "/{org_id}" so that "invitations" is not an id) ------
def _my_invitation_or_404(request: HttpRequest, invitation_id: UUID) -> Invitation:
    invitation = selectors.invitation_for_invitee(request.user, invitation_id)
    if invitation is None:  # someone else's invitation, or none: the same answer
        raise Http404
    return invitation


@router.get("/invitations", response=list[MyMemberInvitationOut])
def my_invitation_list(request: HttpRequest) -> Any:
    """My pending invitations (addressed to my account's e-mail address)."""
    return list(selectors.invitations_for(request.user))


@router.post("/invitations/{invitation_id}/accept", response=MemberOut)
def my_invitation_accept(request: HttpRequest, invitation_id: UUID) -> Any:
    """Accept one of my invitations: the membership starts now. 409 if it is no longer open,
    400 (code ``expired``) if it has expired."""
    invitation = _my_invitation_or_404(request, invitation_id)
    membership = invitations.invitation_accept(actor=signed_in_user(request), invitation=invitation)
    return _member_out(membership)


@router.post("/invitations/{invitation_id}/decline", response=MyMemberInvitationOut)
def my_invitation_decline(request: HttpRequest, invitation_id: UUID) -> Any:
    """Decline one of my invitations."""
    invitation = _my_invitation_or_404(request, invitation_id)
    return invitations.invitation_decline(actor=signed_in_user(request), invitation=invitation)


@router.get("/", response=list[OrganizationOut])
@paginate(PageNumberPagination)
def organization_list(request: HttpRequest, filters: Query[OrganizationFilters]) -> Any:
    """Institutions and partners, filtered by search text, kind, type and sector."""
    return selectors.organizations_list(
        request.user,
        q=filters.q,
        kind=filters.kind or "",
        type=filters.type or "",
        sector=filters.sector or "",
    )


@router.get("/{org_id}", response=OrganizationDetailOut)
def organization_detail(request: HttpRequest, org_id: UUID) -> Any:
    return _org_or_404(request, org_id)


@router.get("/{org_id}/sites", response=list[SiteOut])
def site_list(request: HttpRequest, org_id: UUID) -> Any:
    return selectors.organization_sites(_org_or_404(request, org_id))


@router.post("/{org_id}/sites", response={201: SiteOut})
def site_create(request: HttpRequest, org_id: UUID, payload: SiteIn) -> Any:
    """Add a site. The organization's coordinators (institution) or recruiters (partner)."""
    org = _org_or_404(request, org_id)
    if not can_manage_organization(request.user, org):
        raise PermissionDeniedError()
    data = payload.dict()
    site = services.site_create(
        actor=request.user,
        organization=org,
        name=data.pop("name"),
        city=data.pop("city"),
        **data,
    )
    return Status(201, site)


def _member_out(m: Membership) -> dict[str, Any]:
    return {
        "id": m.public_id,
        "user_id": m.user.public_id,
        "full_name": m.user.full_name,
        "email": m.user.email,
        "role": m.role,
        "title": m.title,
        "program": m.program,
        "year_of_study": m.year_of_study,
    }


def _managed_or_403(request: HttpRequest, org_id: UUID) -> Organization:
    org = _org_or_404(request, org_id)
    if not can_manage_organization(request.user, org):
        raise PermissionDeniedError()
    return org


@router.patch("/{org_id}", response=OrganizationDetailOut)
def organization_update(request: HttpRequest, org_id: UUID, payload: OrganizationPatch) -> Any:
    """Change public details. The organization's coordinators (institution) or recruiters
    (partner)."""
    org = _managed_or_403(request, org_id)
    data = {k: ("" if v is None else v) for k, v in payload.dict(exclude_unset=True).items()}
    return services.organization_update(actor=request.user, organization=org, **data)


@router.get("/{org_id}/members", response=list[MemberOut])
def member_list(request: HttpRequest, org_id: UUID) -> Any:
    """Active members. Only for the organization's own managers."""
    org = _managed_or_403(request, org_id)
    return [_member_out(m) for m in selectors.organization_members(request.user, org)]


@router.post("/{org_id}/members", response={202: MemberInvitationSentOut})
def member_add(request: HttpRequest, org_id: UUID, payload: MemberIn) -> Any:
    """Invite a person by e-mail to a role here (the organization's managers). The person
    joins only when they accept; until then the organization sees nothing of theirs. The
    answer is the same whether or not an account uses the address (202, the invitation);
    inviting the same address to the same role again re-sends it with a new link."""
    org = _managed_or_403(request, org_id)
    invitation = invitations.invitation_create(
        actor=request.user,
        organization=org,
        email=payload.email,
        role=payload.role,
        title=payload.title,
        program=payload.program,
        year_of_study=payload.year_of_study,
    )
    return Status(
        202,
        {
            "detail": _("Invitation sent to %(email)s.") % {"email": invitation.email},
            "invitation": invitation,
        },
    )


class InvitationFilters(Schema):
    status: InvitationStatus | None = None


@router.get("/{org_id}/invitations", response=list[MemberInvitationOut])
@paginate(PageNumberPagination)
def invitation_list(request: HttpRequest, org_id: UUID, filters: Query[InvitationFilters]) -> Any:
    """Every invitation, newest first, or those of one ``status`` (pending, accepted,
    declined, revoked, expired). The organization's managers only."""
    org = _managed_or_403(request, org_id)
    return selectors.invitations_by_status(request.user, org, status=filters.status or "")


@router.delete("/{org_id}/invitations/{invitation_id}", response={204: None})
def invitation_revoke(request: HttpRequest, org_id: UUID, invitation_id: UUID) -> Any:
    """Withdraw an open invitation; its link stops working. The organization's managers."""
    org = _managed_or_403(request, org_id)
    invitation = (
        selectors.organization_invitations(request.user, org)
        .filter(public_id=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404
    invitations.invitation_revoke(actor=request.user, invitation=invitation)
    return Status(204, None)


@router.delete("/{org_id}/members/{membership_id}", response={204: None})
def member_remove(request: HttpRequest, org_id: UUID, membership_id: UUID) -> Any:
    """End a membership (the organization's managers). The last manager cannot be removed."""
    org = _managed_or_403(request, org_id)
    membership = Membership.objects.filter(
        public_id=membership_id, organization=org, is_active=True
    ).first()
    if membership is None:
        raise Http404
    services.membership_remove(actor=request.user, membership=membership)
    return Status(204, None)


def _vetting_institution(request: HttpRequest, org_id: UUID) -> Organization:
    org = _org_or_404(request, org_id)
    if not selectors.vetting_institutions_for(request.user).filter(pk=org.pk).exists():
        raise PermissionDeniedError()
    return org


@router.get("/{org_id}/vetting", response=list[VettingRowOut])
@paginate(PageNumberPagination)
def vetting_list(request: HttpRequest, org_id: UUID, filters: Query[VettingFilters]) -> Any:
    """Every industry partner with this institution's vetting status (coordinators)."""
    institution = _vetting_institution(request, org_id)
    return selectors.partners_with_vetting(
        request.user, institution, status=filters.status or "", q=filters.q
    )


@router.put("/{org_id}/vetting/{partner_id}", response=VettingOut)
def vetting_decide(request: HttpRequest, org_id: UUID, partner_id: UUID, payload: VettingIn) -> Any:
    """Approve, reject or reset a partner for this institution (its coordinators)."""
    institution = _vetting_institution(request, org_id)
    partner = Organization.objects.filter(
        public_id=partner_id, kind=OrganizationKind.PARTNER
    ).first()
    if partner is None:
        raise Http404
    vetting = services.partner_vetting_decide(
        actor=request.user,
        institution=institution,
        partner=partner,
        status=payload.status,
        note=payload.note,
    )
    return {
        "partner_id": partner.public_id,
        "partner_name": partner.name,
        "sector": partner.sector,
        "status": vetting.status,
        "note": vetting.note,
        "decided_at": vetting.decided_at,
    }


# The people endpoints (bulk invitations, accounts) live in their own module, on this router.
from . import api_people  # noqa: E402, F401
