"""Shared fixtures. Tests use the real database (SQLite or PostgreSQL per
TANDEM_DATABASE_URL), real files, and a real browser for the browser tests."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts and ends in the default language: a request in French activates
    French for the thread (LocaleMiddleware does not undo it), which must not leak into the
    next test's messages."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(request, tmp_path, settings):
    """Uploaded files go to a per-test folder outside the source tree."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "extraction"],
        }
    }
    # The production hasher is slow on purpose; tests that are about hashing set their own.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The database is rolled back after each test; the cache must not outlive it either. The
    # cache without Redis is a database table, so only tests that may use the database clear
    # it (the others cannot have filled it), once their database fixture is set up (autouse
    # fixtures come before the ones a test names).
    db_fixture = next((f for f in DB_FIXTURES if f in request.fixturenames), None)
    if db_fixture is not None or request.node.get_closest_marker("django_db"):
        if db_fixture is not None:
            request.getfixturevalue(db_fixture)
        from django.core.cache import cache

        cache.clear()
    yield


def pytest_configure(config: pytest.Config) -> None:
    """The translation catalogues are compiled from the .po files (they are not committed)."""
    from tandem.core.catalogues import compile_catalogues

    compile_catalogues()


# The fixtures that open the test database, most specific first.
DB_FIXTURES = ("transactional_db", "django_db_reset_sequences", "db")


# Tests that drive a browser or need a live server are slow by nature: `make test-fast`
# (-m "not slow") leaves them out without each file having to say so. The other slow tests
# (servers, workers, nginx, tandem commands in subprocesses, the ML model, the demo world)
# carry @pytest.mark.slow themselves.
SLOW_FIXTURES = {"live_server", "browser", "page", "shared_browser"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())) or item.get_closest_marker(
            "browser"
        ):
            item.add_marker(pytest.mark.slow)


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


requires_postgres = pytest.mark.skipif(
    not os.environ.get("TANDEM_DATABASE_URL", "").startswith("postgres"),
    reason="postgres: runs only with TANDEM_DATABASE_URL=postgres://… (CI runs it)",
)


# --- Ports for servers a test starts (waitress, nginx) ---
# Each xdist worker takes ports from a block of its own, below the kernel's ephemeral range
# (32768–60999 here): a port from ``bind(("127.0.0.1", 0))`` could be handed to any outgoing
# connection (a database or HTTP client of a parallel worker) between the check and the
# server's own bind, and parallel workers would draw from the same pool.
PORT_BASE = 20_000
PORTS_PER_WORKER = 400
_port_draws = itertools.count()


def _worker_number() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"… under xdist
    return int(worker[2:]) + 1 if worker.startswith("gw") else 0


def free_port() -> int:
    """A TCP port on 127.0.0.1, free when asked, from this worker's block (other test runs on
    the machine start at another offset: the process id)."""
    block = PORT_BASE + (_worker_number() % 30) * PORTS_PER_WORKER
    start = os.getpid() % PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = block + (start + next(_port_draws)) % PORTS_PER_WORKER
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {block}–{block + PORTS_PER_WORKER - 1}")


# --- Browser ---
CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class SharedBrowser:
    """One Playwright driver and one headless Chromium for the whole test process (one per
    xdist worker), started by the first browser test.

    Playwright's sync API runs its event loop in this thread, in a greenlet of its own, and
    marks the loop as running in the thread whenever a call returns to the caller; Django then
    refuses every database query (SynchronousOnlyOperation). Yet between two Playwright calls
    the loop does not run at all: the greenlet that runs it waits until the next call. So
    between browser tests the loop is *parked*: the thread's running-loop mark (and the async
    generator hooks the loop installed) go back to what they were before Playwright started,
    and the database set-up and tear-down of every other test see a thread with no event loop.
    A browser test *resumes* it before its first Playwright call and parks it after its last.
    Inside a browser test, the test's own ORM calls still need DJANGO_ALLOW_ASYNC_UNSAFE
    (``allow_orm_beside_playwright``), scoped to that test as before.
    """

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._outside_hooks = sys.get_asyncgen_hooks()
        self._manager = sync_playwright()
        self._playwright = self._manager.start()
        # Playwright has just marked its loop running in this thread: that is the loop.
        self._loop = asyncio.get_running_loop()
        self._inside_hooks = sys.get_asyncgen_hooks()
        self.browser = self._launch()
        self.park()

    def _launch(self) -> Browser:
        return self._playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )

    def resume(self) -> Browser:
        asyncio._set_running_loop(self._loop)
        sys.set_asyncgen_hooks(*self._inside_hooks)
        if not self.browser.is_connected():  # a crashed Chromium takes no test with it
            self.browser = self._launch()
        return self.browser

    def park(self) -> None:
        if asyncio._get_running_loop() is self._loop:
            asyncio._set_running_loop(None)
            sys.set_asyncgen_hooks(*self._outside_hooks)

    def close(self) -> None:
        self.resume()
        try:
            self.browser.close()
        finally:
            self._manager.__exit__(None, None, None)  # ends the loop: nothing left to park
            sys.set_asyncgen_hooks(*self._outside_hooks)


@pytest.fixture(scope="session")
def shared_browser() -> Iterator[SharedBrowser]:
    shared = SharedBrowser()
    yield shared
    shared.close()


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright (no browser download): the process's
    shared Chromium (``SharedBrowser``), resumed for this test. Each test opens its own
    contexts (``page`` does), and whatever it leaves open is closed after it, so no cookies,
    storage or pages pass from one test to the next."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"browser: chromium not found at {CHROMIUM}; CI must install it")
        pytest.skip(f"browser: chromium not found at {CHROMIUM} (apt-get install chromium)")
    shared: SharedBrowser = request.getfixturevalue("shared_browser")
    instance = shared.resume()
    try:
        yield instance
        for context in list(instance.contexts):
            context.close()
    finally:
        shared.park()


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API marks its event loop running in the test's thread while a
    browser test has it resumed; the ORM calls the test makes itself are still synchronous.
    Scoped to browser tests only, so the variable never leaks into other tests (or into
    subprocesses they start)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser, allow_orm_beside_playwright):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
