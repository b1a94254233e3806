"""Ready survey templates. An institution gets its own editable copy the first time it uses
one (copy-on-write); the library itself never changes through the user interface.

Each question: ``(key, type, text, required, extra)`` where ``extra`` may hold ``options``
(list of (value, label)), ``min``/``max``, ``skills`` and ``condition``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop as N_

AGREE = N_("How far do you agree: ")
Q = tuple[str, str, str, bool, dict[str, Any]]


def q(key: str, type: str, text: str, required: bool = True, **extra: Any) -> Q:
    return (key, type, text, required, extra)


TRANSFERABLE_SKILLS = [
    "communicate with others",
    "work in teams",
    "solve problems",
    "manage time",
    "show initiative",
    "adapt to change",
    "apply digital skills",
    "think critically",
]

YES_NO = [("yes", N_("Yes")), ("no", N_("No"))]

TEMPLATES: dict[str, dict[str, Any]] = {
    "placement_student_end": {
        "title": N_("End-of-placement evaluation (student)"),
        "audience": "students",
        "anonymous": True,
        "sections": [
            (
                N_("Your placement"),
                [
                    q("overall", "likert", N_("Overall, the placement was a good experience.")),
                    q(
                        "learned",
                        "likert",
                        N_("I learned skills I will use in my studies or work."),
                    ),
                    q("supported", "likert", N_("My supervisor gave me the support I needed.")),
                    q("tasks_meaningful", "likert", N_("My tasks were meaningful, not busywork.")),
                    q(
                        "prepared",
                        "likert",
                        N_("My institution prepared me well for the placement."),
                    ),
                    q(
                        "recommend",
                        "nps",
                        N_("How likely are you to recommend this host to another student?"),
                    ),
                ],
            ),
            (
                N_("Looking ahead"),
                [
                    q(
                        "offer",
                        "single",
                        N_("Did the host offer you a job or a further placement?"),
                        options=[
                            ("yes", N_("Yes")),
                            ("no", N_("No")),
                            ("discussing", N_("Still discussing")),
                        ],
                    ),
                    q(
                        "offer_accept",
                        "single",
                        N_("Will you accept it?"),
                        required=False,
                        options=[
                            ("yes", N_("Yes")),
                            ("no", N_("No")),
                            ("undecided", N_("Undecided")),
                        ],
                        condition={
                            "question": "offer",
                            "op": "in",
                            "values": ["yes", "discussing"],
                        },
                    ),
                    q(
                        "best",
                        "text",
                        N_("What was the best part of the placement?"),
                        required=False,
                    ),
                    q(
                        "improve",
                        "text",
                        N_("What should the host or the institution do differently?"),
                        required=False,
                    ),
                ],
            ),
        ],
    },
    "placement_supervisor_evaluation": {
        "title": N_("Supervisor's evaluation of the student"),
        "audience": "supervisors",
        "anonymous": False,
        "sections": [
            (
                N_("The student's work"),
                [
                    q(
                        "skills",
                        "skills",
                        N_("Rate the skills you observed (1 = not yet, 5 = excellent)."),
                        skills=TRANSFERABLE_SKILLS,
                    ),
                    q(
                        "quality",
                        "likert",
                        N_("The quality of the student's work met our expectations."),
                    ),
                    q("reliability", "likert", N_("The student was reliable and punctual.")),
                    q(
                        "professional",
                        "likert",
                        N_("The student behaved professionally with colleagues and clients."),
                    ),
                    q(
                        "hire",
                        "single",
                        N_("Would you hire this student if you had a suitable vacancy?"),
                        options=[("yes", N_("Yes")), ("maybe", N_("Maybe")), ("no", N_("No"))],
                    ),
                    q("strengths", "text", N_("The student's main strengths"), required=False),
                    q(
                        "develop",
                        "text",
                        N_("What the student should develop next"),
                        required=False,
                    ),
                ],
            ),
        ],
    },
    "placement_midpoint": {
        "title": N_("Mid-placement check-in"),
        "audience": "students",
        "anonymous": False,
        "sections": [
            (
                N_("Halfway there"),
                [
                    q("going", "likert", N_("The placement is going well so far.")),
                    q("clear_tasks", "likert", N_("I know what is expected of me.")),
                    q(
                        "hours",
                        "number",
                        N_("Hours worked in a typical week"),
                        required=False,
                        min=0,
                        max=80,
                    ),
                    q(
                        "concern",
                        "single",
                        N_("Is there anything you would like the career office to help with?"),
                        options=YES_NO,
                    ),
                    q(
                        "concern_detail",
                        "text",
                        N_("Tell us what we can help with."),
                        condition={"question": "concern", "op": "equals", "values": ["yes"]},
                    ),
                ],
            ),
        ],
    },
    "mentor_checkin": {
        "title": N_("Mentor check-in"),
        "audience": "mentors",
        "anonymous": False,
        "sections": [
            (
                N_("Your mentoring"),
                [
                    q(
                        "meetings",
                        "number",
                        N_("How many times did you meet your mentee this month?"),
                        min=0,
                        max=31,
                    ),
                    q(
                        "progress",
                        "likert",
                        N_("My mentee is making progress towards their goals."),
                    ),
                    q("engaged", "likert", N_("My mentee comes to meetings prepared.")),
                    q(
                        "support",
                        "single",
                        N_("Do you need support from the programme team?"),
                        options=YES_NO,
                    ),
                    q(
                        "support_detail",
                        "text",
                        N_("What support would help?"),
                        condition={"question": "support", "op": "equals", "values": ["yes"]},
                    ),
                ],
            ),
        ],
    },
    "mentee_checkin": {
        "title": N_("Mentee check-in"),
        "audience": "mentees",
        "anonymous": False,
        "sections": [
            (
                N_("Your mentoring"),
                [
                    q("useful", "likert", N_("My meetings with my mentor are useful.")),
                    q("goals", "likert", N_("I am making progress towards the goals I set.")),
                    q(
                        "frequency",
                        "single",
                        N_("We meet…"),
                        options=[
                            ("too_little", N_("Too rarely")),
                            ("right", N_("About right")),
                            ("too_much", N_("Too often")),
                        ],
                    ),
                    q(
                        "comment",
                        "text",
                        N_("Anything else you would like us to know?"),
                        required=False,
                    ),
                ],
            ),
        ],
    },
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
