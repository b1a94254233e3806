"""One mapping of domain errors for pages and the API: the form-post helpers put a service's
refusal on the form, and the middleware answers the errors that leave a view."""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory

from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.core.view_errors import (
    DomainErrorMiddleware,
    attempt,
    describe_domain_error,
    form_page,
    submit,
)


class TitleForm(forms.Form):
    title = forms.CharField(max_length=20)


def _refuse(exc: DomainError):
    def call(*_args):
        raise exc

    return call


def test_one_mapping_of_status_and_title():
    assert describe_domain_error(DomainError("Too long.")).status == 400
    assert describe_domain_error(DomainError("Too long.")).title == "Invalid request"
    assert describe_domain_error(ConflictError("Full.")).status == 409
    assert describe_domain_error(ConflictError("Full.")).title == "Conflict"
    answer = describe_domain_error(PermissionDeniedError("Only coordinators."))
    assert (answer.status, answer.title, answer.message) == (403, "Forbidden", "Only coordinators.")
    fields = describe_domain_error(DomainError("Bad.", fields={"title": "Too long."})).fields
    assert fields == {"title": ["Too long."]}


def test_submit_puts_field_messages_on_the_form():
    form = TitleForm({"title": "Hello"})
    outcome = submit(form, _refuse(DomainError("Bad.", fields={"title": ["Taken."]})))
    assert not outcome.ok and outcome.error is not None
    assert form.errors == {"title": ["Taken."]}


def test_submit_puts_a_fieldless_message_form_wide():
    form = TitleForm({"title": "Hello"})
    submit(form, _refuse(ConflictError("Someone else changed it.")))
    assert form.non_field_errors() == ["Someone else changed it."]


def test_submit_of_an_invalid_form_calls_nothing():
    called = []
    outcome = submit(TitleForm({"title": ""}), called.append)
    assert outcome.invalid and not outcome.ok and outcome.error is None
    assert called == []


def test_submit_returns_the_service_result():
    outcome = submit(TitleForm({"title": "Hello"}), lambda d: d["title"].upper())
    assert outcome.ok and outcome.value == "HELLO"


def test_permission_errors_are_not_caught():
    with pytest.raises(PermissionDeniedError):
        submit(TitleForm({"title": "Hello"}), _refuse(PermissionDeniedError("No.")))
    with pytest.raises(PermissionDeniedError):
        attempt(_refuse(PermissionDeniedError("No.")))


def test_attempt_gives_other_domain_errors_back():
    outcome = attempt(_refuse(ConflictError("Full.")))
    assert isinstance(outcome.error, ConflictError) and not outcome.ok


@pytest.mark.django_db
def test_form_page_renders_errors_with_422_and_redirects_on_success(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    request = rf.post("/x", {"title": "Hello"})
    request.user = AnonymousUser()
    ok = form_page(
        request,
        TitleForm(request.POST),
        lambda d: d["title"],
        template="core/domain_error.html",
        success=lambda value: HttpResponse(value, status=201),
    )
    assert ok.status_code == 201 and ok.content == b"Hello"
    refused = form_page(
        request,
        TitleForm(request.POST),
        _refuse(DomainError("Bad.")),
        template="core/domain_error.html",
        success=lambda value: HttpResponse(value),
    )
    assert refused.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exc", "status", "shown"),
    [
        (PermissionDeniedError("Only coordinators do this."), 403, "Only coordinators do this."),
        (ConflictError("The seats are taken."), 409, "The seats are taken."),
        (DomainError("The title is too long."), 400, "The title is too long."),
    ],
)
def test_middleware_answers_escaped_domain_errors(rf, exc, status, shown):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    middleware = DomainErrorMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(request, exc)
    assert response is not None
    assert response.status_code == status
    assert shown in response.content.decode()


def test_middleware_leaves_other_exceptions_alone(rf):
    middleware = DomainErrorMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    assert middleware.process_exception(rf.get("/"), ValueError("bug")) is None
