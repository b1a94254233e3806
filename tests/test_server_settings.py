"""How many server processes `tandem serve` starts, and which cache and sessions the
settings choose: shared by every process, Redis when configured, else the database."""

from __future__ import annotations

import json

import pytest

from tandem.cli import build_parser
from tandem.config.server import DATABASE_CACHE_TABLE, default_workers
from tests.test_settings_production import run

SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SERVER_WORKERS, s.SERVER_THREADS, s.CACHES['default'], "
    "s.SESSION_ENGINE]))"
)


def test_default_workers_are_two_per_core_and_one_at_most_eight():
    assert [default_workers(cores) for cores in (1, 2, 3, 4, 16)] == [3, 5, 7, 8, 8]


def test_serve_takes_positive_worker_and_thread_counts(capsys):
    args = build_parser().parse_args(["serve", "--workers", "3", "--threads", "2"])
    assert (args.workers, args.threads) == (3, 2)
    assert build_parser().parse_args(["serve"]).workers is None  # then TANDEM_WORKERS
    for bad in ("0", "-1", "many"):
        with pytest.raises(SystemExit) as refused:
            build_parser().parse_args(["serve", "--workers", bad])
        assert refused.value.code == 2
        assert "a whole number of 1 or more" in capsys.readouterr().err


def _settings(tmp_path, **env: str) -> list[object]:
    result = run(env, tmp_path, code=SHOW)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_without_redis_the_cache_is_a_database_table_and_sessions_are_rows(tmp_path):
    workers, threads, cache, sessions = _settings(tmp_path, TANDEM_WORKERS="3")
    assert (workers, threads) == (3, 4)
    assert cache == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": DATABASE_CACHE_TABLE,
        "KEY_PREFIX": "tandem",
    }
    assert sessions == "tandem.accounts.session_store"


def test_with_redis_the_cache_and_the_sessions_cache_are_there(tmp_path):
    _, threads, cache, sessions = _settings(
        tmp_path,
        TANDEM_REDIS_URL="redis://10.0.0.21:6379/0",
        TANDEM_CACHE_KEY_PREFIX="tandem-b",
        TANDEM_THREADS="2",
    )
    assert threads == 2
    assert cache == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://10.0.0.21:6379/0",
        "KEY_PREFIX": "tandem-b",
    }
    assert sessions == "tandem.accounts.session_store_cached"
    # TANDEM_CACHE_URL puts the cache elsewhere (another Redis or database number).
    cache = _settings(
        tmp_path,
        TANDEM_REDIS_URL="redis://10.0.0.21:6379/0",
        TANDEM_CACHE_URL="redis://10.0.0.22:6379/1",
    )[2]
    assert cache["LOCATION"] == "redis://10.0.0.22:6379/1"  # type: ignore[index]


def test_a_worker_count_below_one_refuses_to_start(tmp_path):
    result = run({"TANDEM_WORKERS": "-2"}, tmp_path, code=SHOW)
    assert result.returncode != 0
    assert "TANDEM_WORKERS and TANDEM_THREADS must be 1 or more" in result.stderr


@pytest.mark.django_db
def test_the_database_cache_table_exists_and_is_shared_through_the_database():
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection

    assert DATABASE_CACHE_TABLE in connection.introspection.table_names()
    cache = DatabaseCache(DATABASE_CACHE_TABLE, {})
    cache.set("greeting", "hello", 60)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DATABASE_CACHE_TABLE}")  # noqa: S608
        assert cursor.fetchone()[0] == 1
    assert cache.get("greeting") == "hello"


def test_a_proxy_address_that_is_no_address_refuses_to_start(tmp_path):
    result = run({"TANDEM_TRUSTED_PROXY_ADDRESS": "proxy.internal"}, tmp_path, code=SHOW)
    assert result.returncode != 0
    assert "TANDEM_TRUSTED_PROXY_ADDRESS must be addresses or networks" in result.stderr
    started = run({"TANDEM_TRUSTED_PROXY_ADDRESS": "10.0.0.5, 10.0.1.0/24"}, tmp_path, code=SHOW)
    assert started.returncode == 0, started.stderr
