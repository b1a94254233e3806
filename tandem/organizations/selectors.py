"""Reads of organizations, scoped to the viewer.

Organization names, kinds, sectors and sites are public to every signed-in person; member
lists are personal data and only reach the organization's own managers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, JSONField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tandem.core.fulltext import FullTextIndex, ranked_matches

from .models import (
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    PartnerSignup,
    PartnerVetting,
    Site,
)
from .permissions import (
    can_invite_members,
    can_view_members,
    can_view_organization,
    vetting_institutions_qs,
)

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def organizations_list(
    viewer: Actor,
    *,
    q: str = "",
    kind: str = "",
    type: str = "",
    sector: str = "",
) -> QuerySet[Organization]:
    """Organizations a signed-in viewer may browse, filtered. Anonymous viewers get none."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Organization.objects.none()
    qs = Organization.objects.annotate(site_count=Count("sites", distinct=True))
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(city__icontains=q)
            | Q(region__icontains=q)
            | Q(description__icontains=q)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if type:
        qs = qs.filter(type=type)
    if sector:
        qs = qs.filter(sector=sector)
    return qs.order_by("name", "pk")


#: The organizations' full-text index (migration 0006; docs/decisions/0012-platform-search.md).
SEARCH_INDEX = FullTextIndex(
    Organization._meta.db_table,
    (("name", "A"), ("description", "C"), ("city", "D"), ("region", "D")),
)


def organization_search(viewer: Actor, text: str) -> QuerySet[Organization]:
    """Organizations of the directory (every signed-in viewer, see :func:`organizations_list`)
    matching ``text``, best match first (``search_rank``)."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Organization.objects.none()
    return ranked_matches(Organization.objects.all(), SEARCH_INDEX, text)


def organization_get(viewer: Actor, public_id: Any) -> Organization | None:
    """One organization by public id, or None when the viewer may not see it."""
    org = Organization.objects.filter(public_id=public_id).first()
    if org is None or not can_view_organization(viewer, org):
        return None
    return org


def organization_sites(organization: Organization) -> QuerySet[Site]:
    return Site.objects.filter(organization=organization).order_by("name", "pk")


def organization_members(viewer: Actor, organization: Organization) -> QuerySet[Membership]:
    """Active members, only for the organization's managers; otherwise empty (fail closed)."""
    if not can_view_members(viewer, organization):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )


def vetting_institutions_for(viewer: Actor) -> QuerySet[Organization]:
    """Institutions whose partners the viewer vets (as coordinator)."""
    return vetting_institutions_qs(viewer).order_by("name")


def partners_with_vetting(
    viewer: Actor, institution: Organization, *, status: str = "", q: str = ""
) -> QuerySet[Organization]:
    """Every industry partner annotated with ``vetting_status``/``vetting_note`` for
    ``institution`` (``None`` means never reviewed, shown as pending). Empty unless the viewer
    coordinates that institution."""
    if not vetting_institutions_qs(viewer).filter(pk=institution.pk).exists():
        return Organization.objects.none()
    vetting = PartnerVetting.objects.filter(institution=institution, partner=OuterRef("pk"))
    qs = Organization.objects.filter(kind=OrganizationKind.PARTNER).annotate(
        vetting_status=Subquery(vetting.values("status")[:1]),
        vetting_note=Subquery(vetting.values("note")[:1]),
        vetting_decided_at=Subquery(vetting.values("decided_at")[:1]),
        signup_flags=Subquery(
            PartnerSignup.objects.filter(partner=OuterRef("pk"))
            .order_by("-created_at")
            .values("flags")[:1],
            output_field=JSONField(),
        ),
    )
    if status == "pending":
        qs = qs.filter(Q(vetting_status="pending") | Q(vetting_status__isnull=True))
    elif status:
        qs = qs.filter(vetting_status=status)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name", "pk")


def vetting_status_of(institution: Organization | int, partner: Organization | int) -> str:
    """The vetting status of ``partner`` at ``institution``; ``"pending"`` if never reviewed."""
    inst_id = institution if isinstance(institution, int) else institution.pk
    partner_id = partner if isinstance(partner, int) else partner.pk
    status = (
        PartnerVetting.objects.filter(institution_id=inst_id, partner_id=partner_id)
        .values_list("status", flat=True)
        .first()
    )
    return status or "pending"


# --- Invitations -----------------------------------------------------------------------------
def organization_invitations(viewer: Actor, organization: Organization) -> QuerySet[Invitation]:
    """Open invitations (pending or expired, not revoked) for the organization's managers;
    empty for anyone else (fail closed)."""
    if not can_invite_members(viewer, organization):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        organization=organization,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        revoked_at__isnull=True,
    ).order_by("-created_at", "pk")


def invitations_for(user: Actor) -> QuerySet[Invitation]:
    """Pending, unexpired invitations addressed to the signed-in person's e-mail address."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.email:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            email=user.email.strip().lower(),
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("organization")
        .order_by("-created_at", "pk")
    )


def invitation_for_invitee(user: Actor, public_id: Any) -> Invitation | None:
    """One invitation addressed to ``user`` (any state), or None: nobody learns of another
    person's invitations."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.email:
        return None
    return (
        Invitation.objects.select_related("organization")
        .filter(public_id=public_id, email=user.email.strip().lower())
        .first()
    )


def invitations_by_status(
    viewer: Actor, organization: Organization, *, status: str = ""
) -> QuerySet[Invitation]:
    """Every invitation of the organization (any state), or those of one ``status``
    (pending, accepted, declined, revoked, expired), newest first; managers only."""
    if not can_invite_members(viewer, organization):
        return Invitation.objects.none()
    qs = Invitation.objects.filter(organization=organization)
    open_ = Q(accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True)
    now = timezone.now()
    if status == "pending":
        qs = qs.filter(open_, expires_at__gt=now)
    elif status == "expired":
        qs = qs.filter(open_, expires_at__lte=now)
    elif status == "accepted":
        qs = qs.filter(accepted_at__isnull=False)
    elif status == "declined":
        qs = qs.filter(declined_at__isnull=False)
    elif status == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    return qs.order_by("-created_at", "pk")


def member_accounts(
    viewer: Actor,
    organization: Organization,
    *,
    role: str = "",
    q: str = "",
    account: str = "",
) -> QuerySet[Membership]:
    """The organization's members with their account (name, e-mail, last sign-in, whether it
    is active), filtered by role, name/e-mail text and account state (``active`` or
    ``inactive``); managers only, otherwise empty."""
    qs = organization_members(viewer, organization)
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(Q(user__full_name__icontains=q) | Q(user__email__icontains=q))
    if account == "active":
        qs = qs.filter(user__is_active=True)
    elif account == "inactive":
        qs = qs.filter(user__is_active=False)
    return qs
