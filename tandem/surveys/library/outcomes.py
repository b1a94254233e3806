"""Templates about outcomes: employers' satisfaction and graduates' first destination
(with the NACE outcome groups its report uses)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop as N_

from .common import TRANSFERABLE_SKILLS, YES_NO, q

OUTCOME_TEMPLATES: dict[str, dict[str, Any]] = {
    "employer_satisfaction": {
        "title": N_("Employer satisfaction"),
        "audience": "employers",
        "anonymous": False,
        "sections": [
            (
                N_("Working with us"),
                [
                    q(
                        "satisfied",
                        "likert",
                        N_("Overall, we are satisfied with working with the institution."),
                    ),
                    q(
                        "quality",
                        "likert",
                        N_("The students and graduates we host are well prepared."),
                    ),
                    q(
                        "process",
                        "likert",
                        N_("Posting opportunities and selecting students is straightforward."),
                    ),
                    q(
                        "recommend",
                        "nps",
                        N_("How likely are you to recommend the institution to another employer?"),
                    ),
                    q(
                        "skills_gap",
                        "skills",
                        N_("Rate how well prepared students are in each skill."),
                        required=False,
                        skills=TRANSFERABLE_SKILLS,
                    ),
                    q("suggestion", "text", N_("One thing we could do better"), required=False),
                ],
            ),
        ],
    },
    "graduate_first_destination": {
        # Outcome categories follow NACE's First-Destination Survey standards: knowledge rate
        # counts graduates whose status is known; the outcome rate counts the employed (full-
        # or part-time, incl. fellowships, military service, volunteering) and those in
        # continuing education, among those whose status is known, about six months out.
        "title": N_("Graduate first-destination survey"),
        "audience": "graduates",
        "anonymous": False,
        "sections": [
            (
                N_("What you are doing now"),
                [
                    q(
                        "status",
                        "single",
                        N_("Which best describes your main activity now?"),
                        options=[
                            (
                                "employed_full_time",
                                N_("Employed full time (30 hours or more a week)"),
                            ),
                            ("employed_part_time", N_("Employed part time")),
                            ("entrepreneur", N_("Running my own business")),
                            ("temporary_contract", N_("Temporary or contract work")),
                            ("freelance", N_("Freelance work")),
                            ("fellowship", N_("Fellowship or internship")),
                            ("service", N_("Military or national service")),
                            ("volunteering", N_("Volunteering or service programme")),
                            ("continuing_education", N_("Continuing education")),
                            ("seeking_employment", N_("Still looking for work")),
                            (
                                "seeking_education",
                                N_("Planning to continue education, not yet enrolled"),
                            ),
                            ("not_seeking", N_("Not seeking work or education")),
                        ],
                    ),
                    q(
                        "employer",
                        "text",
                        N_("Employer name"),
                        required=False,
                        condition={
                            "question": "status",
                            "op": "in",
                            "values": [
                                "employed_full_time",
                                "employed_part_time",
                                "temporary_contract",
                                "fellowship",
                            ],
                        },
                    ),
                    q(
                        "related",
                        "likert",
                        N_("My job is related to what I studied."),
                        required=False,
                        condition={
                            "question": "status",
                            "op": "in",
                            "values": [
                                "employed_full_time",
                                "employed_part_time",
                                "entrepreneur",
                                "temporary_contract",
                                "freelance",
                                "fellowship",
                            ],
                        },
                    ),
                    q(
                        "salary",
                        "number",
                        N_("Annual salary before tax (optional)"),
                        required=False,
                        min=0,
                        max=1000000,
                        condition={
                            "question": "status",
                            "op": "in",
                            "values": ["employed_full_time", "employed_part_time"],
                        },
                    ),
                    q(
                        "found_through_placement",
                        "single",
                        N_("Did a placement or partner help you find this?"),
                        required=False,
                        options=YES_NO,
                        condition={
                            "question": "status",
                            "op": "in",
                            "values": [
                                "employed_full_time",
                                "employed_part_time",
                                "temporary_contract",
                                "fellowship",
                            ],
                        },
                    ),
                    q(
                        "programme",
                        "text",
                        N_("Programme and institution"),
                        required=False,
                        condition={
                            "question": "status",
                            "op": "equals",
                            "values": ["continuing_education"],
                        },
                    ),
                ],
            ),
        ],
    },
}


# NACE outcome groups for reporting the first-destination survey.
FIRST_DESTINATION_GROUPS = {
    "employed": {
        "employed_full_time",
        "employed_part_time",
        "entrepreneur",
        "temporary_contract",
        "freelance",
        "fellowship",
        "service",
        "volunteering",
    },
    "continuing_education": {"continuing_education"},
    "seeking": {"seeking_employment", "seeking_education"},
    "other": {"not_seeking"},
}
