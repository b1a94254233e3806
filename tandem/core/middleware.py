"""Turn a database that is briefly unreachable into 503 + Retry-After instead of a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, close_old_connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
_UNAVAILABLE_MARKERS = (
    "connection",
    "could not connect",
    "server closed",
    "terminating",
    "shutting down",
    "starting up",
    "database is locked",
    "connection refused",
    "timeout",
)


def is_database_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc).lower()
        return any(marker in text for marker in _UNAVAILABLE_MARKERS)
    return False


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            if not is_database_unavailable(exc):
                raise
            return self._unavailable(request, exc)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if is_database_unavailable(exc):
            return self._unavailable(request, exc)
        return None

    def _unavailable(self, request: HttpRequest, exc: BaseException) -> HttpResponse:
        logger.warning("database unavailable: %s", type(exc).__name__)
        # Drop the broken connection so the next request opens a fresh one.
        close_old_connections()
        from django.db import connection

        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - closing a dead connection may itself fail
            pass
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
            response = HttpResponse(
                "<!doctype html><title>Tandem is briefly unavailable</title>"
                "<h1>Tandem is briefly unavailable</h1>"
                "<p>Please try again in a few seconds.</p>",
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
