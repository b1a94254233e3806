"""How ``tandem serve`` runs the WSGI app: gunicorn, several worker processes.

One process with threads (waitress, until issue 12) held every request behind Python's GIL:
about 13 requests per second on two cores for the fastest page, and a few slow requests
stalled every page. Gunicorn's pre-fork master starts ``workers`` processes, each with
``threads`` threads (its ``gthread`` worker), restarts a worker that dies, and stops them
all in order on SIGTERM. Nothing here imports gunicorn at module level, so the settings
and the tests of these helpers import on any platform; on Windows, where gunicorn does not
run, ``tandem serve`` falls back to waitress (decision 0006).

Several processes share nothing in memory, so the settings keep every shared state outside
them: sessions and sign-in throttling in the database, the cache in Redis or in a database
table (``docs/operations.md``, "Several server processes").
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterable
from typing import Any

# The cache table when no Redis is configured (the settings' DatabaseCache); a migration of
# tandem.core creates it, so `tandem manage migrate` is all an installation needs.
DATABASE_CACHE_TABLE = "tandem_cache"

# Headers a reverse proxy sets to say what the visitor did; only the proxy may set them.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PROTOCOL",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


def cpu_count() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's cpuset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_workers(cores: int) -> int:
    """Worker processes when ``TANDEM_WORKERS`` and ``--workers`` are not given.

    ``2 × cores + 1``, gunicorn's own rule of thumb (while one process waits on the database
    another uses the core), capped at 8 so that a large machine shared with PostgreSQL does
    not start dozens of processes of ~140 MB each. On the 2-core benchmark machine that is 5
    (docs/benchmarks.md, "The server itself").
    """
    return max(1, min(2 * cores + 1, 8))


def _entries(trusted: str) -> list[str]:
    return [e.strip() for e in trusted.split(",") if e.strip()]


def trusted_networks(
    trusted: str,
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """``TANDEM_TRUSTED_PROXY_ADDRESS`` as networks; ``None`` means every peer ("*").

    Raises ``ValueError`` for an entry that is neither an address nor a network."""
    entries = _entries(trusted)
    if "*" in entries:
        return None
    return [ipaddress.ip_network(e, strict=False) for e in entries]


class ForwardedHeadersGuard:
    """WSGI middleware: remove the proxy headers from requests not sent by the proxy.

    Django trusts ``X-Forwarded-Proto`` (``TANDEM_BEHIND_TLS_PROXY``) and sign-in throttling
    trusts ``X-Forwarded-For`` (``TANDEM_TRUSTED_PROXY_HOPS``) as the request gives them.
    Gunicorn only decides its own ``wsgi.url_scheme`` by ``forwarded_allow_ips`` and passes
    the headers on from anyone, so a visitor who reached the app port directly could claim
    HTTPS or another address. Requests from ``trusted`` (comma-separated addresses or
    networks, ``*`` for every peer) keep them; a peer with no address (a Unix socket) is
    the proxy, as gunicorn treats it too.
    """

    def __init__(self, app: Callable[..., Any], trusted: str) -> None:
        self.app = app
        self.networks = trusted_networks(trusted)

    def is_trusted(self, remote_addr: str) -> bool:
        if self.networks is None or not remote_addr:
            return True
        try:
            address = ipaddress.ip_address(remote_addr)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not self.is_trusted(str(environ.get("REMOTE_ADDR") or "")):
            for name in FORWARDED_HEADERS:
                environ.pop(name, None)
        return self.app(environ, start_response)


def gunicorn_options(
    *,
    bind: Iterable[str],
    workers: int,
    threads: int,
    trusted_proxy_address: str,
    log_level: str,
    timeout: int = 60,
    keepalive: int = 2,
) -> dict[str, object]:
    """Gunicorn's settings for ``tandem serve``.

    ``forwarded_allow_ips`` is the proxy address, so gunicorn's own idea of the scheme
    follows the same rule as :class:`ForwardedHeadersGuard`. No access log (request lines
    carry query strings, which may hold personal data; the proxy keeps its own), no control
    socket (it would be one fixed path in the home folder shared by every ``tandem serve``).
    """
    return {
        "bind": list(bind),
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "forwarded_allow_ips": ",".join(_entries(trusted_proxy_address)),
        "proc_name": "tandem",
        "loglevel": log_level.lower(),
        "accesslog": None,
        "errorlog": "-",
        "timeout": timeout,
        "keepalive": keepalive,
        "graceful_timeout": 30,
        "control_socket_disable": True,
    }


def gunicorn_available() -> bool:
    """Gunicorn needs a Unix (fcntl, fork); Windows falls back to waitress."""
    try:
        import fcntl  # noqa: F401

        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def run_gunicorn(app: Callable[..., Any], options: dict[str, object]) -> None:
    """Run the gunicorn master in this process until it is stopped (SIGTERM, Ctrl+C).

    The app is already loaded (``tandem serve`` migrated the database first), so workers
    fork with it in memory; the caller must close its database connections before this.
    """
    from gunicorn.app.base import BaseApplication

    class _Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Callable[..., Any]:
            return app

    _Application().run()
