"""Demo curriculum, course completions and skill profiles, so that "Opportunities for you"
shows real recommendations: skills matched, skills missing, and the courses that teach them.

Skills are real ESCO concepts, named by URI; when the taxonomy is not loaded (some tests),
the courses and completions are still built, without skill links. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db.models import Q

from tandem.accounts.models import User
from tandem.curricula.models import (
    Course,
    LearningOutcome,
    MappingSource,
    MappingStatus,
    OutcomeSkill,
    Program,
)
from tandem.organizations.models import Membership, Organization, Role
from tandem.profiles.models import CourseCompletion, ProfileSkill, SkillSource
from tandem.profiles.services import (
    cv_excerpt,
    profile_rebuild_system,
    recommendations_refresh,
)
from tandem.skills.models import SkillConcept
from tandem.skills.services import extract_lexical, opportunity_skills_refresh

ESCO = "http://data.europa.eu/esco/skill/"
# The ESCO concepts the demo courses teach: URI → preferred label (ESCO v1.1.1).
DEMO_SKILLS: dict[str, str] = {
    ESCO + "ccd0a1d9-afda-43d9-b901-96344886e14d": "Python (computer programming)",
    ESCO + "598de5b0-5b58-4ea7-8058-a4bc4d18c742": "SQL",
    ESCO + "ab1e97ed-2319-4293-a8b7-072d2648822f": "database management systems",
    ESCO + "f9e788df-d68a-4f92-92c7-80e135fc35ff": "ICT networking hardware",
    ESCO + "8088750d-8388-4170-a76f-48354c469c44": "cyber security",
    ESCO + "6f8a40d6-f9ce-43ec-a72f-d4213a53f3ed": "Ansible",
    ESCO + "b3a75400-103f-42c7-b742-be11d161d05b": "manage production systems",
    ESCO + "7111b95d-0ce3-441a-9d92-4c75d05c4388": "project management",
    ESCO + "eab3bafa-eebb-47bf-85ce-e336c5019108": "team building",
    ESCO + "6d13053b-ee35-492c-8976-8178420df398": "infection control",
    ESCO + "15d76317-c71a-4fa2-aadc-2ecc34e627b7": "communication",
    ESCO + "59ea80e1-463a-4dba-82c6-d0b6d577d532": "technical drawings",
    ESCO + "198b614d-a9af-46f5-b3fd-2672b401dd8e": "health and safety in the workplace",
    ESCO + "54924a2c-daca-40d3-9716-4b38ceb04f38": "algorithms",
    ESCO + "7ee4c2ea-b349-4bd2-81a3-ec31475d4833": "statistics",
    ESCO + "51586df8-1c46-4b47-8583-773cb63bf00b": "R",
    ESCO + "ed3f3dba-3a35-4ed5-b113-67f4d10ef4c8": "scientific research methodology",
}
_BY_LABEL = {label: uri for uri, label in DEMO_SKILLS.items()}

# (institution slug, program) → [(code, title, outcome, skill labels)]
CURRICULUM: dict[tuple[str, str], list[tuple[str, str, str, tuple[str, ...]]]] = {
    ("riverside-cc", "Cybersecurity"): [
        (
            "CYB101",
            "Programming fundamentals",
            "Students write and test small programs in Python.",
            ("Python (computer programming)",),
        ),
        (
            "CYB110",
            "Networks and security",
            "Students configure a small network and explain common security threats.",
            ("ICT networking hardware", "cyber security"),
        ),
        (
            "CYB120",
            "Databases for security analysts",
            "Students query logs and records with SQL in a database management system.",
            ("SQL", "database management systems"),
        ),
        (
            "CYB210",
            "Infrastructure automation",
            "Students automate server configuration with Ansible and run production systems.",
            ("Ansible", "manage production systems"),
        ),
        (
            "CYB220",
            "Security operations project",
            "Students plan and run a team project from brief to review.",
            ("project management", "team building"),
        ),
    ],
    ("riverside-cc", "Associate degree in nursing"): [
        (
            "NUR101",
            "Infection prevention",
            "Students apply infection control on a simulated ward.",
            ("infection control",),
        ),
        (
            "NUR120",
            "Communication in care",
            "Students communicate clearly with patients and colleagues.",
            ("communication",),
        ),
    ],
    ("riverside-cc", "Mechatronics technology"): [
        (
            "MEC101",
            "Technical drawing",
            "Students read and produce technical drawings.",
            ("technical drawings",),
        ),
        (
            "MEC110",
            "Workshop safety",
            "Students follow health and safety rules in the workshop.",
            ("health and safety in the workplace",),
        ),
    ],
    ("eastmoor-university", "BSc Computer Science"): [
        (
            "CS101",
            "Programming in Python",
            "Students write well-tested Python programs.",
            ("Python (computer programming)",),
        ),
        (
            "CS102",
            "Algorithms",
            "Students choose and analyse algorithms for common problems.",
            ("algorithms",),
        ),
        (
            "CS201",
            "Databases",
            "Students design schemas and write SQL queries.",
            ("SQL", "database management systems"),
        ),
    ],
    ("eastmoor-university", "BSc Data Science"): [
        (
            "DS101",
            "Statistics",
            "Students apply statistics to real data.",
            ("statistics",),
        ),
        (
            "DS102",
            "Programming for data",
            "Students analyse data in Python and R.",
            ("Python (computer programming)", "R"),
        ),
        (
            "DS201",
            "Research methods",
            "Students plan and report a small research study.",
            ("scientific research methodology",),
        ),
    ],
}

# Share of a program's students with recorded completions.
SHARE = 0.6
DEMO_STUDENT_COURSES = ("CYB101", "CYB110", "CYB120")
DEMO_STUDENT_CV = (
    "Sam Rivera. Volunteer IT helper at the community centre: set up the network, "
    "wrote Python scripts to back up files, and gave talks on communication with users."
)


def build_demo_profiles(seed: int, reference_day: date) -> None:
    """Programs and courses with confirmed skills, completions for a share of the students
    of those programs (every course for the demo student but the ones that teach what the
    opportunities still ask), and their rebuilt profiles. The opportunities' skills are
    extracted first, as the worker does after their services commit."""
    opportunity_skills_refresh()
    rng = random.Random(seed * 7919 + 17)
    concepts = {
        c.uri: c for c in SkillConcept.objects.filter(uri__in=list(DEMO_SKILLS), is_current=True)
    }
    courses: dict[tuple[str, str], list[Course]] = {}
    for (slug, title), specs in CURRICULUM.items():
        institution = Organization.objects.get(slug=slug)
        program, _ = Program.objects.get_or_create(institution=institution, title=title)
        courses[(slug, title)] = []
        for position, (code, course_title, outcome_text, labels) in enumerate(specs):
            course, _ = Course.objects.get_or_create(
                program=program, title=course_title, defaults={"code": code}
            )
            outcome, _ = LearningOutcome.objects.get_or_create(
                course=course, text=outcome_text, defaults={"position": position}
            )
            for label in labels:
                concept = concepts.get(_BY_LABEL[label])
                if concept is not None:
                    OutcomeSkill.objects.get_or_create(
                        outcome=outcome,
                        concept=concept,
                        defaults={
                            "status": MappingStatus.CONFIRMED,
                            "source": MappingSource.EDUCATOR,
                        },
                    )
            courses[(slug, title)].append(course)

    demo_student = User.objects.get(email="student@demo.tandem.test")
    completions: list[CourseCompletion] = []
    students: set[int] = set()
    for (slug, title), program_courses in courses.items():
        members = Membership.objects.filter(
            organization__slug=slug, role=Role.STUDENT, program=title
        ).select_related("organization")
        for m in members.order_by("user__email"):
            if m.user_id == demo_student.pk:
                chosen = [c for c in program_courses if c.code in DEMO_STUDENT_COURSES]
            elif rng.random() < SHARE:
                n = min(len(program_courses), rng.randint(1, 1 + (m.year_of_study or 1)))
                chosen = program_courses[:n]
            else:
                continue
            for i, course in enumerate(chosen):
                completions.append(
                    CourseCompletion(
                        student_id=m.user_id,
                        course=course,
                        institution=m.organization,
                        completed_on=reference_day - timedelta(days=120 * (len(chosen) - i)),
                        grade=rng.choice(["A", "B", "B", "C", "Pass", ""]),
                    )
                )
            students.add(m.user_id)
    CourseCompletion.objects.bulk_create(completions, batch_size=1000)

    # Completed placements count too: anyone with one gets a profile.
    students |= set(
        User.objects.filter(
            Q(pk__in=students) | Q(applications__stage="completed"),
            email__endswith="@demo.tandem.test",
        ).values_list("pk", flat=True)
    )
    for student in User.objects.filter(pk__in=students).order_by("pk"):
        profile_rebuild_system(student=student)

    # The demo student pasted a CV once and added a skill of their own.
    communication = concepts.get(_BY_LABEL["communication"])
    if communication is not None:
        ProfileSkill.objects.get_or_create(
            student=demo_student, concept=communication, source=SkillSource.DECLARED
        )
    for match in extract_lexical(DEMO_STUDENT_CV, top_k=10):
        concept = concepts.get(match.uri)
        if concept is not None:
            ProfileSkill.objects.get_or_create(
                student=demo_student,
                concept=concept,
                source=SkillSource.CV,
                defaults={
                    "excerpt": cv_excerpt(DEMO_STUDENT_CV, match.spans),
                    "score": round(match.score, 4),
                },
            )


def build_rankings() -> int:
    """Every student's stored "For you" ranking (as the background task computes it)."""
    return recommendations_refresh()
