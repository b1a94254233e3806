"""How pages answer a service's refusal: one mapping for every app's views.

Services raise :class:`~tandem.core.errors.PermissionDeniedError` (a
:class:`~tandem.core.errors.DomainError`); the API answers it with a 403 problem
(``tandem.api.main``), and pages with Django's :class:`~django.core.exceptions.PermissionDenied`
(the 403 page). Views wrap their service calls in :func:`forbidden_as_403`, inside the
``try`` whose ``except DomainError`` shows the other errors on the page: the permission error
leaves that block as ``PermissionDenied``, which is not a ``DomainError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied

from .errors import PermissionDeniedError


@contextmanager
def forbidden_as_403() -> Iterator[None]:
    """Turn a :class:`PermissionDeniedError` raised inside the block into Django's
    :class:`PermissionDenied` with the same message (the 403 page)."""
    try:
        yield
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc


__all__ = ["forbidden_as_403"]
