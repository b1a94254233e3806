"""Who may see and change partnerships, built on :mod:`tandem.organizations.permissions`.

* Platform admins: everything.
* View: coordinators and educators of an involved institution; recruiters, supervisors,
  mentors and funders of an involved partner. Students never see partnerships.
* Edit (objectives, KPIs, measurements, commitments, contacts, communication, documents):
  coordinators of involved institutions and recruiters of involved partners.
* Lifecycle transitions: coordinators of involved institutions; recruiters of involved
  partners only for ``proposed → negotiating``.
* Create: a coordinator whose institution is among the institutions, or a recruiter whose
  organization is among the partners.

Everything fails closed: anonymous and inactive users belong nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from tandem.messaging.data import SubjectType
from tandem.organizations.models import Membership, Organization, Role
from tandem.organizations.permissions import is_platform_admin, org_ids

from . import lifecycle
from .models import Partnership

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


INSTITUTION_VIEW_ROLES = (Role.COORDINATOR, Role.EDUCATOR)
PARTNER_VIEW_ROLES = (Role.RECRUITER, Role.SUPERVISOR, Role.MENTOR, Role.FUNDER)
INSTITUTION_EDIT_ROLES = (Role.COORDINATOR,)
PARTNER_EDIT_ROLES = (Role.RECRUITER,)


def _ids(orgs: Iterable[Organization | int]) -> set[int]:
    return {o if isinstance(o, int) else o.pk for o in orgs}


def _institution_ids(partnership: Partnership) -> set[int]:
    cache = partnership.__dict__.setdefault("_org_id_cache", {})
    if "institutions" not in cache:
        cache["institutions"] = _ids(partnership.institutions.all())
    return cache["institutions"]


def _partner_ids(partnership: Partnership) -> set[int]:
    cache = partnership.__dict__.setdefault("_org_id_cache", {})
    if "partners" not in cache:
        cache["partners"] = _ids(partnership.partners.all())
    return cache["partners"]


def restrict_partnerships(user: Actor, qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """The partnerships in ``qs`` that ``user`` may see (none for anonymous users)."""
    if is_platform_admin(user):
        return qs
    inst = org_ids(user, INSTITUTION_VIEW_ROLES)
    part = org_ids(user, PARTNER_VIEW_ROLES)
    if not inst and not part:
        return qs.none()
    visible = Partnership.objects.filter(Q(institutions__in=inst) | Q(partners__in=part)).values(
        "pk"
    )
    return qs.filter(pk__in=visible)


def can_list_partnerships(user: Actor | None) -> bool:
    """May ``user`` see partnerships at all (the navigation link): the roles that
    :func:`restrict_partnerships` lets see some."""
    if user is None:
        return False
    if is_platform_admin(user):
        return True
    return bool(org_ids(user, INSTITUTION_VIEW_ROLES) or org_ids(user, PARTNER_VIEW_ROLES))


def can_view_partnership(user: Actor, partnership: Partnership) -> bool:
    if is_platform_admin(user):
        return True
    return bool(
        org_ids(user, INSTITUTION_VIEW_ROLES) & _institution_ids(partnership)
        or org_ids(user, PARTNER_VIEW_ROLES) & _partner_ids(partnership)
    )


def can_edit_partnership(user: Actor, partnership: Partnership) -> bool:
    """Edit the partnership and add objectives, commitments, contacts, entries, documents."""
    if is_platform_admin(user):
        return True
    return bool(
        org_ids(user, INSTITUTION_EDIT_ROLES) & _institution_ids(partnership)
        or org_ids(user, PARTNER_EDIT_ROLES) & _partner_ids(partnership)
    )


def can_transition_partnership(user: Actor, partnership: Partnership, to_status: str) -> bool:
    """Whether ``user`` may move ``partnership`` to ``to_status`` (ignoring legality)."""
    if is_platform_admin(user):
        return True
    if org_ids(user, INSTITUTION_EDIT_ROLES) & _institution_ids(partnership):
        return True
    return (partnership.status, to_status) in lifecycle.PARTNER_RECRUITER_TRANSITIONS and bool(
        org_ids(user, PARTNER_EDIT_ROLES) & _partner_ids(partnership)
    )


def transitions_for(user: Actor, partnership: Partnership) -> list[str]:
    """Statuses ``user`` may move ``partnership`` to now (legal and permitted)."""
    return [
        s
        for s in partnership.allowed_next_statuses
        if can_transition_partnership(user, partnership, s)
    ]


def can_create_partnership(
    user: Actor,
    institutions: Iterable[Organization | int] | None = None,
    partners: Iterable[Organization | int] | None = None,
) -> bool:
    """Without organizations: may the user create any partnership at all (for the button)."""
    if is_platform_admin(user):
        return True
    coord = org_ids(user, INSTITUTION_EDIT_ROLES)
    recruit = org_ids(user, PARTNER_EDIT_ROLES)
    if institutions is None and partners is None:
        return bool(coord or recruit)
    return bool(coord & _ids(institutions or []) or recruit & _ids(partners or []))


def creatable_organization_ids(user: Actor) -> tuple[set[int], set[int]]:
    """(institution ids, partner ids) a user may anchor a new partnership on."""
    return org_ids(user, INSTITUTION_EDIT_ROLES), org_ids(user, PARTNER_EDIT_ROLES)


def _members(partnership: Partnership) -> set[int]:
    return set(
        Membership.objects.filter(
            Q(organization_id__in=_institution_ids(partnership), role__in=INSTITUTION_VIEW_ROLES)
            | Q(organization_id__in=_partner_ids(partnership), role__in=PARTNER_VIEW_ROLES),
            is_active=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def conversation_subject() -> Any:
    """Conversations about a partnership: between the people who may see it."""
    return SubjectType(
        key="partnership",
        label=gettext_lazy("partnership"),
        resolve=lambda public_id: Partnership.objects.filter(public_id=public_id).first(),
        members=_members,
        students=lambda _p: set(),
        institutions=_institution_ids,
        partners=_partner_ids,
        title=lambda p: p.title,
        link=lambda p: reverse("partnerships:detail", kwargs={"public_id": p.public_id}),
    )
