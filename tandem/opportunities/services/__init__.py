"""Every write to opportunities: drafting, submission to institutions, their decisions, and
the lifecycle after publication.

Lifecycle (anything else raises ``DomainError`` with ``code="illegal_transition"``)::

    draft ──submit──▶ awaiting_approval ──first approval──▶ published ──close──▶ closed
      ▲                     │  every target rejected             │  ▲            │
      └─────────────────────┘                          mark_filled│  └──reopen────┘
                                                                  ▼  ▲
                                                                 filled ──reopen──▶ published

- Approving a posting from a partner whose vetting at that institution is still pending
  approves the partner too (audited as ``partner_vetting.decide``). A partner the institution
  has *rejected* cannot be approved: the coordinator must change the vetting first.
- ``actor=None`` stands for the system (the applications service filling the last seat, a
  scheduled task); it is accepted only by close, reopen and mark_filled.
"""

from .approval import opportunity_decide
from .drafting import opportunity_create, opportunity_submit, opportunity_update
from .fields import (
    BLANK_OK,
    EDITABLE_FIELDS,
    MAX_HOURS_PER_WEEK,
    MAX_SEATS,
    MAX_YEAR,
)
from .status import opportunity_close, opportunity_mark_filled, opportunity_reopen

__all__ = [
    "BLANK_OK",
    "EDITABLE_FIELDS",
    "MAX_HOURS_PER_WEEK",
    "MAX_SEATS",
    "MAX_YEAR",
    "opportunity_close",
    "opportunity_create",
    "opportunity_decide",
    "opportunity_mark_filled",
    "opportunity_reopen",
    "opportunity_submit",
    "opportunity_update",
]
