"""What a placement survey response is about, kept without the person (see
:class:`tandem.surveys.models.SurveyResponse`).

Placement surveys go out with a ``trigger_key`` naming the placement
(``placement-end:<application id>:…``, ``placement-mid:<application id>``, see
:mod:`tandem.surveys.triggers`). When the response is submitted, the key gives the
placement's partnership and host organization; only those two are stored on the response.
"""

from __future__ import annotations

import re
import uuid

from tandem.applications.models import Application

_PLACEMENT_KEY = re.compile(r"^placement-(?P<kind>end|mid):(?P<id>[0-9a-fA-F-]{36})(?::|$)")


def placement_end_key(application_id: object, *, supervisor_id: object = None) -> str:
    """The trigger key of an end-of-placement survey invitation: the student's, or (with
    ``supervisor_id``) one of the host's supervisors'."""
    if supervisor_id is None:
        return f"placement-end:{application_id}:student"
    return f"placement-end:{application_id}:supervisor:{supervisor_id}"


def placement_end_application(trigger_key: str) -> str | None:
    """The placement (application public id, as text) an end-of-placement key names, or
    None for any other key."""
    match = _PLACEMENT_KEY.match(trigger_key or "")
    return match["id"] if match is not None and match["kind"] == "end" else None


def placement_context(trigger_key: str) -> tuple[int | None, int | None]:
    """(partnership id, host organization id) of the placement a trigger key names; (None,
    None) when the key names no placement (or one that no longer exists)."""
    match = _PLACEMENT_KEY.match(trigger_key or "")
    if match is None:
        return None, None
    try:
        public_id = uuid.UUID(match["id"])
    except ValueError:
        return None, None
    row = (
        Application.objects.filter(public_id=public_id)
        .values_list("opportunity__partnership_id", "opportunity__host_id")
        .first()
    )
    return (row[0], row[1]) if row else (None, None)
