"""View helpers for htmx requests, shared by every app's views.

``django_htmx.middleware.HtmxMiddleware`` is installed (see ``tandem.config.settings``), so
every request that went through the middleware stack carries ``request.htmx``; a request that
did not (one built by hand) counts as a plain request.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


def _details(request: HttpRequest) -> HtmxDetails | None:
    return getattr(request, "htmx", None)


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (the ``HX-Request`` header), boosted or not."""
    return bool(_details(request))


def is_htmx_partial(request: HttpRequest) -> bool:
    """Whether htmx sent the request to swap part of a page: an htmx request that is not a
    boosted navigation (which expects the whole page)."""
    htmx = _details(request)
    return htmx is not None and bool(htmx) and not htmx.boosted


__all__ = ["is_htmx", "is_htmx_partial"]
