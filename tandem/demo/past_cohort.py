"""Demo world: last summer's cohort at the University of Eastmoor.

The rest of the demo world is one intake in progress, so each institution has only a handful
of completed placements — too few for the dashboards to show how many ended in a hire (the
small-group rule hides every count under 10). A year ago Eastmoor's placement office ran a
summer cohort with three partners it works with: 36 students completed a ten-week placement
and 9 were not selected. Their postings are closed, and every stage happened in the past
(the history is dated, as in :mod:`tandem.demo.world`). What became of the completed
placements is recorded afterwards by :func:`tandem.demo.hires.build_hires`, through
:func:`tandem.applications.services.application_record_hire`, like every other placement.

The draw uses its own ``random.Random``, so the rest of the world is the same with or
without this cohort.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from tandem.applications.models import Application, Stage, StageChange
from tandem.opportunities.models import Opportunity, OpportunityApproval, OpportunityStatus
from tandem.organizations.models import Membership, Organization, Role

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
NOT_SELECTED_PER_POSTING = 3
# The placements ran a year ago, for ten weeks.
START_DAYS_AGO = 400
WEEKS = 10
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
    """Create the past cohort's postings and applications; returns the completed placements."""
    rng = random.Random(f"past-cohort:{seed}")
    today = timezone.localdate()
    institution = Organization.objects.get(slug=INSTITUTION_SLUG)
    start = today - timedelta(days=START_DAYS_AGO)
    end = start + timedelta(weeks=WEEKS)
    deadline = start - timedelta(days=45)
    students_by_program: dict[str, list[int]] = {}
    for user_id, program in (
        Membership.objects.filter(organization=institution, role=Role.STUDENT, is_active=True)
        .order_by("pk")
        .values_list("user_id", "program")
    ):
        students_by_program.setdefault(program, []).append(user_id)
    chosen: set[int] = set()
    changes: list[tuple[StageChange, datetime]] = []
    completed = 0
    for host_slug, title, otype, programs, skills, description, seats in POSTINGS:
        host = Organization.objects.get(slug=host_slug)
        staff = (
            Membership.objects.filter(organization=host, role=Role.SUPERVISOR, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        staff_id = staff.user_id if staff else None
        opportunity = Opportunity.objects.create(
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
            application_deadline=_aware(deadline, 17),
            status=OpportunityStatus.FILLED,
            created_by=staff.user if staff else None,
        )
        Opportunity.objects.filter(pk=opportunity.pk).update(
            created_at=_aware(deadline - timedelta(days=40))
        )
        OpportunityApproval.objects.create(
            opportunity=opportunity,
            institution=institution,
            status="approved",
            decided_at=_aware(deadline - timedelta(days=35)),
        )
        pool = sorted(
            {u for p in programs for u in students_by_program.get(p, [])} - chosen,
        )
        applicants = rng.sample(pool, seats + NOT_SELECTED_PER_POSTING)
        chosen.update(applicants)
        for n, student_id in enumerate(applicants):
            placed = n < seats
            submitted = _aware(deadline - timedelta(days=rng.randint(1, 30)), rng.randint(8, 20))
            application = Application.objects.create(
                opportunity=opportunity,
                student_id=student_id,
                institution=institution,
                statement=STATEMENT,
                stage=Stage.COMPLETED if placed else Stage.REJECTED,
            )
            steps: list[tuple[Stage, datetime]] = []
            when = _aware(deadline, 10)
            for step in COMPLETED_PATH if placed else REJECTED_PATH:
                when += timedelta(days=rng.randint(1, 4))
                steps.append((step, when))
            if placed:
                steps += [(Stage.PLACED, _aware(start)), (Stage.COMPLETED, _aware(end, 16))]
            previous: str = Stage.SUBMITTED
            changes.append(
                (
                    StageChange(
                        application=application,
                        from_stage="",
                        to_stage=Stage.SUBMITTED,
                        actor_id=student_id,
                    ),
                    submitted,
                )
            )
            for step, at in steps:
                changes.append(
                    (
                        StageChange(
                            application=application,
                            from_stage=previous,
                            to_stage=step,
                            actor_id=student_id if step == Stage.ACCEPTED else staff_id,
                        ),
                        at,
                    )
                )
                previous = step
            Application.objects.filter(pk=application.pk).update(
                created_at=submitted, stage_changed_at=steps[-1][1]
            )
            completed += placed
    StageChange.objects.bulk_create([change for change, _when in changes])
    for change, when in changes:
        change.created_at = when
    StageChange.objects.bulk_update([c for c, _ in changes], ["created_at"], batch_size=500)
    return completed
