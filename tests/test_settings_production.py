"""Production settings refuse to start with the demo secret key or DEBUG on, and start with
a good key. Each case imports the settings in a fresh interpreter, as a server would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# slow: each test starts Tandem's settings in a fresh process.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
GOOD_KEY = "p8Zr4q1vN0sXy7LmK2cWd9HbT6fJ3aEuQ5gRiO"  # 38 random characters
CHECK = (
    "import django; django.setup(); from django.conf import settings; "
    "print('started', settings.DEBUG, settings.SESSION_COOKIE_SECURE, "
    "settings.CSRF_COOKIE_SECURE)"
)


def run(
    env_overrides: dict[str, str], tmp_path: Path, *, code: str = CHECK
) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh process with only these TANDEM_ variables; run ``code``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tandem.config.settings",
            "PYTHONPATH": str(REPO),
            "TANDEM_DATA_DIR": str(tmp_path),
        }
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_the_demo_secret_key(tmp_path):
    result = run({"TANDEM_ENV": "production", "TANDEM_DEBUG": "0"}, tmp_path)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert "TANDEM_ENV=production needs TANDEM_SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_a_short_secret_key(tmp_path):
    result = run({"TANDEM_ENV": "production", "TANDEM_SECRET_KEY": "short"}, tmp_path)
    assert result.returncode != 0
    assert "TANDEM_ENV=production needs TANDEM_SECRET_KEY" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = run(
        {"TANDEM_ENV": "production", "TANDEM_SECRET_KEY": GOOD_KEY, "TANDEM_DEBUG": "1"},
        tmp_path,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "refuses to start with TANDEM_DEBUG on" in result.stderr


def test_production_starts_with_a_good_key_and_secure_cookies(tmp_path):
    result = run({"TANDEM_ENV": "production", "TANDEM_SECRET_KEY": GOOD_KEY}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started False True True"


def test_demo_starts_with_defaults(tmp_path):
    result = run({}, tmp_path)
    assert result.returncode == 0, result.stderr
    # DEBUG is off unless TANDEM_DEBUG turns it on, the demo included (designed error pages).
    assert result.stdout.strip() == "started False False False"


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_debug_flag_spellings_all_count(tmp_path, value):
    result = run(
        {"TANDEM_ENV": "production", "TANDEM_SECRET_KEY": GOOD_KEY, "TANDEM_DEBUG": value},
        tmp_path,
    )
    assert result.returncode != 0


def test_production_check_deploy_passes_behind_a_tls_proxy(tmp_path):
    env = {
        "TANDEM_ENV": "production",
        "TANDEM_SECRET_KEY": GOOD_KEY + "-extra-length-for-check",
        "TANDEM_BEHIND_TLS_PROXY": "1",
        "TANDEM_SSL_REDIRECT": "1",
        "TANDEM_HSTS_SECONDS": "31536000",
        "TANDEM_ALLOWED_HOSTS": "tandem.example.org",
    }
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    full_env.update({"PYTHONPATH": str(REPO), "TANDEM_DATA_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "-m", "tandem.cli", "manage", "check", "--deploy"],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Only the two HSTS choices an operator must make for their own domain may remain
    # (include subdomains, preload list): see docs/operations.md.
    warnings = set(re.findall(r"\(security\.(W\d+)\)", output))
    assert warnings <= {"W005", "W021"}, output


SITE = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"


def _site(env_overrides: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update({"DJANGO_SETTINGS_MODULE": "tandem.config.settings", "PYTHONPATH": str(REPO)})
    env.update({"TANDEM_DATA_DIR": str(tmp_path), **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", SITE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        (
            {
                "TANDEM_ENV": "production",
                "TANDEM_SECRET_KEY": GOOD_KEY,
                "TANDEM_ALLOWED_HOSTS": "tandem.example.org,www.example.org",
            },
            "https://tandem.example.org",
        ),
        (
            {"TANDEM_SITE_URL": "https://careers.example.ac.uk/tandem/"},
            "https://careers.example.ac.uk/tandem",
        ),
    ],
)
def test_site_url_for_links_in_emails(tmp_path, overrides, expected):
    result = _site(overrides, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("value", ["tandem.example.org", "/tandem", "ftp://x.org", "https://"])
def test_a_site_url_that_is_not_an_absolute_http_address_is_refused(tmp_path, value):
    result = _site({"TANDEM_SITE_URL": value}, tmp_path)
    assert result.returncode != 0
    assert "TANDEM_SITE_URL must be an absolute http(s) address" in result.stderr
