"""Templates about placements and mentoring: the student's and the supervisor's
evaluations, the midpoint check, mentor and mentee check-ins."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop as N_

from .common import TRANSFERABLE_SKILLS, YES_NO, q

PLACEMENT_TEMPLATES: dict[str, dict[str, Any]] = {
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
}
