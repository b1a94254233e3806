"""Memberships set in bulk from an institution's roster (a OneRoster import).

The import decides who should hold which role; this module owns how memberships change: new
ones are created, ended ones reactivated, and those the roster drops end (``is_active`` off;
the person and their records stay). The last active coordinator is never ended, so that an
institution always keeps someone to run it. The import writes one audit record of its own;
this module writes none per membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import DomainError, PermissionDeniedError

from .models import INSTITUTION_ROLES, Membership, Organization, Role
from .permissions import can_manage_organization

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


@dataclass
class MembershipSync:
    """What :func:`memberships_sync` did, as counts of memberships."""

    created: int = 0
    reactivated: int = 0
    ended: int = 0
    kept_last_coordinator: list[int] = field(default_factory=list)


@transaction.atomic
def memberships_sync(
    *,
    actor: Actor | None,
    organization: Organization,
    grant: Iterable[tuple[int, str]],
    end: Iterable[tuple[int, str]],
) -> MembershipSync:
    """Make each ``(user id, role)`` of ``grant`` an active membership of ``organization``
    and end each of ``end`` (unless also granted). The system (``actor=None``) or the
    institution's coordinators only."""
    if actor is not None and not can_manage_organization(actor, organization):
        raise PermissionDeniedError()
    if not organization.is_institution:
        raise DomainError(_("Only an education institution takes a roster."))
    wanted = set(grant)
    if any(role not in INSTITUTION_ROLES for _person, role in wanted):
        raise DomainError(_("A roster grants only student, educator and coordinator roles."))
    ending = set(end) - wanted
    existing = {
        (m.user_id, m.role): m
        for m in Membership.objects.select_for_update()
        .filter(organization=organization)
        .only("pk", "user_id", "role", "is_active")
    }
    result = MembershipSync()
    now = timezone.now()
    new = [
        Membership(user_id=user_id, organization=organization, role=role)
        for user_id, role in sorted(wanted)
        if (user_id, role) not in existing
    ]
    Membership.objects.bulk_create(new, batch_size=500)
    result.created = len(new)
    revive = [existing[k].pk for k in wanted if k in existing and not existing[k].is_active]
    if revive:
        Membership.objects.filter(pk__in=revive).update(is_active=True, updated_at=now)
    result.reactivated = len(revive)
    stop = {k: existing[k] for k in ending if k in existing and existing[k].is_active}
    coordinators = {k for k, m in existing.items() if k[1] == Role.COORDINATOR and m.is_active} | {
        k for k in wanted if k[1] == Role.COORDINATOR
    }
    if coordinators and coordinators <= set(stop):
        # keep one: the institution would have nobody to run it
        keep = min(coordinators)
        result.kept_last_coordinator.append(keep[0])
        stop.pop(keep)
    if stop:
        Membership.objects.filter(pk__in=[m.pk for m in stop.values()]).update(
            is_active=False, updated_at=now
        )
    result.ended = len(stop)
    return result
