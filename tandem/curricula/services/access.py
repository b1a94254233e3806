"""Who a curriculum write is made by: the edit check every service repeats, and the
organization a partner speaks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Organization

from ..models import Program
from ..permissions import can_edit_program, co_developer_orgs

if TYPE_CHECKING:
    from tandem.accounts.models import User


def require_edit(actor: User, program: Program) -> None:
    """PermissionDeniedError unless ``actor`` may change ``program``'s curriculum."""
    if not can_edit_program(actor, program):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution may change its curriculum.")
        )


def acting_org(actor: User, program: Program, organization: Organization | None) -> int:
    """The organization a comment, proposal or endorsement is made for: one of the actor's
    co-developing partners (the only one, or the one named), else the institution for its
    own staff."""
    partners = co_developer_orgs(actor, program)
    if organization is not None:
        if organization.pk in partners:
            return organization.pk
        if organization.pk == program.institution_id and can_edit_program(actor, program):
            return organization.pk
        raise PermissionDeniedError(_("You do not act for this organization here."))
    if len(partners) == 1:
        return next(iter(partners))
    if partners:
        raise DomainError(
            _("Choose the organization you speak for."),
            fields={"organization": _("Choose the organization you speak for.")},
        )
    return program.institution_id
