"""Demo world: the work in progress that gives every role something to do.

- **Mentor programs.** Northgate High's health-sciences mentoring circle with St Aldric's and
  Meadowview has published pairs (the demo mentor, Amara Bello, mentors three students), and
  Riverside's community-nursing circle has computed pairs under review, two of its mentees
  still without a profile (so the program page says why they are unpaired).
- **Mentoring after the pairing.** Northgate's circle was published eight weeks ago: its pairs
  have logged sessions; the demo mentor's first pairs have a shared goal with progress and
  a next session scheduled, and their last pair has gone quiet (one session, five weeks ago),
  so its members have the "gone quiet" nudge.
- **Surveys.** The students of last summer's cohorts answered the end-of-placement survey and
  their workplace supervisors the evaluation of each student, enough answers for the results
  to show means; the survey triggers then invite this autumn's interns and their supervisor.
- **Match rounds.** Riverside has one round collecting preferences, one computed and
  awaiting review, and one published.

Everything is written through the apps' services, as a coordinator, student, supervisor or
recruiter would; the background steps (computing pairs or a round) are called directly, as
the task worker would. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.applications.models import Application, Stage
from tandem.matching import services as mentoring
from tandem.matching import services as rounds
from tandem.matching.models import (
    MatchRound,
    MentorPair,
    MentorProgram,
    ProgramStatus,
    RoundStatus,
    StudentRanking,
)
from tandem.matching.selectors import eligible_round_opportunities
from tandem.mentoring import services as pairs_after
from tandem.organizations.models import Membership, Organization, Role
from tandem.organizations.services import membership_add
from tandem.surveys import services as surveys
from tandem.surveys.models import QuestionType
from tandem.surveys.selectors import placement_end_key

# --- Mentor programs ---------------------------------------------------------------------
HEALTH_SKILLS = [
    "patient care",
    "infection control",
    "clinical observations",
    "communication",
    "medication safety",
    "care planning",
    "laboratory techniques",
]
HEALTH_INTERESTS = [
    "emergency care",
    "children's nursing",
    "mental health",
    "community care",
    "diagnostics",
    "public health",
]
HEALTH_GOALS = [
    "choose a nursing specialism",
    "apply to university",
    "find an apprenticeship",
    "build confidence with patients",
]
LANGUAGES = ["English", "Polish", "Urdu", "Spanish"]
EVENINGS = ["mon-evening", "tue-evening", "wed-evening", "thu-evening"]
# (email local part, name, partner slug, capacity)
EXTRA_MENTORS = [
    ("mentor.st-aldrics.1", "Daniel Achterberg", "st-aldrics", 3),
    ("mentor.st-aldrics.2", "Fatima Rahman", "st-aldrics", 3),
    ("mentor.st-aldrics.3", "Joseph Mensah", "st-aldrics", 2),
    ("mentor.meadowview.1", "Laura Kowalska", "meadowview", 3),
    ("mentor.meadowview.2", "Owen Price", "meadowview", 3),
    ("mentor.meadowview.3", "Sofia Martinez", "meadowview", 2),
]
NORTHGATE_MENTEES = 16
RIVERSIDE_MENTEES = 8
RIVERSIDE_MENTEES_WITHOUT_PROFILE = 2


def _coordinator(slug: str) -> User:
    membership = (
        Membership.objects.filter(organization__slug=slug, role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert membership is not None, f"{slug} has no coordinator"
    return membership.user


def _profile(rng: random.Random, *, mentor: bool) -> dict[str, list[str]]:
    skills = rng.sample(HEALTH_SKILLS, 4 if mentor else 3)
    return {
        "skills": skills,
        "interests": rng.sample(HEALTH_INTERESTS, 3 if mentor else 2),
        "goals": rng.sample(HEALTH_GOALS, 2),
        "languages": ["English"] + ([rng.choice(LANGUAGES[1:])] if rng.random() < 0.4 else []),
        "availability": rng.sample(EVENINGS, 3 if mentor else 2),
    }


def _mentor_memberships(password_hash: str, domain: str) -> list[Membership]:
    """The demo mentor and the other mentors, given their role by the platform admin. The
    logins are made with the shared demo password hash (demo only, as in
    :func:`tandem.demo.world.build._demo_user`: hashing it again for each is slow)."""
    demo_mentor = Membership.objects.get(user__email=f"mentor@{domain}", role=Role.MENTOR)
    admin = User.objects.get(email=f"admin@{domain}")
    memberships = [demo_mentor]
    for local, name, slug, _capacity in EXTRA_MENTORS:
        user = User.objects.create(
            email=f"{local}@{domain}", full_name=name, password=password_hash
        )
        memberships.append(
            membership_add(
                actor=admin,
                user=user,
                organization=Organization.objects.get(slug=slug),
                role=Role.MENTOR,
                title="Mentor",
            )
        )
    return memberships


def build_mentor_programs(seed: int, password_hash: str, domain: str) -> None:
    rng = random.Random(f"mentoring:{seed}")
    mentors = _mentor_memberships(password_hash, domain)
    capacities = [3] + [c for *_rest, c in EXTRA_MENTORS]

    # Northgate: published pairs, the demo mentor among the mentors.
    coordinator = _coordinator("northgate-high")
    northgate = Organization.objects.get(slug="northgate-high")
    program = mentoring.program_create(
        actor=coordinator,
        institution=northgate,
        title="Health sciences mentoring circle",
        description=(
            "Every P-TECH health sciences student in grades 11 and 12 meets a nurse or "
            "scientist from St Aldric's Hospital or Meadowview Community Clinic once a month."
        ),
    )
    for membership, capacity in zip(mentors, capacities, strict=True):
        mentoring.mentor_add(
            actor=coordinator,
            program=program,
            membership=membership,
            capacity=capacity,
            **_profile(rng, mentor=True),
        )
    students = list(
        Membership.objects.filter(
            organization=northgate,
            role=Role.STUDENT,
            program="P-TECH pathway: health sciences",
            is_active=True,
        )
        .select_related("user")
        .order_by("pk")[:NORTHGATE_MENTEES]
    )
    for membership in students:
        mentoring.mentee_add(
            actor=coordinator,
            program=program,
            student=membership.user,
            **_profile(rng, mentor=False),
        )
    mentoring.program_run(actor=coordinator, program=program)
    mentoring.program_compute(program_id=program.pk)
    program.refresh_from_db()
    mentoring.program_publish(actor=coordinator, program=program)
    _mentoring_activity(rng, program, mentors[0])

    # Riverside: pairs computed and under review; two mentees have not filled their profile.
    coordinator = _coordinator("riverside-cc")
    riverside = Organization.objects.get(slug="riverside-cc")
    program = mentoring.program_create(
        actor=coordinator,
        institution=riverside,
        title="Community nursing mentoring circle",
        description="First-year nursing students paired with Meadowview's community nurses.",
    )
    for membership in mentors:
        if membership.organization.slug == "meadowview":
            mentoring.mentor_add(
                actor=coordinator,
                program=program,
                membership=membership,
                capacity=2,
                **_profile(rng, mentor=True),
            )
    students = list(
        Membership.objects.filter(
            organization=riverside,
            role=Role.STUDENT,
            program="Associate degree in nursing",
            year_of_study=1,
            is_active=True,
        )
        .select_related("user")
        .order_by("pk")[:RIVERSIDE_MENTEES]
    )
    for n, membership in enumerate(students):
        profile = {} if n < RIVERSIDE_MENTEES_WITHOUT_PROFILE else _profile(rng, mentor=False)
        mentoring.mentee_add(actor=coordinator, program=program, student=membership.user, **profile)
    mentoring.program_run(actor=coordinator, program=program)
    mentoring.program_compute(program_id=program.pk)
    assert program.__class__.objects.get(pk=program.pk).status == ProgramStatus.MATCHED

    build_open_mentor_program(rng, domain, mentors)


TECH_SKILLS = ["network security", "Python", "incident response", "Linux", "cloud computing"]
TECH_INTERESTS = ["ethical hacking", "data privacy", "game development", "open source"]
TECH_GOALS = ["find an internship", "prepare for a certification", "choose a specialism"]
#: Riverside students who apply to the open program (the demo student is left to apply).
OPEN_PROGRAM_APPLICANTS = 3


def _tech_profile(rng: random.Random) -> dict[str, list[str]]:
    return {
        "skills": rng.sample(TECH_SKILLS, 2),
        "interests": rng.sample(TECH_INTERESTS, 2),
        "goals": rng.sample(TECH_GOALS, 1),
        "languages": ["English"] + ([rng.choice(LANGUAGES[1:])] if rng.random() < 0.4 else []),
        "availability": rng.sample(EVENINGS, 2),
    }


def build_open_mentor_program(rng: random.Random, domain: str, mentors: list[Membership]) -> None:
    """Riverside's program accepting applications: a few students and a mentor have applied
    and wait for the demo coordinator's decision; the demo student may apply."""
    from tandem.matching.permissions import mentor_membership_for

    coordinator = _coordinator("riverside-cc")
    riverside = Organization.objects.get(slug="riverside-cc")
    program = mentoring.program_create(
        actor=coordinator,
        institution=riverside,
        title="Tech careers mentoring",
        description=(
            "Students of every programme meet an IT or security professional twice a month."
        ),
        goals=(
            "Help students choose a specialism in IT, prepare for their first internship and "
            "build a professional network before they graduate."
        ),
        mentor_source="partners",
        closes_at=timezone.now() + timedelta(days=30),
        default_capacity=2,
    )
    applicants = (
        Membership.objects.filter(organization=riverside, role=Role.STUDENT, is_active=True)
        .exclude(user__email=f"student@{domain}")
        .select_related("user")
        .order_by("program", "pk")[:OPEN_PROGRAM_APPLICANTS]
    )
    for membership in applicants:
        mentoring.application_submit(
            actor=membership.user, program=program, data=_tech_profile(rng)
        )
    for membership in mentors:
        user = membership.user
        if user.email != f"mentor@{domain}" and mentor_membership_for(user, program):
            mentoring.application_submit(
                actor=user,
                program=program,
                kind="mentor",
                data={**_tech_profile(rng), "capacity": 2},
            )
            break


#: How long ago Northgate's circle was published (its pairs' sessions fall after that).
PUBLISHED_WEEKS_AGO = 8


def _mentoring_activity(rng: random.Random, program: Any, demo_mentor: Membership) -> None:
    """Sessions, goals and a next session for the published pairs; the demo mentor's last
    pair has gone quiet and is nudged (in-app only)."""
    now = timezone.now()
    MentorProgram.objects.filter(pk=program.pk).update(
        published_at=now - timedelta(weeks=PUBLISHED_WEEKS_AGO)
    )
    pairs = list(
        MentorPair.objects.filter(program=program)
        .select_related("program", "mentee__student", "mentor__membership__user")
        .order_by("pk")
    )
    mine = [p for p in pairs if p.mentor.membership_id == demo_mentor.pk]
    quiet = mine[-1] if len(mine) >= 2 else None
    day = now.replace(hour=16, minute=30, second=0, microsecond=0)
    for pair in pairs:
        mentor = pair.mentor.membership.user
        if pair == quiet:
            ago = [33]
        elif pair in mine:
            ago = [47, 26, 9]
        else:
            # The latest within the last fortnight or so: only the demo mentor's pair is quiet.
            ago = [*sorted(rng.sample(range(19, 50), rng.randint(0, 2)), reverse=True)]
            ago.append(rng.randint(3, 18))
        for n, days in enumerate(ago):
            pairs_after.session_log(
                actor=mentor,
                pair=pair,
                starts_at=day - timedelta(days=days),
                minutes=rng.choice([30, 45, 60]),
                topics=rng.choice(
                    ["Shadowing on the ward", "Personal statement", "Choosing a specialism"]
                ),
                notes="Good questions; follow up next time." if n == len(ago) - 1 else "",
                shared_with_coordinator=n == 0,
            )
    for pair in mine:
        if pair == quiet:
            continue
        pairs_after.goal_create(
            actor=pair.mentor.membership.user,
            pair=pair,
            title="Shadow a nurse for a full shift",
            target_date=(now + timedelta(weeks=6)).date(),
            progress=40,
        )
        pairs_after.session_schedule(
            actor=pair.mentor.membership.user,
            pair=pair,
            starts_at=day + timedelta(days=6),
            minutes=45,
            place="St Aldric's Hospital, education centre",
            deliver_email=False,
        )
    pairs_after.nudge_quiet_pairs(deliver_email=False)


# --- Surveys -----------------------------------------------------------------------------
def _answer(rng: random.Random, question: Any, skills: list[str]) -> Any:
    """A plausible answer, mostly positive, sometimes left blank when optional."""
    kind = question.type
    if not question.required and kind != QuestionType.SKILLS and rng.random() < 0.3:
        return None
    if kind == QuestionType.LIKERT:
        return rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 9, 6])[0]
    if kind == QuestionType.NPS:
        return rng.choices(range(11), [1, 1, 1, 1, 1, 2, 3, 5, 8, 8, 6])[0]
    if kind == QuestionType.SINGLE:
        values = question.option_values
        return values[0] if rng.random() < 0.6 else rng.choice(values)
    if kind == QuestionType.MULTIPLE:
        return [question.option_values[0]]
    if kind == QuestionType.NUMBER:
        low = int(question.min_value or 0)
        high = int(question.max_value or 40)
        return rng.randint(low, min(high, max(low, 40)))
    if kind == QuestionType.SKILLS:
        asked = list(question.skills) + [s for s in skills if s not in question.skills]
        return {s: rng.choices([2, 3, 4, 5], [1, 3, 5, 3])[0] for s in asked}
    if kind == QuestionType.TEXT:
        return rng.choice(
            [
                "Friendly team and real work from the first week.",
                "Clear goals and regular feedback.",
                "More time with the wider team would help.",
            ]
        )
    return None


def _respond(rng: random.Random, invitation: Any, actor: User) -> None:
    data = {}
    for question in surveys.version_questions(invitation.version):
        value = _answer(rng, question, list(invitation.skills or []))
        if value is not None:
            data[question.key] = value
    surveys.response_submit(actor=actor, invitation=invitation, data=data)


ANSWER_SHARE = 0.8  # of last year's students
SUPERVISOR_ANSWER_SHARE = 1.0  # supervisors answered every evaluation


def build_survey_responses(seed: int) -> None:
    """Last summer's cohorts answer; this autumn's interns and supervisors are invited."""
    rng = random.Random(f"surveys:{seed}")
    today = timezone.localdate()
    year_ago = today - timedelta(days=300)
    for slug in ("riverside-cc", "eastmoor-university"):
        institution = Organization.objects.get(slug=slug)
        coordinator = _coordinator(slug)
        student_survey = surveys.survey_from_template(
            actor=coordinator,
            institution=institution,
            template_key="placement_student_end",
            publish=True,
        )
        supervisor_survey = surveys.survey_from_template(
            actor=coordinator,
            institution=institution,
            template_key="placement_supervisor_evaluation",
            publish=True,
        )
        completed = list(
            Application.objects.filter(
                institution=institution,
                stage=Stage.COMPLETED,
                opportunity__end_date__lt=year_ago,
            )
            .select_related("student", "opportunity__host")
            .order_by("pk")
        )
        for app in completed:
            opp = app.opportunity
            invitation = surveys.invitation_create(
                actor=coordinator,
                survey=student_survey,
                user=app.student,
                trigger_key=placement_end_key(app.public_id),
                subject_label=f"{opp.title} — {opp.host.name}",
            )
            if rng.random() < ANSWER_SHARE:
                _respond(rng, invitation, app.student)
            supervisor = (
                Membership.objects.filter(
                    organization_id=opp.host_id, role=Role.SUPERVISOR, is_active=True
                )
                .select_related("user")
                .order_by("pk")
                .first()
            )
            if supervisor is None:
                continue
            invitation = surveys.invitation_create(
                actor=coordinator,
                survey=supervisor_survey,
                user=supervisor.user,
                trigger_key=placement_end_key(
                    app.public_id, supervisor_id=supervisor.user.public_id
                ),
                subject_label=f"{app.student.full_name} — {opp.title}",
                skills=surveys.placement_skills(opp.skills_wanted),
            )
            if rng.random() < SUPERVISOR_ANSWER_SHARE:
                _respond(rng, invitation, supervisor.user)
    # This autumn's placements: the product's own triggers invite the interns (mid-point
    # and end of placement) and their workplace supervisors.
    report = surveys.TriggerReport()
    surveys.placement_triggers(today, report)


# --- Match rounds ------------------------------------------------------------------------
def _round_students(institution: Organization, exclude: set[int], count: int) -> list[User]:
    users = list(
        User.objects.filter(
            memberships__organization=institution,
            memberships__role=Role.STUDENT,
            memberships__is_active=True,
            memberships__completed_on__isnull=True,
        )
        .exclude(pk__in=exclude)
        .exclude(email__startswith="student@")
        .order_by("pk")
        .distinct()[:count]
    )
    exclude.update(u.pk for u in users)
    return users


def _host_staff(opportunity: Any) -> User:
    membership = (
        Membership.objects.filter(
            organization_id=opportunity.host_id,
            role__in=[Role.RECRUITER, Role.SUPERVISOR],
            is_active=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert membership is not None
    return membership.user


def build_match_rounds(seed: int) -> None:
    """Riverside: one round open for ranking, one awaiting review, one published."""
    rng = random.Random(f"rounds:{seed}")
    riverside = Organization.objects.get(slug="riverside-cc")
    coordinator = _coordinator("riverside-cc")
    now = timezone.now()
    # Postings still taking applications, with seats left, each in one round only.
    candidates = [
        o
        for o in eligible_round_opportunities(riverside).filter(
            Q(application_deadline__isnull=True) | Q(application_deadline__gt=now)
        )
        if o.seats
        - o.applications.filter(stage__in=[Stage.OFFER, Stage.ACCEPTED, Stage.PLACED]).count()
        >= 2
    ]
    candidates.sort(key=lambda o: (o.host.slug != "brightwave", o.title, o.pk))
    used_students: set[int] = set()
    plans = [
        ("Spring placements round", RoundStatus.OPEN, 4, 14),
        ("Winter apprenticeships round", RoundStatus.MATCHED, 3, 10),
        ("Autumn taster placements round", RoundStatus.PUBLISHED, 3, 8),
    ]
    taken = 0
    for title, target, n_opps, n_students in plans:
        opportunities = candidates[taken : taken + n_opps]
        taken += n_opps
        if not opportunities:
            return
        match_round = rounds.round_create(
            actor=coordinator,
            institution=riverside,
            title=title,
            description=(
                "Students rank the placements they want; hosts rank their applicants; the "
                "match gives everyone the best place the rankings allow."
            ),
            opportunities=opportunities,
            student_deadline=now + timedelta(days=14),
            partner_deadline=now + timedelta(days=21),
            seed=rng.randint(1, 10_000),
        )
        rounds.round_open(actor=coordinator, match_round=match_round)
        for student in _round_students(riverside, used_students, n_students):
            choice = rng.sample(opportunities, min(len(opportunities), rng.randint(1, 3)))
            rounds.student_ranking_set(actor=student, match_round=match_round, opportunities=choice)
        if target == RoundStatus.OPEN:
            # Hosts rank later: their rankings are part of the work still to do.
            continue
        for opportunity in opportunities:
            applicants = [
                r.student
                for r in StudentRanking.objects.filter(round=match_round, opportunity=opportunity)
                .select_related("student")
                .order_by("student_id")
            ]
            rng.shuffle(applicants)
            rounds.partner_ranking_set(
                actor=_host_staff(opportunity),
                match_round=match_round,
                opportunity=opportunity,
                students=applicants,
            )
        rounds.round_close_ranking(actor=coordinator, match_round=match_round)
        rounds.round_run(actor=coordinator, match_round=match_round)
        rounds.round_compute(match_round_id=match_round.pk)
        match_round = MatchRound.objects.get(pk=match_round.pk)
        if target == RoundStatus.PUBLISHED:
            rounds.round_publish(actor=coordinator, match_round=match_round)


def delete_activity(institution_slugs: list[str]) -> None:
    """Remove the demo institutions' rounds, programs and surveys (before the postings and
    people they refer to are deleted)."""
    from tandem.matching.models import MentorProgram
    from tandem.surveys.models import Answer, Survey, SurveyInvitation, SurveyResponse

    MatchRound.objects.filter(institution__slug__in=institution_slugs).delete()
    MentorProgram.objects.filter(institution__slug__in=institution_slugs).delete()
    # Answers, responses and invitations protect the questions and versions they refer to.
    mine = Survey.objects.filter(institution__slug__in=institution_slugs)
    Answer.objects.filter(response__survey__in=mine).delete()
    SurveyResponse.objects.filter(survey__in=mine).delete()
    SurveyInvitation.objects.filter(survey__in=mine).delete()
    mine.delete()
