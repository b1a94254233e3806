"""Who acts: the one type every service, predicate and selector annotates its user with.

``Actor`` is a signed-in :class:`~tandem.accounts.models.User` or Django's anonymous user
(what ``request.user`` is before sign-in). Predicates accept both and answer ``False`` for
the anonymous one; services that need a person take ``User``.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from .models import User

Actor: TypeAlias = User | AnonymousUser

__all__ = ["Actor", "AnonymousUser", "User", "signed_in"]


def signed_in(actor: Actor | None) -> User | None:
    """The signed-in person behind ``actor`` (for ``created_by``-style columns), or ``None``
    for the system, an anonymous visitor or an inactive session."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None
