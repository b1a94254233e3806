"""Turn a database that is briefly unreachable into 503 + ``Retry-After`` instead of a 500.

Three places can meet a dead connection, and all three answer the same way:

* a view (or template rendering) raises: :meth:`DatabaseUnavailableMiddleware.process_exception`;
* another middleware raises (the session store, for instance): Django turns that into a 500
  before this middleware sees it, so a ``got_request_exception`` receiver marks the request
  and :meth:`DatabaseUnavailableMiddleware.__call__` swaps the 500 for a 503;
* an API operation raises: django-ninja handles its own exceptions, so ``tandem.api.main``
  registers :func:`database_unavailable_response` as its handler.

Pages get a small HTML page that needs no database; ``/api/`` gets ``application/problem+json``.
The broken connection is closed so that the next request opens a fresh one (PostgreSQL
connections are also health-checked at the start of each request: ``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
_MARK = "_tandem_database_unavailable"

# Lower-cased fragments of the messages psycopg and sqlite3 give when the server or the file
# cannot be reached, is restarting, or killed our session. Anything else (a bad query, a
# constraint) is a bug and stays a 500.
_UNAVAILABLE_MARKERS = (
    "connection",
    "could not connect",
    "server closed",
    "terminating",
    "shutting down",
    "starting up",
    "in recovery mode",
    "database is locked",
    "unable to open database file",
    "disk i/o error",
    "timeout",
    "timed out",
)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` says the database is unreachable rather than that a query is wrong."""
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc).lower()
        return any(marker in text for marker in _UNAVAILABLE_MARKERS)
    return False


def _close_broken_connections() -> None:
    for conn in connections.all(initialized_only=True):
        # Closing a dead connection may itself fail; the point is to drop it.
        with contextlib.suppress(Exception):
            conn.close()


def database_unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 answer: problem+json under ``/api/``, a database-free HTML page elsewhere."""
    logger.warning("database unavailable (%s) on %s", type(exc).__name__, request.method)
    _close_broken_connections()
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "type": "about:blank",
                "title": "Service temporarily unavailable",
                "status": 503,
                "detail": "The database is briefly unavailable. Please retry shortly.",
            },
            status=503,
            content_type="application/problem+json",
        )
    else:
        html = render_to_string(
            "core/database_unavailable.html", {"retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_request(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Remember an unavailable-database error raised outside a view (see module docstring)."""
    import sys

    exc = sys.exc_info()[1]
    if request is not None and is_database_unavailable(exc):
        setattr(request, _MARK, exc)


got_request_exception.connect(_mark_request, dispatch_uid="tandem-database-unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            if not is_database_unavailable(exc):
                raise
            return database_unavailable_response(request, exc)
        marked = getattr(request, _MARK, None)
        if marked is not None and response.status_code == 500:
            return database_unavailable_response(request, marked)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if is_database_unavailable(exc):
            return database_unavailable_response(request, exc)
        return None


class PrivateResponsesMiddleware:
    """``Cache-Control: no-store, private`` on every response to a request that carries
    credentials (a session cookie or an ``Authorization`` header).

    Signed-in pages, exports, the personal-data download and API answers hold personal data;
    without this, a shared computer's browser cache or a caching proxy could keep them. The
    rule reads only the request's headers, so it needs no database query and cannot fail
    when the database is down. Anonymous pages (sign-in, static files) stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        from django.conf import settings
        from django.utils.cache import patch_cache_control

        if settings.SESSION_COOKIE_NAME in request.COOKIES or "authorization" in request.headers:
            patch_cache_control(response, no_store=True, private=True)
        return response
