"""Plain-text e-mails: every message Tandem sends is rendered and sent here.

A text e-mail is not HTML, so its templates are rendered with autoescaping **off**: a name such
as ``O'Brien & <i>Sons</i>`` must arrive exactly as written, not as ``O&#x27;Brien &amp; …``.
Templates therefore need no ``{% autoescape off %}`` of their own, and must never be rendered
with :func:`django.template.loader.render_to_string` (which escapes). HTML pages are untouched:
only the templates passed to this module lose escaping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMessage
from django.template import Context
from django.template.loader import get_template
from django.utils import translation


def render_text(template_name: str, context: Mapping[str, Any]) -> str:
    """Render a plain-text template without HTML escaping."""
    template = get_template(template_name)
    # The backend wrapper always escapes; its Django template takes a Context we control.
    return str(template.template.render(Context(dict(context), autoescape=False)))  # type: ignore[attr-defined]


def render_text_email(
    subject_template: str, body_template: str, context: Mapping[str, Any]
) -> tuple[str, str]:
    """The subject (on one line, whitespace collapsed) and body of a text e-mail."""
    subject = " ".join(render_text(subject_template, context).split())
    body = render_text(body_template, context)
    return subject, body


def recipient_language(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """The language to write to ``user`` in: their preference as one of ``LANGUAGES`` (a
    stored "en" is the site's English, en-gb), else the site default."""
    preferred = str(getattr(user, "preferred_language", "") or "")
    try:
        return translation.get_supported_language_variant(preferred or settings.LANGUAGE_CODE)
    except LookupError:
        return str(settings.LANGUAGE_CODE)


def chosen_language(user: object) -> str | None:
    """``user``'s saved language as one of ``LANGUAGES``, or None when they chose none (then a
    mail sent during a request goes in the reader's current language)."""
    preferred = str(getattr(user, "preferred_language", "") or "")
    if not preferred:
        return None
    try:
        return translation.get_supported_language_variant(preferred)
    except LookupError:
        return None


def send_text_email(
    *,
    to: str,
    subject_template: str,
    body_template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    from_email: str | None = None,
) -> None:
    """Render and send one plain-text e-mail to ``to`` in ``language`` (default: the active
    language). Sending errors propagate, so a background task retries or records them."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject, body = render_text_email(subject_template, body_template, context)
    EmailMessage(subject=subject, body=body, from_email=from_email, to=[to]).send(
        fail_silently=False
    )
