"""Refuse request text no part of Tandem can store or search: NUL characters.

PostgreSQL text cannot hold ``\\x00`` (psycopg raises ``DataError`` even when the value is only
compared, as in ``?q=a%00b``), while SQLite keeps it, so the same request was a 500 on one
database and a 200 on the other. :class:`RefuseNulMiddleware`, early in ``MIDDLEWARE``, looks
at the three places a browser or a client puts text outside a JSON body:

* the path (``/api/v1/analytics/institutions/…/programs/a%00b/dashboard``),
* the query string (names and values),
* form fields of ``application/x-www-form-urlencoded`` and ``multipart/form-data`` bodies
  (names, values and uploaded file names),

and answers 400 before any view runs: ``application/problem+json`` naming the parameter under
``/api/``, Django's "Bad Request" page elsewhere. JSON bodies are checked by the API's body
parser (``tandem.api.main``); the *contents* of uploaded files by each file's reader
(:mod:`tandem.core.csv_import`, the curriculum importers), which can name the line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

PROBLEM = "application/problem+json"
NUL = "\x00"
NUL_MESSAGE = "Must not contain NUL characters."
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def problem(
    status: int, title: str, detail: str = "", errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    """An ``application/problem+json`` answer in the API's error shape (``docs/api.md``)."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type=PROBLEM)


def unreadable_body_response(exc: Exception) -> HttpResponse:
    """The API's answer to a body Django cannot parse: a multipart body without a boundary or
    cut short (400), too large a body (413), too many fields or files (400)."""
    if isinstance(exc, MultiPartParserError):
        return problem(
            400, "Invalid request", "The multipart/form-data body could not be read: " + str(exc)
        )
    if isinstance(exc, RequestDataTooBig):
        return problem(413, "Content too large", "The request body is larger than allowed.")
    return problem(400, "Invalid request", str(exc) or "The request could not be read.")


def _first_nul(pairs: Iterable[tuple[str, list[Any]]]) -> str | None:
    """The name of the first parameter whose name or one of whose values holds a NUL."""
    for name, values in pairs:
        texts = [v if isinstance(v, str) else getattr(v, "name", "") or "" for v in values]
        if NUL in name or any(NUL in t for t in texts):
            return name.replace(NUL, "") or "__all__"
    return None


def _nul_field(request: HttpRequest, *, is_api: bool) -> str | None:
    """Where the request holds a NUL: ``"path"``, a parameter's name, or None."""
    if NUL in request.path_info or NUL in request.path:
        return "path"
    found = _first_nul(request.GET.lists())
    if found is not None:
        return found
    if request.method == "POST" and request.content_type in _FORM_TYPES:
        if is_api and request.content_type == "multipart/form-data":
            # Keep the raw body readable afterwards: an API operation that takes JSON reads
            # ``request.body`` (to refuse the multipart with a 415), which Django forbids
            # once the multipart stream has been consumed. Bodies are capped by
            # DATA_UPLOAD_MAX_MEMORY_SIZE (the upload limit plus 1 MB): past it, a 413.
            _ = request.body
        found = _first_nul(request.POST.lists())
        if found is None:
            found = _first_nul(request.FILES.lists())
    return found


class RefuseNulMiddleware:
    """400 for a NUL character in the path, the query string or a form field (see module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith("/api/")
        try:
            field = _nul_field(request, is_api=is_api)
        except (MultiPartParserError, SuspiciousOperation) as exc:
            if is_api:
                return unreadable_body_response(exc)
            raise
        if field is None:
            return self.get_response(request)
        if is_api:
            return problem(
                400,
                "Invalid request",
                "Text in the address or the form must not contain NUL characters.",
                {field: [NUL_MESSAGE]},
            )
        raise BadRequest("NUL character in the request")
