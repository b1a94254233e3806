"""``{% question_field q values errors %}``: one question of the answer page."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.translation import gettext as _

from tandem.surveys.answers import skills_for

register = template.Library()


@register.inclusion_tag("surveys/question_field.html")
def question_field(
    q: Any,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    extra_skills: list[str] | None = None,
) -> dict[str, Any]:
    value = (values or {}).get(q.key)
    condition_text = ""
    if q.condition:
        condition_text = _("Answer only if your answer to “%(key)s” was %(values)s.") % {
            "key": q.condition.get("question"),
            "values": ", ".join(str(v) for v in q.condition.get("values", [])),
        }
    skill_values = value if isinstance(value, dict) else {}
    return {
        "q": q,
        "value": value if value is not None else ([] if q.type == "multiple" else ""),
        "error": " ".join((errors or {}).get(q.key, [])),
        "help": q.help_text,
        "condition_text": condition_text,
        "skill_rows": [(s, skill_values.get(s, "")) for s in skills_for(q, extra_skills or [])],
        "skill_scale": range(1, 6),
        "condition_values_json": json.dumps(
            [str(v) for v in (q.condition or {}).get("values", [])]
        ),
    }
