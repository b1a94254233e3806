"""Template tags other apps' pages use to show organization data without importing this app
(the account page lists the invitations waiting for the signed-in person)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from tandem.organizations.models import Invitation
from tandem.organizations.selectors import invitations_for

register = template.Library()


@register.simple_tag
def pending_invitations(user: Any) -> QuerySet[Invitation]:
    """``{% pending_invitations user as invitations %}``: see :func:`invitations_for`."""
    return invitations_for(user)
