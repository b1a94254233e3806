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
        return normalize_email(credentials.get("username"))
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return normalize_email(data.get("username"))
