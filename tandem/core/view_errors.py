"""How pages and the API answer a service's :class:`~tandem.core.errors.DomainError`.

One mapping (:func:`describe_domain_error`: status, title, message, field messages) serves
both: the API's exception handler turns it into ``application/problem+json``
(``tandem.api.main``) and :class:`DomainErrorMiddleware` into a page for the errors that
escape a view. Views that show errors on a form use :func:`submit` (or :func:`attempt` for a
call without a form): the error's field messages go onto the form, and a
:class:`~tandem.core.errors.PermissionDeniedError` is never caught there, so it reaches the
middleware and the user gets the 403 page.

==========================  ======  =====================================================
error                       status  page
==========================  ======  =====================================================
``PermissionDeniedError``   403     the 403 page (Django's ``PermissionDenied``)
``ConflictError``           409     ``core/domain_error.html`` with the error's message
other ``DomainError``       400     ``core/domain_error.html`` with the error's message
==========================  ======  =====================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError, PermissionDeniedError
from .forms import add_domain_error
from .htmx import is_htmx_partial

T = TypeVar("T")

# Titles are the problem+json ``title`` (English, like the rest of the API's envelope).
_TITLES = {400: "Invalid request", 403: "Forbidden", 409: "Conflict"}


@dataclass(frozen=True)
class DomainErrorAnswer:
    """What a domain error means to a client: HTTP status, short title, message, fields."""

    status: int
    title: str
    message: str
    fields: Mapping[str, list[str]] = field(default_factory=dict)


def describe_domain_error(exc: DomainError) -> DomainErrorAnswer:
    """The one status/title mapping of domain errors (403 forbidden, 409 conflict, 400)."""
    return DomainErrorAnswer(
        status=exc.status,
        title=_TITLES.get(exc.status, "Error"),
        message=exc.message,
        fields=dict(exc.fields),
    )


def domain_error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The page for a domain error no view handled: 403 page, or 409/400 with its message."""
    answer = describe_domain_error(exc)
    if isinstance(exc, PermissionDeniedError):
        # Django's own handler renders ``403.html`` (or the configured handler403).
        return response_for_exception(request, PermissionDenied(answer.message))
    return render(
        request,
        "core/domain_error.html",
        {"status": answer.status, "message": answer.message, "fields": answer.fields},
        status=answer.status,
    )


class DomainErrorMiddleware:
    """Answer a :class:`DomainError` that escapes a view (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DomainError):
            return domain_error_page(request, exc)
        return None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The result of :func:`attempt` or :func:`submit`: ``value`` when the call succeeded;
    ``error`` when the service refused; ``invalid`` when the form did not validate."""

    value: T | None = None
    error: DomainError | None = None
    invalid: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.invalid


def attempt(call: Callable[[], T]) -> Outcome[T]:
    """Run ``call``; a :class:`DomainError` it raises becomes ``Outcome.error``.

    A :class:`PermissionDeniedError` is not caught: it leaves the view and
    :class:`DomainErrorMiddleware` answers with the 403 page.
    """
    try:
        return Outcome(value=call())
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return Outcome(error=exc)


def submit(form: forms.BaseForm, call: Callable[[dict[str, Any]], T]) -> Outcome[T]:
    """Validate a bound ``form`` and, if valid, call ``call(form.cleaned_data)``.

    A domain error's field messages go onto the form (its message as a form-wide error when
    it names no field) and come back as ``Outcome.error``; an invalid form gives
    ``Outcome(invalid=True)``. Permission errors propagate (the 403 page).
    """
    if not form.is_valid():
        return Outcome(invalid=True)
    outcome = attempt(lambda: call(form.cleaned_data))
    if outcome.error is not None:
        add_domain_error(cast(forms.Form, form), outcome.error)
    return outcome


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], T],
    *,
    template: str,
    context: Mapping[str, Any] | None = None,
    success: Callable[[T], HttpResponse],
    partial: str = "",
    form_key: str = "form",
) -> HttpResponse:
    """The whole form-post round trip of a page.

    On GET (or any method but POST) render ``template`` with the unbound ``form``. On POST
    :func:`submit` the form: on success answer ``success(result)`` (a redirect, usually);
    otherwise re-render with the errors on the form and status 422. ``partial`` names the
    template partial htmx requests get (``template#partial``).
    """
    status = 200
    if request.method == "POST":
        outcome = submit(form, call)
        if outcome.ok:
            return success(outcome.value)  # type: ignore[arg-type]
        status = 422
    name = f"{template}#{partial}" if partial and is_htmx_partial(request) else template
    return render(request, name, {**(context or {}), form_key: form}, status=status)


__all__ = [
    "DomainErrorAnswer",
    "DomainErrorMiddleware",
    "Outcome",
    "attempt",
    "describe_domain_error",
    "domain_error_page",
    "form_page",
    "submit",
]
