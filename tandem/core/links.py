"""Absolute links for messages read outside the site (e-mails)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (from :func:`django.urls.reverse`) under ``settings.SITE_URL``."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
