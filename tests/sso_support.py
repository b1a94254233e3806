"""Real identity providers for the SSO tests.

OpenID Connect: panva/node-oidc-provider (tests/peers/oidc), run with Node.js. Its packages
are installed once with ``npm ci`` from the committed lock file into
tests/peers/oidc/node_modules (git-ignored). Without Node.js the tests skip with a reason
starting "sso:" (CI fails on such skips).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

PEER_DIR = Path(__file__).parent / "peers" / "oidc"
_npm_lock = threading.Lock()


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"sso: {tool} not found; CI must install Node.js 20")
        pytest.skip(f"sso: {tool} not found (install Node.js 20 to run the OIDC peer)")
    return path


def ensure_oidc_peer_installed() -> None:
    node, npm = _need("node"), _need("npm")
    del node
    with _npm_lock:
        marker = PEER_DIR / "node_modules" / ".package-lock.json"
        lock = PEER_DIR / "package-lock.json"
        if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
            return
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PEER_DIR,
            check=True,
            timeout=600,
        )


@contextlib.contextmanager
def oidc_peer(*, clients: list[dict[str, Any]], users: dict[str, dict[str, Any]]) -> Iterator[str]:
    """Start the provider on a free port; yields its issuer URL."""
    ensure_oidc_peer_installed()
    config = json.dumps({"port": 0, "clients": clients, "users": users})
    proc = subprocess.Popen(
        [_need("node"), "provider.js", config],
        cwd=PEER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        issuer = ""
        for line in proc.stdout:
            if line.startswith("listening "):
                issuer = line.split()[1]
                break
        if not issuer:
            raise RuntimeError(f"the OIDC peer did not start (exit {proc.wait(5)})")
        yield issuer
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.I)


def sign_in_at_peer(authorize_url: str, *, login: str, redirect_prefix: str) -> str:
    """Play the person at the provider's own pages (login, then consent) with a real HTTP
    client; returns the URL the provider sends the browser back to (the callback)."""
    session = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _ in range(12):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            target = urljoin(url, response.headers["Location"])
            if target.startswith(redirect_prefix):
                return target
            url, method, data = target, "GET", None
            continue
        match = _FORM.search(response.text)
        if response.status_code != 200 or match is None:
            raise AssertionError(f"unexpected page at the provider: {response.status_code}")
        action = urljoin(url, html.unescape(match.group(1)))
        if 'name="login"' in response.text:
            data = {"prompt": "login", "login": login, "password": "any"}
        else:
            data = {"prompt": "consent"}
        url, method = action, "POST"
    raise AssertionError("the provider never sent the browser back")
