"""Ready survey templates. An institution gets its own editable copy the first time it uses
one (copy-on-write); the library itself never changes through the user interface.

Each question: ``(key, type, text, required, extra)`` where ``extra`` may hold ``options``
(list of (value, label)), ``min``/``max``, ``skills`` and ``condition``.
"""

from __future__ import annotations

from typing import Any

from .common import AGREE, TRANSFERABLE_SKILLS, YES_NO, Q, q
from .events import EVENT_TEMPLATES
from .outcomes import FIRST_DESTINATION_GROUPS, OUTCOME_TEMPLATES
from .partnerships import PARTNERSHIP_TEMPLATES
from .placements import PLACEMENT_TEMPLATES

TEMPLATES: dict[str, dict[str, Any]] = {
    **PLACEMENT_TEMPLATES,
    **PARTNERSHIP_TEMPLATES,
    **OUTCOME_TEMPLATES,
    **EVENT_TEMPLATES,
}

__all__ = [
    "AGREE",
    "FIRST_DESTINATION_GROUPS",
    "TEMPLATES",
    "TRANSFERABLE_SKILLS",
    "YES_NO",
    "Q",
    "q",
]
