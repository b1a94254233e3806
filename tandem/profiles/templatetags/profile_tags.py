"""Display helpers for profiles."""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from tandem.core.fragments import cached_fragments

register = template.Library()


def _card_key(r: Any) -> str:
    """Everything a "For you" card shows, digested: the posting and its host (with their
    ``updated_at``), the fit, the skills matched and missing with their related skills and
    courses, and whether the student applied. Two students with the same skills share it."""
    o = r.opportunity
    shown = (
        o.pk,
        o.updated_at.timestamp(),
        o.host_id,
        o.host.updated_at.timestamp(),
        r.percent,
        r.applied,
        [(c.pk, c.preferred_label) for c in r.matched],
        [
            (
                m.concept.pk,
                m.concept.preferred_label,
                [(c.pk, c.preferred_label) for c in m.related],
                [(str(c.public_id), c.code, c.title) for c in m.courses],
            )
            for m in r.missing
        ],
    )
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


@register.simple_tag
def recommendation_cards(recommendations: Any) -> list[SafeString]:
    """The card of each recommendation, from the fragment cache (``core.fragments``), keyed
    by a digest of everything the card shows (so never stale, and shared by students whose
    fit to a posting is the same)."""
    return cached_fragments(
        "recommendation-card",
        list(recommendations),
        key=_card_key,
        render=lambda r: render_to_string("profiles/includes/recommendation_card.html", {"r": r}),
    )
