"""Display helpers for applications."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from tandem.core.fragments import cached_fragments

register = template.Library()

# Where the applicant's name goes in a cached row: the name is personal data and stays out of
# the shared cache (an erased student's name must not outlive the erasure there).
_APPLICANT = "\x00applicant\x00"


def _key(a: Any) -> str:
    parts = (a, a.opportunity, a.opportunity.host, a.institution)
    return ":".join(f"{p.pk}-{p.updated_at.timestamp()}" for p in parts)


@register.simple_tag
def application_rows(applications: Any) -> list[SafeString]:
    """The list's row of each application, from the fragment cache (``core.fragments``): a
    row shows the application, its posting, host and institution, the same for every viewer
    who may see it; keyed by each of those with its ``updated_at``. The applicant's name is
    put in on every request."""
    rows = list(applications)
    html = cached_fragments(
        "application-row",
        rows,
        key=_key,
        render=lambda a: render_to_string(
            "applications/includes/row.html", {"a": a, "applicant": _APPLICANT}
        ),
    )
    return [
        mark_safe(h.replace(_APPLICANT, str(conditional_escape(a.student.full_name))))  # noqa: S308
        for a, h in zip(rows, html, strict=True)
    ]
