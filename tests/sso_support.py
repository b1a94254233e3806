"""Real identity providers for the SSO tests.

OpenID Connect: panva/node-oidc-provider (tests/peers/oidc), run with Node.js. Its packages
are installed once with ``npm ci`` from the committed lock file into
tests/peers/oidc/node_modules (git-ignored). Without Node.js the tests skip with a reason
starting "sso:" (CI fails on such skips).
"""

from __future__ import annotations

import contextlib
import fcntl
import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

PEER_DIR = Path(__file__).parent / "peers" / "oidc"


@contextlib.contextmanager
def _installing(folder: Path) -> Iterator[None]:
    """One process at a time installs a peer (xdist workers, or two suites in one checkout):
    ``npm ci`` and ``venv --clear`` empty the folder first, under another process's feet."""
    with open(folder / ".install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    with _installing(PEER_DIR):
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


# --- SAML 2.0: pysaml2's IdP (tests/peers/saml/idp.py) in its own virtualenv ---------------
SAML_PEER_DIR = Path(__file__).parent / "peers" / "saml"
SAML_VENV = SAML_PEER_DIR / ".venv"


def ensure_saml_peer_installed() -> Path:
    """The IdP's interpreter: tests/peers/saml/.venv, made once from requirements.txt."""
    _need("xmlsec1")
    python = SAML_VENV / "bin" / "python"
    requirements = SAML_PEER_DIR / "requirements.txt"
    marker = SAML_VENV / ".installed"
    with _installing(SAML_PEER_DIR):
        if marker.exists() and marker.read_text() == requirements.read_text():
            return python
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", "--clear", str(SAML_VENV)], check=True, timeout=300)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)],
            check=True,
            timeout=900,
        )
        marker.write_text(requirements.read_text())
    return python


def make_idp_keys(folder: Path) -> tuple[Path, Path, str]:
    """A fresh RSA key and self-signed certificate for the IdP; returns the key file, the
    certificate file and the certificate in PEM."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tandem test IdP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    cert_file.write_text(pem)
    return key_file, cert_file, pem


@contextlib.contextmanager
def saml_peer(
    *,
    folder: Path,
    port: int,
    key_file: Path,
    cert_file: Path,
    sp_metadata: str,
    users: dict[str, dict[str, Any]],
) -> Iterator[str]:
    """Start the IdP on ``port``; yields its entity id."""
    python = ensure_saml_peer_installed()
    config_file = folder / "idp.json"
    config_file.write_text(
        json.dumps(
            {
                "port": port,
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "sp_metadata": sp_metadata,
                "users": users,
                "xmlsec_binary": shutil.which("xmlsec1"),
            }
        )
    )
    proc = subprocess.Popen(
        [str(python), "idp.py", str(config_file)],
        cwd=SAML_PEER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("listening "):
            err = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"the SAML IdP did not start: {err[-2000:]}")
        yield line.split()[1]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


_INPUT = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.I)
_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.I)


def sign_in_at_saml_peer(redirect_url: str, *, login: str) -> tuple[str, dict[str, str]]:
    """Play the person at the IdP's sign-in page; returns the SP address the IdP's answer
    form posts to and the form's fields (SAMLResponse, RelayState)."""
    session = requests.Session()
    page = session.get(redirect_url, timeout=10)
    assert page.status_code == 200, page.status_code
    key = dict(_INPUT.findall(page.text))["key"]
    answer = session.post(
        urljoin(redirect_url, "/login"), data={"key": key, "username": login}, timeout=10
    )
    assert answer.status_code == 200, answer.text[:300]
    action = html.unescape(_ACTION.search(answer.text).group(1))  # type: ignore[union-attr]
    fields = {name: html.unescape(value) for name, value in _INPUT.findall(answer.text)}
    return action, fields
