"""The partnership lifecycle: which status may follow which (pure data, no Django).

    proposed ──► negotiating ──► active ──► under_review ──► renewed ──► under_review …
        │              │                          │              │
        └──────────────┴──────────► concluded ◄───┴──────────────┘

``concluded`` is final. See docs/partnerships.md for the table.
"""

from __future__ import annotations

PROPOSED = "proposed"
NEGOTIATING = "negotiating"
ACTIVE = "active"
UNDER_REVIEW = "under_review"
RENEWED = "renewed"
CONCLUDED = "concluded"

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    # A proposal is taken up (negotiating) or declined/withdrawn (concluded).
    PROPOSED: frozenset({NEGOTIATING, CONCLUDED}),
    # Talks succeed (active) or are abandoned (concluded).
    NEGOTIATING: frozenset({ACTIVE, CONCLUDED}),
    # A running partnership is always reviewed before it ends or is renewed.
    ACTIVE: frozenset({UNDER_REVIEW}),
    UNDER_REVIEW: frozenset({RENEWED, CONCLUDED}),
    # A renewed partnership is reviewed again later, or wound down.
    RENEWED: frozenset({UNDER_REVIEW, CONCLUDED}),
    CONCLUDED: frozenset(),
}

# The one move an involved partner's recruiter may make on their own.
PARTNER_RECRUITER_TRANSITIONS: frozenset[tuple[str, str]] = frozenset({(PROPOSED, NEGOTIATING)})


def allowed_next(status: str) -> frozenset[str]:
    """Statuses reachable in one step from ``status`` (empty for unknown or final)."""
    return ALLOWED_TRANSITIONS.get(status, frozenset())


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in allowed_next(from_status)
