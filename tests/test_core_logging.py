"""No personal data in logs: the filter on every handler, and a failed sign-in for real."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from django.conf import settings as django_settings

from tandem.core.logging import PersonalDataFilter, axes_client_str
from tests.factories import UserFactory


def _record(msg: str, *args: object, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("t", logging.WARNING, __file__, 1, msg, args, exc_info)


def _format(record: logging.LogRecord) -> str:
    assert PersonalDataFilter().filter(record) is True  # never drops a record
    return logging.Formatter("%(message)s").format(record)


def test_filter_masks_email_in_message_and_arguments():
    assert _format(_record("reset asked by %s", "ada.l+x@mail.example.co.uk")) == (
        "reset asked by <email>"
    )
    assert _format(_record("user ada@example.org failed")) == "user <email> failed"


def test_filter_drops_query_strings_from_request_lines():
    line = _format(_record('"GET /opportunities/?q=ada%40example.org&page=2 HTTP/1.1" 200'))
    assert line == '"GET /opportunities/?<query> HTTP/1.1" 200'


def test_filter_masks_email_in_tracebacks():
    try:
        raise ValueError("duplicate key (email)=(ada@example.org)")
    except ValueError:
        record = _record("boom", exc_info=sys.exc_info())
    text = _format(record)
    assert "ada@example.org" not in text
    assert "(email)=(<email>)" in text


def test_filter_leaves_ordinary_lines_alone():
    record = _record("matched %d students in %.1f s", 12, 0.5)
    assert _format(record) == "matched 12 students in 0.5 s"


def test_every_configured_handler_has_the_filter():
    handlers = django_settings.LOGGING["handlers"]
    assert handlers
    for handler in handlers.values():
        assert "no_personal_data" in handler.get("filters", [])
    for handler in logging.getLogger().handlers:
        if handler.__class__.__module__.startswith("_pytest"):
            continue
        assert any(isinstance(f, PersonalDataFilter) for f in handler.filters), handler


def test_axes_names_clients_by_a_keyed_pseudonym():
    one = axes_client_str("ada@example.org", "192.0.2.1", "ua", "/", None)
    assert one == axes_client_str("ada@example.org", "192.0.2.1", "other-ua", "/x", None)
    assert one != axes_client_str("grace@example.org", "192.0.2.1", "ua", "/", None)
    assert "ada" not in one and "192.0.2.1" not in one


@pytest.mark.django_db
def test_failed_sign_ins_and_lockout_never_log_the_email(client, caplog):
    UserFactory(email="ada.lovelace@example.org")
    console = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, PersonalDataFilter) for f in h.filters)
    )
    buffer = io.StringIO()
    previous = console.setStream(buffer)  # type: ignore[attr-defined]
    caplog.set_level(logging.INFO)
    try:
        for _ in range(django_settings.AXES_FAILURE_LIMIT + 1):
            client.post(
                "/accounts/login/",
                {"username": "ada.lovelace@example.org", "password": "wrong-password"},
            )
    finally:
        console.setStream(previous)  # type: ignore[attr-defined]
    console_output = buffer.getvalue()
    # Something was logged (failures, the lock-out) ...
    assert "AXES" in caplog.text and "Locking out" in caplog.text
    assert "AXES" in console_output
    # ... but neither the raw records nor the console output hold the e-mail or password.
    for text in (caplog.text, console_output):
        assert "ada.lovelace" not in text
        assert "wrong-password" not in text
