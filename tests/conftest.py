"""Shared fixtures. Tests use the real database (SQLite or PostgreSQL per
TANDEM_DATABASE_URL), real files, and a real browser for the browser tests."""

from __future__ import annotations

import os

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
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
    # The database is rolled back after each test; the cache must not outlive it either.
    from django.core.cache import cache

    cache.clear()
    yield


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


requires_postgres = pytest.mark.skipif(
    not os.environ.get("TANDEM_DATABASE_URL", "").startswith("postgres"),
    reason="postgres: runs only with TANDEM_DATABASE_URL=postgres://… (CI runs it)",
)


CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def browser():
    """Debian's chromium, headless, driven by Playwright (no browser download).

    Function-scoped: Playwright's sync API keeps an event loop running in this thread while
    it is open, and the database set-up and tear-down of each test must happen outside it.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"browser: chromium not found at {CHROMIUM}; CI must install it")
        pytest.skip(f"browser: chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test's thread; the ORM calls the test
    makes itself are still synchronous. Scoped to browser tests only, so the variable never
    leaks into other tests (or into subprocesses they start)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser, allow_orm_beside_playwright):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
