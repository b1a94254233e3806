"""What every partnerships service shares: the audit call, the edit check, the checks that a
person or an organization belongs to the partnership. Field rules live on the models
(:func:`tandem.core.validation.validated`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.types import Actor
from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Membership, Organization, Role

from ..models import Partnership
from ..permissions import can_edit_partnership


def org_ids(partnership: Partnership) -> set[int]:
    """The primary keys of the partnership's institutions and partners."""
    return set(partnership.institutions.values_list("pk", flat=True)) | set(
        partnership.partners.values_list("pk", flat=True)
    )


def audit(
    *,
    actor: Actor | None,
    action: str,
    partnership: Partnership,
    obj: models.Model | None = None,
    **changes: Any,
) -> None:
    """Record ``action`` on ``obj`` (the partnership by default), readable by its sides."""
    audit_record(
        actor=actor,
        action=action,
        target=obj if obj is not None else partnership,
        organizations=org_ids(partnership),
        changes={k: _jsonable(v) for k, v in changes.items()},
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def require_edit(actor: Actor, partnership: Partnership) -> None:
    """Refuse (403) an actor who may not change ``partnership``."""
    if not can_edit_partnership(actor, partnership):
        raise PermissionDeniedError(_("You may not change this partnership."))


def stripped(value: str | None) -> str:
    """Text as stored: surrounding white space removed, ``None`` as empty."""
    return str(value or "").strip()


def number_or_none(value: Decimal | int | str | None) -> Decimal | int | str | None:
    """An optional number as given, with an empty form value meaning none."""
    return None if value in (None, "") else value


def check_member(user: User | None, partnership: Partnership, field: str) -> None:
    """Owners must be staff (not students) of one of the partnership's organizations."""
    if user is None:
        return
    if (
        not Membership.objects.filter(
            user=user, is_active=True, organization_id__in=org_ids(partnership)
        )
        .exclude(role=Role.STUDENT)
        .exists()
    ):
        msg = _("Choose a staff member of one of the partnership's organizations.")
        raise DomainError(msg, fields={field: msg})


def check_side(organization: Organization, partnership: Partnership) -> None:
    """``organization`` must be one of the partnership's institutions or partners."""
    if organization.pk not in org_ids(partnership):
        msg = _("Choose one of the partnership's organizations.")
        raise DomainError(msg, fields={"organization": msg})
