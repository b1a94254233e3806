"""SQLite under concurrent writers.

The configured database (WAL, ``transaction_mode: IMMEDIATE``, 20 s busy timeout) must let a
rush of simultaneous write transactions queue up instead of failing with "database is
locked". The control experiment runs the same pattern on plain ``sqlite3`` connections with
SQLite's default DEFERRED transactions and no busy timeout, and shows that it does fail, so
the first test proves something.

The pattern, per thread: wait at a barrier so that all threads start together, then in one
transaction read the current row count, pause briefly (as a request does between its read
and its write), and insert a row.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection, transaction

from tandem.audit.models import AuditEvent

WRITERS = 8
PAUSE = 0.05

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite-specific locking behaviour; the PostgreSQL run has no database-file lock",
)


def run_together(work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Run ``work(i)`` in WRITERS threads released at the same instant."""
    barrier = threading.Barrier(WRITERS)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            value = work(i)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return results, errors


@pytest.mark.django_db
def test_configured_database_uses_wal_immediate_and_a_busy_timeout():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@pytest.mark.django_db(transaction=True)
def test_concurrent_write_transactions_do_not_hit_database_is_locked():
    def work(i: int) -> int:
        from django.db import connection as thread_connection  # one connection per thread

        try:
            with transaction.atomic():
                seen = AuditEvent.objects.count()
                time.sleep(PAUSE)
                AuditEvent.objects.create(
                    action="test.concurrent", target_type="test.writer", target_id=str(i)
                )
            return seen
        finally:
            thread_connection.close()

    results, errors = run_together(work)

    assert errors == [], f"writers failed: {errors!r}"
    assert AuditEvent.objects.filter(action="test.concurrent").count() == WRITERS
    # IMMEDIATE serialises the transactions: each one saw all the rows committed before it.
    assert sorted(results) == list(range(WRITERS))


def _raw_writers(path: str, *, begin: str, timeout: float) -> list[BaseException]:
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, seen INTEGER)")
    setup.commit()
    setup.close()

    def work(i: int) -> int:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        try:
            conn.execute(begin)
            seen = conn.execute("SELECT count(*) FROM t").fetchone()[0]
            time.sleep(PAUSE)
            conn.execute("INSERT INTO t (seen) VALUES (?)", (seen,))
            conn.execute("COMMIT")
            return int(seen)
        finally:
            conn.close()

    _results, errors = run_together(work)
    return errors


def test_control_deferred_transactions_without_busy_timeout_do_fail(tmp_path):
    errors = _raw_writers(str(tmp_path / "deferred.sqlite3"), begin="BEGIN DEFERRED", timeout=0)
    assert errors, "expected 'database is locked' with DEFERRED and no busy timeout"
    assert all(isinstance(e, sqlite3.OperationalError) for e in errors)
    assert any("database is locked" in str(e) for e in errors)


def test_control_deferred_transactions_fail_even_with_a_busy_timeout(tmp_path):
    # A read-then-write DEFERRED transaction cannot wait its way out: its snapshot is stale
    # once another writer commits, so SQLite refuses the upgrade at once (SQLITE_BUSY_SNAPSHOT).
    errors = _raw_writers(str(tmp_path / "deferred-timeout.sqlite3"), begin="BEGIN", timeout=20)
    assert any("database is locked" in str(e) for e in errors)


def test_control_immediate_with_busy_timeout_succeeds_on_plain_sqlite3(tmp_path):
    path = str(tmp_path / "immediate.sqlite3")
    errors = _raw_writers(path, begin="BEGIN IMMEDIATE", timeout=20)
    assert errors == []
    conn = sqlite3.connect(path)
    seen = sorted(row[0] for row in conn.execute("SELECT seen FROM t"))
    conn.close()
    assert seen == list(range(WRITERS))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_api_writes_through_a_real_server_all_succeed(tmp_path):
    """End to end: a waitress server with 8 threads on the configured SQLite database takes
    16 simultaneous POSTs that each write a row; none fails with a 500 or a 503."""
    import json
    import urllib.error
    import urllib.request

    from tandem.accounts.models import ApiToken
    from tandem.accounts.services import api_token_create
    from tests.factories import UserFactory
    from tests.test_core_database_unavailable import serve

    user = UserFactory()
    _token, raw = api_token_create(actor=user, name="seed")
    database = connection.settings_dict["NAME"]
    requests = 16
    barrier = threading.Barrier(requests)
    statuses: list[int] = []
    lock = threading.Lock()

    with serve({"TANDEM_DATABASE_URL": f"sqlite:///{database}"}, tmp_path, threads=8) as base:

        def post(i: int) -> None:
            request = urllib.request.Request(  # noqa: S310 - local test server
                base + "/api/v1/accounts/tokens",
                data=json.dumps({"name": f"rush-{i}"}).encode(),
                headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/json"},
                method="POST",
            )
            barrier.wait(timeout=10)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    status = response.status
            except urllib.error.HTTPError as err:
                status = err.code
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=post, args=(i,)) for i in range(requests)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)

    assert statuses == [201] * requests
    assert ApiToken.objects.filter(user=user, name__startswith="rush-").count() == requests
