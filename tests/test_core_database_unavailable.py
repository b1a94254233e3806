"""A database that goes away answers 503 + Retry-After (HTML for pages, problem+json for the
API), never a 500, and the next request after it comes back succeeds.

Exercised for real: a server process pointed at a database it cannot reach, a SQLite file
that cannot be opened, and (PostgreSQL runs) the server-side backend of the live connection
terminated with ``pg_terminate_backend``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from tandem.accounts.services import api_token_create
from tandem.core.middleware import is_database_unavailable
from tests.conftest import free_port, requires_postgres
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parent.parent
ME = "/api/v1/accounts/me"


# --- Classification ---


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError(
            'connection failed: connection to server at "127.0.0.1", port 1 '
            "failed: Connection refused"
        ),
        OperationalError("terminating connection due to administrator command"),
        OperationalError("server closed the connection unexpectedly"),
        OperationalError("the database system is starting up"),
        OperationalError("the database system is shutting down"),
        OperationalError("consuming input failed: server closed the connection unexpectedly"),
        OperationalError("unable to open database file"),
        OperationalError("database is locked"),
        InterfaceError("connection already closed"),
    ],
)
def test_unavailable_database_errors_are_recognised(exc):
    assert is_database_unavailable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("no such table: accounts_user"),
        OperationalError('near "SELEC": syntax error'),
        ValueError("connection"),
        None,
    ],
)
def test_query_bugs_are_not_mistaken_for_an_outage(exc):
    assert not is_database_unavailable(exc)


# --- A real server process that cannot reach its database ---


@contextmanager
def serve(env_overrides: dict[str, str], tmp_path: Path, threads: int = 1) -> Iterator[str]:
    """Run Tandem under waitress in a child process; yield its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(
        {
            "TANDEM_DATA_DIR": str(tmp_path / "data"),
            "PYTHONPATH": str(REPO),
            "DJANGO_SETTINGS_MODULE": "tandem.config.settings",
        }
    )
    env.update(env_overrides)
    log = (tmp_path / f"server-{port}.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "waitress",
            "--listen",
            f"127.0.0.1:{port}",
            "--threads",
            str(threads),
            "tandem.config.wsgi:application",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    pytest.fail("server did not start:\n" + (tmp_path / log.name).read_text())
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - local server
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


def _assert_503(status: int, headers: dict[str, str], body: str, *, api: bool) -> None:
    assert status == 503, body[:2000]
    assert headers["Retry-After"] == "5"
    if api:
        assert headers["Content-Type"] == "application/problem+json"
        assert '"status": 503' in body
    else:
        assert headers["Content-Type"].startswith("text/html")
        assert "Tandem is briefly unavailable" in body
    assert "Traceback" not in body


@pytest.mark.slow
def test_server_with_unreachable_postgresql_answers_503(tmp_path):
    dead = f"postgres://tandem@127.0.0.1:{free_port()}/tandem"
    with serve({"TANDEM_DATABASE_URL": dead}, tmp_path) as base:
        _assert_503(*fetch(base + ME, {"Authorization": "Bearer tdm_" + "x" * 43}), api=True)
        _assert_503(*fetch(base + "/accounts/", {"Cookie": "sessionid=" + "a" * 32}), api=False)
        # The sign-in page lists the organizations' single sign-on connections, read from
        # the database: it too says "briefly unavailable" (a clean 503, not a 500).
        _assert_503(*fetch(base + "/accounts/login/"), api=False)


@pytest.mark.slow
def test_server_with_unopenable_sqlite_file_answers_503(tmp_path):
    missing = tmp_path / "no-such-folder" / "tandem.sqlite3"
    with serve({"TANDEM_DATABASE_URL": f"sqlite:///{missing}"}, tmp_path) as base:
        _assert_503(*fetch(base + ME, {"Authorization": "Bearer tdm_" + "x" * 43}), api=True)
        _assert_503(*fetch(base + "/accounts/", {"Cookie": "sessionid=" + "a" * 32}), api=False)


# --- In-process: the live connection breaks, then comes back ---


@contextmanager
def sqlite_file_unreachable(tmp_path: Path) -> Iterator[None]:
    """Point the live SQLite connection at a file that cannot be opened, then restore it."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = str(tmp_path / "gone" / "db.sqlite3")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


class TouchDatabaseMiddleware:
    """Test-only: a middleware that queries the database before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from tandem.accounts.models import User

        User.objects.exists()
        return self.get_response(request)


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite file variant; the PostgreSQL run terminates backends instead")


@pytest.mark.django_db(transaction=True)
def test_sqlite_outage_in_view_and_api_then_recovery(client, tmp_path, sqlite_only):
    user = UserFactory()
    _token, raw = api_token_create(actor=user, name="t")
    client.force_login(user)
    assert client.get("/accounts/").status_code == 200
    with sqlite_file_unreachable(tmp_path):
        response = client.get("/accounts/")
        _assert_503(response.status_code, response.headers, response.content.decode(), api=False)
        response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")
        _assert_503(response.status_code, response.headers, response.content.decode(), api=True)
    assert client.get("/accounts/").status_code == 200
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_outage_inside_another_middleware_is_also_503(settings, tmp_path, sqlite_only):
    index = settings.MIDDLEWARE.index("tandem.core.middleware.DatabaseUnavailableMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: index + 1],
        f"{__name__}.TouchDatabaseMiddleware",
        *settings.MIDDLEWARE[index + 1 :],
    ]
    client = Client(raise_request_exception=False)
    assert client.get("/accounts/login/").status_code == 200
    with sqlite_file_unreachable(tmp_path):
        response = client.get("/accounts/login/")
        _assert_503(response.status_code, response.headers, response.content.decode(), api=False)
        response = client.get("/api/v1/openapi.json")
        _assert_503(response.status_code, response.headers, response.content.decode(), api=True)
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.django_db
def test_real_query_bugs_stay_500():
    """The 503 is for outages only: a broken query is a bug and must stay visible."""
    from django.db import DatabaseError
    from django.test import RequestFactory

    from tandem.core.middleware import DatabaseUnavailableMiddleware

    with pytest.raises(DatabaseError) as info, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_at_all")
    middleware = DatabaseUnavailableMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    assert middleware.process_exception(RequestFactory().get("/x/"), info.value) is None


# --- PostgreSQL: terminate the backend of the live connection ---


def _pg_admin():
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
        autocommit=True,
    )


def _terminate(pids: list[int]) -> None:
    with _pg_admin() as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)
            ).fetchone()
            if alive and alive[0] == 0:
                return
            time.sleep(0.05)
    pytest.fail(f"backends {pids} still alive")


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backend_killed_gives_503_then_recovers(client):
    user = UserFactory()
    _token, raw = api_token_create(actor=user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    assert client.get(ME, **auth).status_code == 200
    _terminate([_backend_pid()])
    response = client.get(ME, **auth)
    _assert_503(response.status_code, response.headers, response.content.decode(), api=True)
    assert client.get(ME, **auth).status_code == 200

    client.force_login(user)
    assert client.get("/accounts/").status_code == 200
    _terminate([_backend_pid()])
    response = client.get("/accounts/")
    _assert_503(response.status_code, response.headers, response.content.decode(), api=False)
    assert client.get("/accounts/").status_code == 200


@pytest.mark.slow
@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_server_reconnects_after_backend_killed(tmp_path):
    """A real server keeps its connection between requests (CONN_MAX_AGE) and health-checks
    it at the start of each one (CONN_HEALTH_CHECKS): after its backend is killed, the next
    request quietly reconnects and succeeds."""
    user = UserFactory()
    _token, raw = api_token_create(actor=user, name="t")
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    app_name = f"tandem-test-{os.getpid()}"
    with serve({"TANDEM_DATABASE_URL": url, "PGAPPNAME": app_name}, tmp_path) as base:
        headers = {"Authorization": f"Bearer {raw}"}
        assert fetch(base + ME, headers)[0] == 200

        def server_pids() -> list[int]:
            with _pg_admin() as admin:
                rows = admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app_name,)
                ).fetchall()
            return [r[0] for r in rows]

        before = server_pids()
        assert len(before) == 1, "the server should hold one persistent connection"
        _terminate(before)
        status, _headers, body = fetch(base + ME, headers)
        assert status == 200, body[:2000]
        after = server_pids()
        assert len(after) == 1 and after != before
