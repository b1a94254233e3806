"""Tandem's own error pages with DEBUG off (the default, the demo included): designed,
translated, with a way back home, and never Django's debug page listing the URL patterns."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import bad_request, server_error

from tandem.organizations.models import Role
from tests.factories import InstitutionFactory, member

HOME_LINK = '<a class="button" href="/">Go to the home page</a>'


def _assert_designed(response, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert f'<h1 id="error-heading">{heading}</h1>' in html
    assert HOME_LINK in html
    assert '<link rel="stylesheet" href="/static/tandem/tandem.css">' in html
    # Not Django's debug or bare pages.
    assert "URLconf" not in html and "urlpatterns" not in html.lower()
    assert "Traceback" not in html and "<h1>Not Found</h1>" not in html
    return html


@pytest.mark.slow
def test_debug_is_off_by_default_and_the_demo_hosts_are_allowed(tmp_path):
    """Settings read in a fresh process with no TANDEM_DEBUG (pytest-django forces DEBUG off
    in this one, which would hide the default)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env |= {"TANDEM_DATA_DIR": str(tmp_path), "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    code = (
        "import tandem.config.settings as s; "
        "print(s.DEBUG, '127.0.0.1' in s.ALLOWED_HOSTS, 'localhost' in s.ALLOWED_HOSTS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True", "True"]


@pytest.mark.django_db
def test_static_files_are_served_with_debug_off(client, settings):
    settings.DEBUG = False
    response = client.get("/static/tandem/tandem.css")
    assert response.status_code == 200
    assert b".stack-table" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_bad_id_is_the_designed_404(client, settings):
    settings.DEBUG = False
    student = member(InstitutionFactory(), Role.STUDENT)
    client.force_login(student)
    response = client.get(f"/opportunities/{uuid.uuid4()}/")
    html = _assert_designed(response, 404, "We could not find that page")
    assert "<title>Page not found · Tandem</title>" in html
    # The signed-in navigation is there, so the person can carry on.
    assert 'aria-label="Main"' in html
    # An address that matches no pattern at all gets the same page.
    response = client.get("/no/such/page/")
    _assert_designed(response, 404, "We could not find that page")


@pytest.mark.django_db
def test_a_refused_page_is_the_designed_403(client, settings):
    settings.DEBUG = False
    student = member(InstitutionFactory(), Role.STUDENT)
    client.force_login(student)
    response = client.get("/audit/")
    html = _assert_designed(response, 403, "You are not allowed to do this")
    assert "<title>Not allowed · Tandem</title>" in html


@pytest.mark.django_db
def test_the_refusal_reason_is_shown(client, settings):
    """A PermissionDenied with a message (written for people) shows it on the 403 page."""
    settings.DEBUG = False
    student = member(InstitutionFactory(), Role.STUDENT)
    client.force_login(student)
    response = client.get("/opportunities/new/")
    html = _assert_designed(response, 403, "You are not allowed to do this")
    assert "Only partner recruiters and institution staff post." in html


def test_the_500_page_renders_without_a_request_or_the_database():
    """No django_db mark: any query here would fail the test."""
    response = server_error(RequestFactory().get("/x/"))
    html = _assert_designed(response, 500, "Something went wrong on our side")
    assert "<title>Something went wrong · Tandem</title>" in html
    assert 'lang="en-gb"' in html


def test_the_500_page_follows_the_active_language():
    with translation.override("fr"):
        response = server_error(RequestFactory().get("/x/"))
    assert 'lang="fr"' in response.content.decode()


class RaiseMiddleware:
    """Test-only: a bug anywhere in the stack (here, a middleware) on one path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/boom/":
            raise RuntimeError("a bug")
        return self.get_response(request)


@pytest.mark.django_db
def test_an_unhandled_error_is_the_designed_500(settings):
    settings.DEBUG = False
    index = settings.MIDDLEWARE.index("tandem.core.middleware.DatabaseUnavailableMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: index + 1],
        f"{__name__}.RaiseMiddleware",
        *settings.MIDDLEWARE[index + 1 :],
    ]
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    html = _assert_designed(response, 500, "Something went wrong on our side")
    assert "a bug" not in html and "RuntimeError" not in html


@pytest.mark.django_db
def test_a_bad_host_is_the_designed_400(client, settings):
    settings.DEBUG = False
    response = client.get("/", HTTP_HOST="evil.example")
    _assert_designed(response, 400, "We could not understand that request")


def test_the_400_page_renders_without_the_database():
    response = bad_request(RequestFactory().get("/x/"), Exception("bad"))
    _assert_designed(response, 400, "We could not understand that request")
