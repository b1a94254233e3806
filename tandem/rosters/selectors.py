"""Reads of roster imports, scoped to the viewer: an institution's coordinators (and platform
admins) see its uploads; nobody else learns they exist."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import is_platform_admin, org_ids

from .models import RosterImport

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def roster_institutions(viewer: Actor) -> QuerySet[Organization]:
    """Institutions whose roster the viewer may import."""
    if is_platform_admin(viewer):
        return Organization.objects.filter(kind="institution").order_by("name", "pk")
    ids = org_ids(viewer, [Role.COORDINATOR])
    return Organization.objects.filter(pk__in=ids, kind="institution").order_by("name", "pk")


def roster_imports(viewer: Actor) -> QuerySet[RosterImport]:
    """Uploads to the institutions the viewer may import into, newest first."""
    return (
        RosterImport.objects.filter(institution__in=roster_institutions(viewer))
        .select_related("institution", "created_by")
        .defer("content")
    )


def roster_import_get(viewer: Actor, public_id: Any) -> RosterImport | None:
    return roster_imports(viewer).filter(public_id=public_id).first()
