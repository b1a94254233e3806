"""A bug behind an API endpoint is a 500 ``application/problem+json``, like every other API
error, with the traceback in the log and not in the answer (Django's own 500 page is
``text/html``).

The failure is real: the table an endpoint reads is dropped inside the test's transaction,
as after a migration that did not run.
"""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client

from tandem.accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_unexpected_error_is_a_problem_json_500(settings, caplog, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(ApiToken._meta.db_table)}")

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/accounts/tokens")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 500 and body["title"] == "Server error"
    assert "Traceback" not in response.content.decode()
    assert ApiToken._meta.db_table not in response.content.decode()
    errors = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert errors, "the error was not logged"
    assert errors[0].getMessage() == "Internal Server Error: /api/v1/accounts/tokens"
