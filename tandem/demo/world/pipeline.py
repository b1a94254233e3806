"""The demo world's applications: 800 of them, over every stage, never more seat holders than
seats. Students apply and answer offers, the host's staff review, shortlist, interview, offer
and start placements, its supervisors mark them completed — each through
:mod:`tandem.applications.services`, as that person. Only the dates are demo-made: the
services stamp everything "now", and :func:`tandem.demo.history.demo_rewind_history` moves
each application's history back to the weeks it is laid out in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.accounts.models import User
from tandem.applications.models import SEAT_HOLDING_STAGES, Application, Stage
from tandem.applications.services import application_move, application_submit
from tandem.opportunities import services as opportunities
from tandem.opportunities.models import Opportunity, OpportunityApproval, OpportunityStatus
from tandem.organizations.models import Organization

from ..extras import minimal_pdf
from ..history import demo_rewind_deadlines, demo_rewind_history
from .specs import OPEN_STAGES, STAGE_PATH, STAGE_WEIGHTS, STATEMENTS

STUDENT_MOVES = frozenset({Stage.ACCEPTED, Stage.DECLINED, Stage.WITHDRAWN})


@dataclass(frozen=True)
class People:
    """Who acts in the demo world."""

    admin: User
    named: dict[str, tuple[User, Organization, str, str]]
    #: institution pk → the coordinator who approves its postings and vets its partners
    coordinators: dict[int, User]
    #: partner slug → [recruiter, supervisor]
    partner_staff: dict[str, list[User]]
    students: list[tuple[User, Organization, str, int]]


@dataclass
class _Planned:
    application: Application
    opportunity: Opportunity
    stage: str
    submitted: datetime


def build_applications(
    rng: random.Random,
    people: People,
    made: Sequence[tuple[Opportunity, str, datetime]],
) -> None:
    """Apply, then move every application along its path; close and fill the postings meant
    to end closed or filled; then lay the history out in the past."""
    designated = {opp.pk: status for opp, status, _deadline in made}
    open_opps = [
        opp
        for opp, status, _deadline in made
        if status
        in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED, OpportunityStatus.FILLED)
    ]
    approved_by: dict[int, set[int]] = {}
    for opportunity_id, institution_id in OpportunityApproval.objects.filter(
        status="approved"
    ).values_list("opportunity_id", "institution_id"):
        approved_by.setdefault(opportunity_id, set()).add(institution_id)
    # A posting meant to end closed keeps a seat free: a real posting whose last seat is
    # taken is filled, not closed.
    seats_left = {o.pk: o.seats - (designated[o.pk] == OpportunityStatus.CLOSED) for o in open_opps}
    stages = [s for s, _ in STAGE_WEIGHTS]
    weights = [w for _, w in STAGE_WEIGHTS]
    taken: set[tuple[int, int]] = set()
    planned: list[_Planned] = []
    attempts = 0
    now = timezone.now()
    deadlines = {opp.pk: deadline for opp, _status, deadline in made}
    students = people.students
    # Every application is made first, while all these postings are still open to students.
    while len(planned) < 800 and attempts < 20000:
        attempts += 1
        student, inst, _program, _year = students[rng.randrange(len(students))]
        opp = open_opps[rng.randrange(len(open_opps))]
        if inst.pk not in approved_by.get(opp.pk, set()) or (opp.pk, student.pk) in taken:
            continue
        stage = rng.choices(stages, weights)[0]
        if designated[opp.pk] != OpportunityStatus.PUBLISHED:
            # A closed or filled posting has finished selecting: nobody is still waiting.
            if stage in OPEN_STAGES or stage == Stage.ACCEPTED:
                stage = rng.choice([Stage.COMPLETED, Stage.COMPLETED, Stage.PLACED, Stage.REJECTED])
        elif stage in (Stage.PLACED, Stage.COMPLETED):
            stage = Stage.ACCEPTED  # a published posting's placements have not started yet
        if stage in SEAT_HOLDING_STAGES:
            if seats_left[opp.pk] <= 0:
                stage = Stage.REJECTED
            else:
                seats_left[opp.pk] -= 1
        taken.add((opp.pk, student.pk))
        # Applications arrive before the deadline and never in the future; the stage history
        # that follows stays in the past too.
        latest = min(deadlines[opp.pk], now - timedelta(days=20))
        submitted = latest - timedelta(days=rng.randint(3, 60))
        statement = rng.choice(STATEMENTS).format(sector=opp.host.get_sector_display().lower())
        application = application_submit(
            actor=student,
            opportunity=opp,
            institution=inst,
            statement=statement,
            cv=SimpleUploadedFile(
                "cv.pdf", minimal_pdf(f"CV: {student.full_name}"), "application/pdf"
            ),
            notify=False,
        )
        planned.append(_Planned(application, opp, stage, submitted))

    # Then each moves along its path, moved by the party the pipeline lets move it.
    history: list[tuple[Application, datetime, list[datetime]]] = []
    for plan in planned:
        recruiter, supervisor = people.partner_staff[plan.opportunity.host.slug]
        student = plan.application.student
        when = plan.submitted
        times: list[datetime] = []
        for step in STAGE_PATH[plan.stage]:
            when = min(when + timedelta(days=rng.randint(1, 4)), now)
            if step in STUDENT_MOVES:
                actor = student
            elif step == Stage.COMPLETED:
                actor = supervisor
            else:
                actor = recruiter
            application_move(actor=actor, application=plan.application, to_stage=step, notify=False)
            times.append(when)
        history.append((plan.application, plan.submitted, times))

    for opp, status, _deadline in made:
        opp.refresh_from_db(fields=["status"])
        recruiter = people.partner_staff[opp.host.slug][0]
        if status == OpportunityStatus.CLOSED and opp.status == OpportunityStatus.PUBLISHED:
            opportunities.opportunity_close(actor=recruiter, opportunity=opp)
        elif status == OpportunityStatus.FILLED and opp.status == OpportunityStatus.PUBLISHED:
            opportunities.opportunity_mark_filled(actor=recruiter, opportunity=opp)
    demo_rewind_history(history)
    demo_rewind_deadlines([(opp, deadline) for opp, _status, deadline in made])
