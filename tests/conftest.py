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
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


requires_postgres = pytest.mark.skipif(
    not os.environ.get("TANDEM_DATABASE_URL", "").startswith("postgres"),
    reason="postgres: runs only with TANDEM_DATABASE_URL=postgres://… (CI runs it)",
)
