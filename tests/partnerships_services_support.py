"""The fixtures of the partnership service and selector tests
(tests/test_partnerships_services*.py, tests/test_partnerships_selectors.py): fast password
hashing, and the cast of tests/test_partnerships_support.py around a proposed partnership.
"""

from __future__ import annotations

import pytest

from tests.test_partnerships_support import build_cast


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files are not under test here; WhiteNoise would re-scan them for every client.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "whitenoise" not in m]


@pytest.fixture
def cast():
    return build_cast(status="proposed")
