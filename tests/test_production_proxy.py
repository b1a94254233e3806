"""Tandem in production mode behind a real nginx that ends TLS, configured as
docs/operations.md documents it, served by `tandem serve` with two gunicorn worker processes.

`tandem serve` (then waitress) used to drop the proxy's X-Forwarded-* headers: every HTTPS page
redirected to HTTPS again (a loop), HSTS was never sent, and every visitor shared the
proxy's address, so anyone's five wrong passwords locked a user out for everybody.

Clients here use different loopback source addresses (127.0.0.2, 127.0.0.3…) so that nginx
sees different visitors.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import make_password
from requests.adapters import HTTPAdapter

from tandem.cli import waitress_proxy_options
from tandem.config.server import ForwardedHeadersGuard, gunicorn_options
from tests.conftest import free_port
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parent.parent
NGINX = os.environ.get("TANDEM_NGINX", "/usr/sbin/nginx")
SECRET = "p8Zr4q1vN0sXy7LmK2cWd9HbT6fJ3aEuQ5gRiO-proxy-test"
GOOD = "correct-horse-battery-staple"
# `tandem serve` with two gunicorn server processes:
SERVE = [sys.executable, "-m", "tandem.cli", "serve", "--no-worker", "--workers", "2"]


def test_waitress_trusts_the_proxy_headers_only_when_configured():
    assert (
        waitress_proxy_options(
            behind_tls_proxy=False, trusted_proxy_hops=0, trusted_proxy_address="127.0.0.1"
        )
        == {}
    )
    assert waitress_proxy_options(
        behind_tls_proxy=True, trusted_proxy_hops=2, trusted_proxy_address="10.0.0.5"
    ) == {
        "trusted_proxy": "10.0.0.5",
        "trusted_proxy_count": 2,
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
        "clear_untrusted_proxy_headers": True,
    }
    only_tls = waitress_proxy_options(
        behind_tls_proxy=True, trusted_proxy_hops=0, trusted_proxy_address="127.0.0.1"
    )
    assert only_tls["trusted_proxy_headers"] == {"x-forwarded-proto"}


def test_gunicorn_trusts_the_proxy_address_for_the_scheme():
    options = gunicorn_options(
        bind=["127.0.0.1:8000"],
        workers=3,
        threads=4,
        trusted_proxy_address="10.0.0.5",
        log_level="WARNING",
    )
    assert options["forwarded_allow_ips"] == "10.0.0.5"
    spaced = gunicorn_options(
        bind=["127.0.0.1:8000"],
        workers=1,
        threads=1,
        trusted_proxy_address="10.0.0.5, 10.0.1.0/24",
        log_level="INFO",
    )
    assert spaced["forwarded_allow_ips"] == "10.0.0.5,10.0.1.0/24"
    assert (options["workers"], options["threads"], options["worker_class"]) == (3, 4, "gthread")
    assert options["accesslog"] is None  # request lines carry query strings
    assert options["control_socket_disable"] is True


def _seen_by_app(trusted: str, remote_addr: str) -> dict[str, str]:
    seen: dict[str, str] = {}

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        seen.update({k: v for k, v in environ.items() if k.startswith("HTTP_")})
        return []

    environ = {
        "REMOTE_ADDR": remote_addr,
        "HTTP_HOST": "localhost",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "198.51.100.7",
        "HTTP_FORWARDED": "for=198.51.100.7;proto=https",
    }
    ForwardedHeadersGuard(app, trusted)(environ, lambda *a: None)
    return seen


def test_the_guard_removes_proxy_headers_from_any_peer_but_the_proxy():
    forwarded = {"HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED"}
    assert forwarded <= set(_seen_by_app("127.0.0.1", "127.0.0.1"))
    assert set(_seen_by_app("127.0.0.1", "127.0.0.4")) == {"HTTP_HOST"}
    # Several addresses and networks, IPv6, every peer, and a Unix socket (no address).
    assert forwarded <= set(_seen_by_app("10.0.0.5, 192.168.0.0/16", "192.168.3.9"))
    assert set(_seen_by_app("10.0.0.5, 192.168.0.0/16", "10.0.0.6")) == {"HTTP_HOST"}
    assert forwarded <= set(_seen_by_app("::1", "::1"))
    assert forwarded <= set(_seen_by_app("*", "203.0.113.9"))
    assert forwarded <= set(_seen_by_app("127.0.0.1", ""))
    assert set(_seen_by_app("127.0.0.1", "not-an-address")) == {"HTTP_HOST"}


def _nginx() -> str:
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail(f"nginx: not found at {NGINX}; CI must install it (nginx-light)")
        pytest.skip(f"nginx: not found at {NGINX} (apt-get install nginx-light)")
    return NGINX


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited early ({process.returncode}):\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"port {port} never opened:\n{log.read_text()}")


def _wait_for_workers(log: Path, count: int) -> None:
    """Until gunicorn's log shows ``count`` server processes started."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(re.findall(r"Booting worker with pid", log.read_text())) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} server processes started:\n{log.read_text()}")


def _database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def documented_nginx_servers() -> str:
    """The nginx configuration docs/operations.md tells operators to use."""
    guide = (REPO / "docs" / "operations.md").read_text()
    blocks = re.findall(r"```nginx\n(.*?)```", guide, re.S)
    assert len(blocks) == 1, "docs/operations.md should hold one nginx configuration"
    return blocks[0]


def nginx_config(tmp: Path, *, http_port: int, https_port: int, app_port: int) -> str:
    """The documented configuration with this test's ports, host and certificate, wrapped
    in the few top-level lines a standalone nginx needs."""
    servers = documented_nginx_servers()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "server_name tandem.example.org;": "server_name localhost;",
        "/etc/ssl/tandem/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/ssl/tandem/privkey.pem": str(tmp / "key.pem"),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
    }
    for old, new in replacements.items():
        assert old in servers, f"the documented nginx configuration lost {old!r}"
        servers = servers.replace(old, new)
    temp = "\n".join(
        f"    {kind}_temp_path {tmp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\nmaster_process off;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'nginx-error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n    access_log off;\n{temp}\n{servers}\n}}\n"
    )


class _SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source: str) -> None:
        self._source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self._source, 0)
        super().init_poolmanager(*args, **kwargs)


def client_from(source: str, ca: Path | None = None) -> requests.Session:
    """A browser-like client whose connections come from the loopback address ``source``,
    trusting the throwaway self-signed certificate ``ca``."""
    session = requests.Session()
    session.trust_env = False
    if ca is not None:
        session.verify = str(ca)
    adapter = _SourceAddressAdapter(source)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


@pytest.fixture
def behind_nginx(tmp_path, live_db_url):
    nginx = _nginx()
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "TANDEM_ENV": "production",
            "TANDEM_SECRET_KEY": SECRET,
            "TANDEM_DATA_DIR": str(tmp_path / "data"),
            "TANDEM_DATABASE_URL": live_db_url,
            "TANDEM_ALLOWED_HOSTS": "localhost",
            "TANDEM_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # The operations checklist, step 4:
            "TANDEM_BEHIND_TLS_PROXY": "1",
            "TANDEM_SSL_REDIRECT": "1",
            "TANDEM_HSTS_SECONDS": "31536000",
            "TANDEM_TRUSTED_PROXY_HOPS": "1",
        }
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        nginx_config(tmp_path, http_port=http_port, https_port=https_port, app_port=app_port)
    )
    app_log = tmp_path / "app.log"
    with app_log.open("wb") as log:
        app = subprocess.Popen(
            [*SERVE, "--port", str(app_port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    nginx_log = tmp_path / "nginx-error.log"
    nginx_log.touch()
    proxy = None
    try:
        _wait_for_port(app_port, app, app_log)
        proxy = subprocess.Popen(
            [nginx, "-p", str(tmp_path), "-c", str(conf), "-e", str(nginx_log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(https_port, proxy, nginx_log)
        _wait_for_workers(app_log, 2)
        yield {
            "https": f"https://localhost:{https_port}",
            "http": f"http://localhost:{http_port}",
            "app": f"http://127.0.0.1:{app_port}",
            "ca": tmp_path / "cert.pem",
        }
    finally:
        for process in (proxy, app):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def live_db_url(transactional_db):
    """The test database, committed to, so that the server subprocess sees the test's rows."""
    return _database_url()


@pytest.fixture
def ada(settings, transactional_db):
    # The server runs with the production hasher; the tests' fast MD5 is not installed there.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(email="ada@example.org")
    user.password = make_password(GOOD)
    user.save()
    return user


def sign_in(client: requests.Session, base: str, password: str, **headers: str):
    page = client.get(f"{base}/accounts/login/", timeout=30)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "the login form has no CSRF token"
    return client.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": "ada@example.org",
            "password": password,
        },
        headers={"Referer": f"{base}/accounts/login/", **headers},
        allow_redirects=False,
        timeout=30,
    )


@pytest.mark.slow
def test_https_through_nginx_serves_pages_with_hsts_and_no_redirect_loop(behind_nginx):
    client = client_from("127.0.0.2", behind_nginx["ca"])
    page = client.get(f"{behind_nginx['https']}/accounts/login/", allow_redirects=False)
    assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    # The secure cookies set over HTTPS are marked Secure.
    assert "secure" in page.headers["Set-Cookie"].lower()

    # Plain HTTP to nginx: one redirect to HTTPS.
    plain = client.get(f"{behind_nginx['http']}/accounts/login/", allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://localhost")


@pytest.mark.slow
def test_the_app_port_honours_proxy_headers_from_the_proxy_address_only(behind_nginx):
    login = f"{behind_nginx['app']}/accounts/login/"
    headers = {"Host": "localhost", "X-Forwarded-Proto": "https"}
    # From 127.0.0.1 (TANDEM_TRUSTED_PROXY_ADDRESS): trusted, as the checklist's curl shows.
    trusted = client_from("127.0.0.1").get(login, headers=headers, allow_redirects=False)
    assert trusted.status_code == 200
    assert trusted.headers["Strict-Transport-Security"] == "max-age=31536000"
    # From any other peer, the claim of HTTPS is removed: redirected to HTTPS, no HSTS.
    other = client_from("127.0.0.4").get(login, headers=headers, allow_redirects=False)
    assert other.status_code == 301
    assert other.headers["Location"] == "https://localhost/accounts/login/"
    assert "Strict-Transport-Security" not in other.headers


@pytest.mark.slow
def test_lockouts_count_by_the_address_nginx_saw_and_ignore_forged_forwarded_for(behind_nginx, ada):
    base = behind_nginx["https"]
    mallory = client_from("127.0.0.2", behind_nginx["ca"])
    limit = 5  # TANDEM_LOGIN_FAILURE_LIMIT's default
    for attempt in range(1, limit + 1):
        # Each wrong password claims another address: nginx overwrites the header, and
        # the failures all count against 127.0.0.2, which the last one locks out.
        forged = {"X-Forwarded-For": f"198.51.100.{attempt}"}
        failed = sign_in(mallory, base, "wrong-guess", **forged)
        assert failed.status_code == (429 if attempt == limit else 200), attempt
    locked = sign_in(mallory, base, GOOD, **{"X-Forwarded-For": "127.0.0.3"})
    assert locked.status_code == 429

    # Ada, from her own address, is not locked out by someone else's failures.
    ada_client = client_from("127.0.0.3", behind_nginx["ca"])
    signed_in = sign_in(ada_client, base, GOOD)
    assert signed_in.status_code == 302, signed_in.status_code
    home = ada_client.get(f"{base}{signed_in.headers['Location']}", allow_redirects=False)
    assert home.status_code == 200
