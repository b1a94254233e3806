"""Demo world: last summer's cohort at the University of Eastmoor.

The rest of the demo world is one intake in progress, so each institution has only a handful
of completed placements — too few for the dashboards to show how many ended in a hire (the
small-group rule hides every count under 10). A year ago Eastmoor's placement office ran a
summer cohort with three partners it works with: 36 students completed a ten-week placement
and 9 were not selected. Their postings are closed, and every stage happened in the past
(the history is dated, as in :mod:`tandem.demo.world`). What became of the completed
placements is recorded afterwards by :func:`tandem.demo.hires.build_hires`, through
:func:`tandem.applications.services.application_record_hire`, like every other placement.

Riverside Community College ran a similar summer cohort with three of its partners, so its
coordinator's funnel shows how many placements ended in a hire too. And Brightwave Software
has interns on placement right now: one group whose placement ends in ten days and one whose
placement ended last week and is still to be marked completed — the workplace supervisor's
"My interns" list.

Each cohort's draw uses its own ``random.Random``, so the rest of the world is the same with
or without these cohorts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.accounts.models import User
from tandem.applications.models import Application, Stage
from tandem.applications.services import application_move, application_submit
from tandem.opportunities import services as opportunities
from tandem.opportunities.models import OpportunityStatus
from tandem.organizations.models import Membership, Organization, Role

from .extras import minimal_pdf
from .history import demo_rewind_history, demo_rewind_posting

INSTITUTION_SLUG = "eastmoor-university"
# (host, title, type, programs, skills wanted, description, seats)
POSTINGS: list[tuple[str, str, str, list[str], str, str, int]] = [
    (
        "cloudharbor",
        "Summer data engineering internship",
        "internship",
        ["BSc Computer Science", "BSc Data Science"],
        "Python, SQL, data pipelines, cloud computing",
        "Ten weeks in the platform data team: build and test the pipelines behind the "
        "capacity dashboards of our data centres.",
        12,
    ),
    (
        "ironbridge",
        "Summer engineering placement",
        "internship",
        ["BEng Mechanical Engineering", "MSc Robotics"],
        "CAD, mechanical design, automation, quality control",
        "Ten weeks on the battery-module line: design fixtures, run trials with the "
        "automation engineers and write up the results.",
        12,
    ),
    (
        "st-aldrics",
        "Summer biomedical laboratory placement",
        "internship",
        ["BSc Biomedical Science"],
        "laboratory techniques, sample analysis, health and safety",
        "Ten weeks in the pathology laboratories, supervised by a biomedical scientist: "
        "sample preparation, quality control and the department's accreditation work.",
        12,
    ),
]
RIVERSIDE_POSTINGS: list[tuple[str, str, str, list[str], str, str, int]] = [
    (
        "brightwave",
        "Summer security operations placement",
        "internship",
        ["Cybersecurity"],
        "network, security, incident response, SQL",
        "Ten weeks with the security operations team: triage alerts, tune detection rules and "
        "document the incident playbooks.",
        10,
    ),
    (
        "meadowview",
        "Summer community nursing placement",
        "internship",
        ["Associate degree in nursing"],
        "infection control, communication, patient care",
        "Ten weeks with the community nursing team, supervised by a registered nurse: home "
        "visits, clinics and care records.",
        10,
    ),
    (
        "kestrel",
        "Summer machining placement",
        "internship",
        ["Mechatronics technology", "Welding technology"],
        "technical drawings, health and safety in the workplace, CNC machining",
        "Ten weeks on the machining floor: set up CNC machines, inspect parts against the "
        "drawings and learn the quality system.",
        10,
    ),
]
CURRENT_POSTINGS: list[tuple[str, str, str, list[str], str, str, int]] = [
    (
        "brightwave",
        "Autumn software engineering placement",
        "internship",
        ["Cybersecurity"],
        "Python, SQL, Git, unit testing, teamwork",
        "Ten weeks in a product squad: pair with senior developers, write tests and present "
        "your work at the sprint review.",
        4,
    ),
]
RECENTLY_ENDED_POSTINGS: list[tuple[str, str, str, list[str], str, str, int]] = [
    (
        "brightwave",
        "Autumn IT support placement",
        "internship",
        ["Cybersecurity"],
        "network, security, communication",
        "Ten weeks on the service desk: answer tickets, set up laptops and write the "
        "knowledge-base articles that answer the common questions.",
        3,
    ),
]
NOT_SELECTED_PER_POSTING = 3
# The placements ran a year ago, for ten weeks.
START_DAYS_AGO = 400
WEEKS = 10


@dataclass(frozen=True)
class Cohort:
    """A group of placements that all ran (or run) on the same dates."""

    key: str  # names the cohort's random draw
    institution_slug: str
    postings: list[tuple[str, str, str, list[str], str, str, int]]
    start_days_ago: int
    finished: bool  # True: completed; False: still "placed" (on placement or to mark done)
    not_selected: int = NOT_SELECTED_PER_POSTING


COHORTS = [
    Cohort("past-cohort", INSTITUTION_SLUG, POSTINGS, START_DAYS_AGO, finished=True),
    Cohort("past-cohort:riverside", "riverside-cc", RIVERSIDE_POSTINGS, 380, finished=True),
    # On placement now: ten weeks that end in ten days.
    Cohort("current-cohort", "riverside-cc", CURRENT_POSTINGS, 60, finished=False, not_selected=2),
    # Ended six days ago, not yet marked completed by the host.
    Cohort("ended-cohort", "riverside-cc", RECENTLY_ENDED_POSTINGS, 76, finished=False),
]
COMPLETED_PATH = [
    Stage.UNDER_REVIEW,
    Stage.SHORTLISTED,
    Stage.INTERVIEW,
    Stage.OFFER,
    Stage.ACCEPTED,
]
REJECTED_PATH = [Stage.UNDER_REVIEW, Stage.REJECTED]
STATEMENT = (
    "I would like to spend the summer applying what I have learned on my course in a real "
    "team, and your placement matches the modules I enjoyed most."
)


def _aware(d: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour, 0))


def build_past_cohort(seed: int) -> int:
    """Create every cohort's postings and applications; returns the completed placements."""
    # A student is in at most one past and one current cohort.
    chosen: dict[tuple[str, bool], set[int]] = {}
    completed = 0
    for cohort in COHORTS:
        key = (cohort.institution_slug, cohort.finished)
        completed += _build_cohort(seed, cohort, chosen.setdefault(key, set()))
    return completed


def _build_cohort(seed: int, cohort: Cohort, chosen: set[int]) -> int:
    """One cohort's postings and applications; returns its completed placements.

    Each host's recruiter posts and sends the posting to the institution, whose coordinator
    approves it; the chosen students apply; the host's supervisor takes them through the
    pipeline (the students accept their offers), and the last accepted offer fills the
    posting. All through the services, now; then the dates are moved back to the summer the
    cohort ran (:mod:`tandem.demo.history`)."""
    rng = random.Random(f"{cohort.key}:{seed}")
    today = timezone.localdate()
    institution = Organization.objects.get(slug=cohort.institution_slug)
    coordinator = _member(institution, Role.COORDINATOR)
    start = today - timedelta(days=cohort.start_days_ago)
    end = start + timedelta(weeks=WEEKS)
    deadline = start - timedelta(days=45)
    students_by_program: dict[str, list[int]] = {}
    for user_id, program in (
        Membership.objects.filter(organization=institution, role=Role.STUDENT, is_active=True)
        .order_by("pk")
        .values_list("user_id", "program")
    ):
        students_by_program.setdefault(program, []).append(user_id)
    # The demo student keeps their own applications.
    chosen.update(
        Membership.objects.filter(user__email__startswith="student@").values_list(
            "user_id", flat=True
        )
    )
    history: list[tuple[Application, datetime, list[datetime]]] = []
    completed = 0
    for host_slug, title, otype, programs, skills, description, seats in cohort.postings:
        host = Organization.objects.get(slug=host_slug)
        recruiter, supervisor = _member(host, Role.RECRUITER), _member(host, Role.SUPERVISOR)
        opportunity = opportunities.opportunity_create(
            actor=recruiter,
            host=host,
            partnership=host.partner_partnerships.filter(institutions=institution)
            .order_by("pk")
            .first(),
            site=host.sites.first(),
            title=f"{title} ({start:%B %Y})",
            type=otype,
            description=description,
            skills_wanted=skills,
            location=host.city,
            work_mode="on_site",
            start_date=start,
            end_date=end,
            hours_per_week=Decimal("37.5"),
            pay_amount=Decimal(1800),
            pay_currency="GBP",
            pay_period="month",
            seats=seats,
            eligible_programs=programs,
        )
        opportunities.opportunity_submit(
            actor=recruiter, opportunity=opportunity, institutions=[institution]
        )
        opportunities.opportunity_decide(
            actor=coordinator, opportunity=opportunity, institution=institution, approve=True
        )
        pool = sorted(
            {u for p in programs for u in students_by_program.get(p, [])} - chosen,
        )
        applicants = rng.sample(pool, min(len(pool), seats + cohort.not_selected))
        chosen.update(applicants)
        students = User.objects.in_bulk(applicants)
        # Everyone applies while the posting is open; then the selection runs.
        made: list[tuple[Application, datetime, list[tuple[Stage, datetime]]]] = []
        for n, student_id in enumerate(applicants):
            placed = n < seats
            student = students[student_id]
            submitted = _aware(deadline - timedelta(days=rng.randint(1, 30)), rng.randint(8, 20))
            steps: list[tuple[Stage, datetime]] = []
            when = _aware(deadline, 10)
            for step in COMPLETED_PATH if placed else REJECTED_PATH:
                when += timedelta(days=rng.randint(1, 4))
                steps.append((step, when))
            if placed:
                steps.append((Stage.PLACED, _aware(start)))
                if cohort.finished:
                    steps.append((Stage.COMPLETED, _aware(end, 16)))
            application = application_submit(
                actor=student,
                opportunity=opportunity,
                institution=institution,
                statement=STATEMENT,
                cv=SimpleUploadedFile(
                    "cv.pdf", minimal_pdf(f"CV: {student.full_name}"), "application/pdf"
                ),
                notify=False,
            )
            made.append((application, submitted, steps))
            completed += placed and cohort.finished
        for application, submitted, steps in made:
            for step, _at in steps:
                application_move(
                    actor=application.student if step == Stage.ACCEPTED else supervisor,
                    application=application,
                    to_stage=step,
                    notify=False,
                )
            history.append((application, submitted, [at for _step, at in steps]))
        opportunity.refresh_from_db(fields=["status"])
        if opportunity.status == OpportunityStatus.PUBLISHED:  # fewer applicants than seats
            opportunities.opportunity_mark_filled(actor=recruiter, opportunity=opportunity)
        demo_rewind_posting(
            opportunity,
            created_at=_aware(deadline - timedelta(days=40)),
            decided_at=_aware(deadline - timedelta(days=35)),
            application_deadline=_aware(deadline, 17),
        )
    demo_rewind_history(history)
    return completed


def _member(organization: Organization, role: str) -> User:
    """The organization's first active member with ``role``."""
    membership = (
        Membership.objects.filter(organization=organization, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert membership is not None, (organization.slug, role)
    return membership.user
