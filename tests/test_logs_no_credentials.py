"""No credential, token, password-reset link or personal data in any log, at any level, in
debug mode or not.

django-ninja logged a whole non-Bearer ``Authorization`` header at ERROR in debug mode
(``Token tdm_…`` wrote the token, ``Basic …`` the e-mail and password in base64), and the
default console e-mail backend wrote live password-reset links, names and addresses into the
server's log.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.core import mail

from tandem.accounts.services import api_token_create
from tests.conftest import free_port
from tests.factories import UserFactory
from tests.test_settings_production import run as run_settings

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "Sup3r-secret-Pa55phrase"
EMAIL = "grace.hopper@example.org"
NAME = "Grace Brewster Hopper"
GOOD_KEY = "p8Zr4q1vN0sXy7LmK2cWd9HbT6fJ3aEuQ5gRiO"


def _basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def _requests(raw_token: str) -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, headers) with credentials the API must not log."""
    me = "/api/v1/accounts/me"
    return [
        ("GET", me, {"Authorization": f"Token {raw_token}"}),
        ("GET", me, {"Authorization": _basic(EMAIL, PASSWORD)}),
        ("GET", me, {"Authorization": f"{raw_token}"}),
        ("GET", me, {"Authorization": f"Bearer{raw_token}"}),
        ("GET", me, {"Authorization": f"Bearer {raw_token}x"}),
        ("GET", me, {"Authorization": f"Bearer {raw_token} {PASSWORD}"}),
        ("POST", "/api/v1/accounts/tokens", {"Authorization": _basic(EMAIL, PASSWORD)}),
    ]


def _secrets(raw_token: str, extra: list[str] = ()) -> list[str]:
    basic = _basic(EMAIL, PASSWORD).split(" ", 1)[1]
    return [raw_token, raw_token[4:20], basic, PASSWORD, EMAIL, NAME, *extra]


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and s.lower() in text.lower()]


@pytest.fixture
def all_records(caplog):
    """Every record at DEBUG and above from every logger, as TANDEM_LOG_LEVEL=DEBUG would
    let through (the loggers settings pin higher, such as the SQL log, stay pinned)."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_credentials_sent_to_the_site_never_reach_a_log_record(
    client, settings, all_records, debug
):
    settings.DEBUG = debug
    user = UserFactory(email=EMAIL, full_name=NAME)
    user.set_password("the-real-Passw0rd")
    user.save()
    _token, raw = api_token_create(actor=user, name="ci")

    for method, path, headers in _requests(raw):
        response = client.generic(method, path, headers=headers)
        assert response.status_code == 401, (headers, response.status_code)

    # A wrong password, and a password reset whose e-mail holds a live link.
    client.post("/accounts/login/", {"username": EMAIL, "password": PASSWORD})
    client.post("/accounts/password-reset/", {"email": EMAIL})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/reset/\S+", mail.outbox[0].body)
    assert link

    logged = "\n".join(
        f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}" for r in all_records.records
    )
    assert all_records.records, "nothing was logged at all: the capture is not working"
    leaks = _leaks(logged, _secrets(raw, [link.group(0), link.group(0).split("/reset/")[1]]))
    assert not leaks, f"secrets in the log: {leaks}\n{logged}"


def _settings_in_fresh_process(env_overrides: dict[str, str], tmp_path: Path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"
    )
    return run_settings(env_overrides, tmp_path, code=code)


@pytest.mark.slow
def test_production_refuses_the_console_email_backend(tmp_path):
    result = _settings_in_fresh_process(
        {
            "TANDEM_ENV": "production",
            "TANDEM_SECRET_KEY": GOOD_KEY,
            "TANDEM_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        },
        tmp_path,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "refuses TANDEM_EMAIL_BACKEND=console" in result.stderr


@pytest.mark.slow
def test_demo_mail_goes_to_files_in_the_data_folder_not_the_log(tmp_path):
    result = _settings_in_fresh_process({}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "mail"),
    ]


def _database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_server_in_debug_mode_logs_no_credential_and_mails_to_files(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(email=EMAIL, full_name=NAME)
    user.set_password("the-real-Passw0rd")
    user.save()
    _token, raw = api_token_create(actor=user, name="ci")

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "TANDEM_DATA_DIR": str(tmp_path),
            "TANDEM_DATABASE_URL": _database_url(),
            "TANDEM_DEBUG": "1",
            "TANDEM_LOG_LEVEL": "DEBUG",
        }
    )
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tandem.cli", "serve", "--no-worker", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        session = requests.Session()
        session.trust_env = False
        for method, path, headers in _requests(raw):
            answer = session.request(method, base + path, headers=headers, timeout=60)
            assert answer.status_code == 401
        for path, data in [
            ("/accounts/login/", {"username": EMAIL, "password": PASSWORD}),
            ("/accounts/password-reset/", {"email": EMAIL}),
        ]:
            form = session.get(base + path, timeout=60)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            assert token
            done = session.post(base + path, data={"csrfmiddlewaretoken": token.group(1), **data})
            assert done.status_code == 200, (path, done.status_code)
    finally:
        server.terminate()
        server.wait(timeout=30)

    output = log.read_text()
    assert "Tandem is serving" in output
    leaks = _leaks(output, [*_secrets(raw), "/reset/"])
    assert not leaks, f"secrets in the server's log: {leaks}\n{output}"

    mails = list((tmp_path / "mail").glob("*.log"))
    assert len(mails) == 1, "the password-reset mail was not written to the mail folder"
    link = re.search(r"https?://\S+/reset/\S+", mails[0].read_text())
    assert link
    assert link.group(0).split("/reset/")[1] not in output
