"""The /api/v1 assembly: authentication, error shape, routers of every app.

Errors are ``application/problem+json`` (RFC 9457) with an ``errors`` map of field messages.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from tandem.accounts.models import User
from tandem.accounts.services import api_token_authenticate
from tandem.core.errors import DomainError
from tandem.core.input_guard import problem, unreadable_body_response
from tandem.core.middleware import database_unavailable_response, is_database_unavailable
from tandem.core.view_errors import describe_domain_error


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tdm_…`` personal access tokens (SHA-256 lookup)."""

    openapi_description = "Personal access token created on your account page."

    def __call__(self, request: HttpRequest) -> User | None:
        # django-ninja's own HttpBearer logs any other scheme's whole header at ERROR in
        # debug mode: `Token tdm_…` wrote the token, `Basic …` the e-mail and password.
        # Another scheme is simply not ours; no log line, and the next method is tried.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = api_token_authenticate(token)
        if user is None:
            # A request that presents a bad, revoked or expired token is refused outright,
            # even if it also carries a session cookie: explicit credentials win.
            raise AuthenticationError()
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser session, with Django's CSRF check on unsafe methods.

    django-ninja checks CSRF before it looks at the session, so a request with no session at
    all (anonymous, or Basic credentials the API does not accept) was refused with 403 "CSRF
    check Failed" instead of 401 + ``WWW-Authenticate``. Without a signed-in session this
    method does not apply and the request is unauthenticated; with one, CSRF is checked.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if isinstance(user, User) and user.is_authenticated else None


class UnsupportedMediaType(ValueError):
    """A body sent to an operation that reads JSON, declared as something else."""


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


class ObjectBodyParser(Parser):
    """JSON bodies must be JSON objects holding text every database can store.

    Only operations that take a JSON body call the parser (uploads read the multipart form).
    A body declared as anything but ``application/json`` (or ``application/…+json``) is a 415:
    ``text/plain``, ``application/xml``, form-encoded and multipart bodies were read as JSON.

    django-ninja's schemas read attributes from whatever they are given (to serialize model
    instances), so a body of ``"AAA"`` reached ``CourseIn`` as the string itself and
    created a course titled ``"AAA".title()`` = "Aaa", and ``[null, null]`` was an empty
    PATCH. Every operation's body is an object; anything else is a 400 like malformed JSON.

    Text holding a NUL character (``"\\u0000"``) is refused the same way: PostgreSQL cannot
    store it (a 500 there, while SQLite kept it), and Django's form fields refuse it too. So is
    text holding a lone surrogate (``"\\ud800"``, valid JSON but no UTF-8 text): both
    databases failed to encode it (a 500).
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if not _is_json(request.content_type or ""):
            raise UnsupportedMediaType(
                f"send the body as application/json, not {request.content_type or 'untyped'}"
            )
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        reason = _bad_text(data)
        if reason:
            raise ValueError(reason)
        return data


def _bad_text(value: Any) -> str | None:
    """Why some text in a parsed JSON value cannot be stored, or None. Iterative: JSON as deep
    as the parser accepts must not exhaust the stack here."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "text must not contain NUL characters"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "text must not contain lone surrogates (\\ud800-\\udfff)"
    return None


api = NinjaAPI(
    title="Tandem API",
    version="1",
    description=(
        "Industry–education partnerships: organizations, partnerships, opportunities and "
        "applications. Authenticate with a personal access token (`Authorization: Bearer`) "
        "or a browser session. Errors are `application/problem+json`."
    ),
    auth=[TokenAuth(), SessionAuth()],
    parser=ObjectBodyParser(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _loc_to_field(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "file")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        errors.setdefault(_loc_to_field(err.get("loc", [])), []).append(str(err.get("msg")))
    return problem(422, "Invalid input", "Some fields are missing or invalid.", errors)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    answer = describe_domain_error(exc)
    return problem(answer.status, answer.title, answer.message, dict(answer.fields) or None)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, "Not found", "No such object, or you may not see it.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, "Forbidden", str(exc) or "You do not have permission to do this.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(401, "Unauthorized", "Sign in or send a valid personal access token.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, UnsupportedMediaType):
        return problem(415, "Unsupported media type", str(exc.__cause__).capitalize() + ".")
    return problem(exc.status_code, "Error", str(exc))


@api.exception_handler(MultiPartParserError)
def on_malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A multipart body Django cannot parse (no boundary, truncated): the client's fault.

    django-ninja would answer 500 (a traceback in debug mode); Django's own views say 400."""
    return unreadable_body_response(exc)


@api.exception_handler(SuspiciousOperation)
def on_suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Too large a body (413), too many fields or files (400), as Django's views answer."""
    return unreadable_body_response(exc)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database went away (restart, network): 503 + Retry-After, not a 500."""
    if is_database_unavailable(exc):
        return database_unavailable_response(request, exc)
    return on_server_error(request, exc)


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: 500 ``application/problem+json`` like every other API error (Django's own
    handler answered ``text/html`` with DEBUG off). The traceback goes to the log, as
    Django logs a 500, and never into the answer."""
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500},
    )
    return problem(500, "Server error", "Something went wrong on our side; it has been logged.")


def _mount_routers() -> None:
    from tandem.accounts.api import router as accounts_router
    from tandem.analytics.api import router as analytics_router
    from tandem.applications.api import router as applications_router
    from tandem.audit.api import router as audit_router
    from tandem.curricula.api import router as curricula_router
    from tandem.events.api import router as events_router
    from tandem.matching.api import router as matching_router
    from tandem.matching.api_programs import router as mentor_programs_router
    from tandem.mentoring.api import router as mentoring_router
    from tandem.messaging.api import router as messaging_router
    from tandem.notifications.api import router as notifications_router
    from tandem.opportunities.api import router as opportunities_router
    from tandem.organizations.api import router as organizations_router
    from tandem.partnerships.api import router as partnerships_router
    from tandem.placements.api import router as placements_router
    from tandem.placements.api_visits import router as placement_visits_router
    from tandem.profiles.api import router as profiles_router
    from tandem.rosters.api import router as rosters_router
    from tandem.search.api import router as search_router
    from tandem.skills.api import router as skills_router
    from tandem.sso.api import router as sso_router
    from tandem.surveys.api import router as surveys_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/organizations", organizations_router)
    api.add_router("/partnerships", partnerships_router)
    api.add_router("/opportunities", opportunities_router)
    api.add_router("/applications", applications_router)
    # Before the placements router: its /{application_id} would take /placements/incidents.
    api.add_router("/placements", placement_visits_router)
    api.add_router("/placements", placements_router)
    api.add_router("/audit", audit_router)
    api.add_router("/surveys", surveys_router)
    api.add_router("/events", events_router)
    api.add_router("/analytics", analytics_router)
    api.add_router("/match-rounds", matching_router)
    api.add_router("/mentor-programs", mentor_programs_router)
    api.add_router("/mentoring", mentoring_router)
    api.add_router("/curriculum", curricula_router)
    api.add_router("/profiles", profiles_router)
    api.add_router("/rosters", rosters_router)
    api.add_router("/sso-connections", sso_router)
    api.add_router("/search", search_router)
    api.add_router("/skills", skills_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/messaging", messaging_router)


_mount_routers()
