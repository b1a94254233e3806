"""Two app processes share their state: what one process learns, the other knows.

`tandem serve` runs several processes (gunicorn), and production runs several app servers
behind one proxy. Each test starts two `tandem serve` processes on two ports, each with one
server process of its own, on the test database, and sends the requests of one visitor to
both, alternately: a session signed in on A works on B, signing out on A ends it on B, and
failed sign-ins count across both. Once with Redis (``TANDEM_REDIS_URL``: the cache and the
sessions' cache in Redis, under a key prefix of this test's own), once without (the cache in
a database table).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import make_password

from tests.conftest import free_port
from tests.factories import UserFactory
from tests.test_production_proxy import (
    _database_url,
    _wait_for_port,
    client_from,
)

REPO = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TANDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
GOOD = "correct-horse-battery-staple"
FAILURE_LIMIT = 3  # per e-mail and address
ADDRESS_FAILURE_LIMIT = 4  # per address, over any accounts (password spraying)


def _redis():  # type: ignore[no-untyped-def]
    """A client of the test Redis; skips (fails under CI) when it cannot be reached."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"redis: not reachable at {REDIS_URL} ({error}); start redis-server"
        if os.environ.get("CI"):
            pytest.fail(message + " — CI must run this test")
        pytest.skip(message)
    return client


@pytest.fixture
def live_db_url(transactional_db):
    """The test database, committed to, so that the server processes see the test's rows."""
    return _database_url()


@pytest.fixture
def ada(settings, transactional_db):
    # The servers run with the production hasher; the tests' fast MD5 is not installed there.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(email="ada@example.org")
    user.password = make_password(GOOD)
    user.save()
    return user


@pytest.fixture(params=["redis", "database"])
def two_servers(request, tmp_path, live_db_url):
    """Two `tandem serve` processes (A and B) on one database, with the cache in Redis or in
    the database; yields their addresses and, with Redis, the client and the key prefix."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "TANDEM_DATA_DIR": str(tmp_path / "data"),
            "TANDEM_DATABASE_URL": live_db_url,
            "TANDEM_LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
            "TANDEM_LOGIN_ADDRESS_FAILURE_LIMIT": str(ADDRESS_FAILURE_LIMIT),
            "TANDEM_LOG_LEVEL": "WARNING",
        }
    )
    redis_client, prefix = None, ""
    if request.param == "redis":
        redis_client = _redis()
        prefix = f"tandem-test-{uuid.uuid4().hex[:12]}"
        env.update({"TANDEM_REDIS_URL": REDIS_URL, "TANDEM_CACHE_KEY_PREFIX": prefix})
    servers, ports = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("wb") as out:
                servers.append(
                    subprocess.Popen(
                        [
                            sys.executable, "-m", "tandem.cli", "serve", "--no-worker",
                            "--port", str(port), "--workers", "1", "--threads", "2",
                        ],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )  # fmt: skip
            ports.append(port)
            _wait_for_port(port, servers[-1], log)
        yield {
            "a": f"http://127.0.0.1:{ports[0]}",
            "b": f"http://127.0.0.1:{ports[1]}",
            "redis": redis_client,
            "prefix": prefix,
        }
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if redis_client is not None:
            keys = list(redis_client.scan_iter(match=f"{prefix}:*"))
            if keys:
                redis_client.delete(*keys)


def _csrf(client: requests.Session, url: str) -> str:
    page = client.get(url, timeout=30, allow_redirects=False)
    assert page.status_code == 200, (url, page.status_code)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, f"no CSRF token on {url}"
    return token.group(1)


def sign_in(client: requests.Session, base: str, email: str, password: str):
    login = f"{base}/accounts/login/"
    return client.post(
        login,
        data={"csrfmiddlewaretoken": _csrf(client, login), "username": email, "password": password},
        headers={"Referer": login},
        allow_redirects=False,
        timeout=30,
    )


def _session_keys(servers) -> list[bytes]:  # type: ignore[no-untyped-def]
    return list(servers["redis"].scan_iter(match=f"{servers['prefix']}:*session*"))


def test_a_session_from_one_process_works_on_the_other_until_signed_out_on_either(two_servers, ada):
    a, b = two_servers["a"], two_servers["b"]
    visitor = client_from("127.0.0.2")
    signed_in = sign_in(visitor, a, "ada@example.org", GOOD)
    assert signed_in.status_code == 302, signed_in.status_code
    home = signed_in.headers["Location"]

    # B knows the session A started: the home page, not the sign-in page.
    on_b = visitor.get(f"{b}{home}", allow_redirects=False, timeout=30)
    assert on_b.status_code == 200, (on_b.status_code, on_b.headers.get("Location"))
    assert "accounts/logout" in on_b.text
    if two_servers["redis"] is not None:
        # With Redis, the session is read from its cache there (cached_db).
        assert _session_keys(two_servers), "the session is not cached in Redis"

    # Signing out on B (a write there) ends the session that A has read and cached.
    assert visitor.get(f"{a}{home}", allow_redirects=False, timeout=30).status_code == 200
    out = visitor.post(
        f"{b}/accounts/logout/",
        data={"csrfmiddlewaretoken": _csrf(visitor, f"{b}{home}")},
        headers={"Referer": f"{b}{home}"},
        allow_redirects=False,
        timeout=30,
    )
    assert out.status_code == 302, out.status_code
    if two_servers["redis"] is not None:
        assert not _session_keys(two_servers), "the ended session is still cached in Redis"
    # The old session cookie, replayed to A, opens nothing.
    replay = client_from("127.0.0.2")
    replay.cookies.update({"sessionid": signed_in.cookies["sessionid"]})
    after = replay.get(f"{a}{home}", allow_redirects=False, timeout=30)
    assert after.status_code == 302
    assert "/accounts/login/" in after.headers["Location"]


def test_failed_sign_ins_on_both_processes_count_toward_one_lockout(two_servers, ada):
    a, b = two_servers["a"], two_servers["b"]
    mallory = client_from("127.0.0.3")
    for attempt in range(1, FAILURE_LIMIT + 1):
        server = a if attempt % 2 else b  # A, B, A…
        failed = sign_in(mallory, server, "ada@example.org", "wrong-guess")
        assert failed.status_code == (429 if attempt == FAILURE_LIMIT else 200), attempt
    # Locked out on both, even with the right password.
    for server in (a, b):
        assert sign_in(mallory, server, "ada@example.org", GOOD).status_code == 429

    # Ada, from her own address, signs in on either.
    assert sign_in(client_from("127.0.0.4"), b, "ada@example.org", GOOD).status_code == 302


def test_password_spraying_over_both_processes_locks_the_address(two_servers, ada):
    a, b = two_servers["a"], two_servers["b"]
    sprayer = client_from("127.0.0.5")
    for attempt in range(1, ADDRESS_FAILURE_LIMIT + 1):
        server = b if attempt % 2 else a
        # One guess per account, each below the per-account limit.
        failed = sign_in(sprayer, server, f"someone{attempt}@example.org", "Winter2026!")
        assert failed.status_code == (429 if attempt == ADDRESS_FAILURE_LIMIT else 200), attempt
    for server in (a, b):
        assert sign_in(sprayer, server, "ada@example.org", GOOD).status_code == 429
