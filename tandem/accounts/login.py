"""Sign-in helpers shared by the login form and django-axes."""

from __future__ import annotations

from typing import Any


def normalize_email(value: Any) -> str:
    """E-mail addresses are stored lower-cased (``UserManager``); compare them the same way."""
    return str(value or "").strip().lower()


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str:
    """The name django-axes counts failures under: the e-mail, lower-cased and trimmed.

    Without this, ``Ada@Example.org`` and ``ada@example.org`` would be two separate
    counters and an attacker could multiply the failure limit by varying case.
    """
    if credentials:
        # allauth authenticates with ``email=``; axes and other callers say ``username=``.
        return normalize_email(
            credentials.get("email") or credentials.get("login") or credentials.get("username")
        )
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return normalize_email(data.get("username"))


def client_ip(request: Any) -> str | None:
    """The client address django-axes throttles by.

    ``REMOTE_ADDR`` unless ``TANDEM_TRUSTED_PROXY_HOPS`` says how many reverse proxies stand in
    front of Tandem; then the address those proxies saw, counted from the right of
    ``X-Forwarded-For`` (entries further left are supplied by the client and can be forged).
    """
    from django.conf import settings

    meta = getattr(request, "META", {})
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    if hops > 0:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    remote: str | None = meta.get("REMOTE_ADDR")
    return remote
