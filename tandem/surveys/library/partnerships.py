"""Templates of a partnership's review, one for each side."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop as N_

from .common import q

PARTNERSHIP_TEMPLATES: dict[str, dict[str, Any]] = {
    "partnership_review_institution": {
        "title": N_("Partnership review (institution side)"),
        "audience": "institution_contacts",
        "anonymous": False,
        "sections": [
            (
                N_("The partnership this period"),
                [
                    q("objectives", "likert", N_("The partnership is meeting its objectives.")),
                    q(
                        "communication",
                        "likert",
                        N_("Communication with the partner is timely and clear."),
                    ),
                    q("commitments", "likert", N_("The partner delivered what it committed to.")),
                    q(
                        "student_value",
                        "likert",
                        N_("Students gain real value from the partnership."),
                    ),
                    q(
                        "continue",
                        "single",
                        N_("Should the partnership continue?"),
                        options=[
                            ("expand", N_("Yes, and grow it")),
                            ("continue", N_("Yes, as it is")),
                            ("change", N_("Only with changes")),
                            ("end", N_("No")),
                        ],
                    ),
                    q(
                        "actions",
                        "text",
                        N_("Actions to agree at the review meeting"),
                        required=False,
                    ),
                ],
            ),
        ],
    },
    "partnership_review_partner": {
        "title": N_("Partnership review (partner side)"),
        "audience": "partner_contacts",
        "anonymous": False,
        "sections": [
            (
                N_("The partnership this period"),
                [
                    q(
                        "objectives",
                        "likert",
                        N_("The partnership is meeting our organization's objectives."),
                    ),
                    q(
                        "communication",
                        "likert",
                        N_("Communication with the institution is timely and clear."),
                    ),
                    q(
                        "student_readiness",
                        "likert",
                        N_("Students arrive prepared for the workplace."),
                    ),
                    q("admin_effort", "likert", N_("The administrative effort is reasonable.")),
                    q(
                        "recommend",
                        "nps",
                        N_("How likely are you to recommend partnering with this institution?"),
                    ),
                    q(
                        "continue",
                        "single",
                        N_("Should the partnership continue?"),
                        options=[
                            ("expand", N_("Yes, and grow it")),
                            ("continue", N_("Yes, as it is")),
                            ("change", N_("Only with changes")),
                            ("end", N_("No")),
                        ],
                    ),
                    q(
                        "actions",
                        "text",
                        N_("Actions to agree at the review meeting"),
                        required=False,
                    ),
                ],
            ),
        ],
    },
}
