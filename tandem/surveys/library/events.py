"""The follow-up survey sent to attendees after an event (tandem.events)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop as N_

from .common import q

EVENT_TEMPLATES: dict[str, dict[str, Any]] = {
    "event_feedback": {
        "title": N_("Event feedback (attendee)"),
        "audience": "students",
        "anonymous": True,
        "sections": [
            (
                N_("The event"),
                [
                    q("overall", "likert", N_("Overall, the event was worth my time.")),
                    q("learned", "likert", N_("I learned something I will use in my studies.")),
                    q("speakers", "likert", N_("The speakers were clear and engaging.")),
                    q(
                        "careers",
                        "likert",
                        N_("I understand the careers in this field better than before."),
                    ),
                    q("recommend", "nps", N_("How likely are you to recommend this event?")),
                    q("comment", "text", N_("What could be better?"), required=False),
                ],
            )
        ],
    },
}
