"""The shared htmx view helpers, on requests passed through django-htmx's middleware."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from tandem.core.htmx import is_htmx, is_htmx_partial


def _through_middleware(**headers: str) -> HttpRequest:
    request = RequestFactory().get("/", headers=headers)
    HtmxMiddleware(lambda r: HttpResponse())(request)
    return request


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, (False, False)),
        ({"HX-Request": "true"}, (True, True)),
        ({"HX-Request": "true", "HX-Boosted": "true"}, (True, False)),
    ],
)
def test_htmx_and_partial_requests(headers, expected):
    request = _through_middleware(**headers)
    assert (is_htmx(request), is_htmx_partial(request)) == expected


def test_a_request_without_the_middleware_is_a_plain_request():
    request = RequestFactory().get("/", headers={"HX-Request": "true"})
    assert (is_htmx(request), is_htmx_partial(request)) == (False, False)
