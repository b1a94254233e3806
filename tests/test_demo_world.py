"""The demo world is deterministic, realistic in size, and respects the domain's invariants."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count, F, Q

from tandem.applications.models import SEAT_HOLDING_STAGES, Application, Stage
from tandem.demo.world import build_demo_world
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Membership, Organization
from tandem.partnerships.models import Partnership, PartnershipType

# slow: each test builds the whole demo world.
pytestmark = pytest.mark.slow


def _fingerprint() -> list[tuple[str, str, str, str]]:
    return list(
        # Two hosts may post the same title: the host makes each row's key unique.
        Application.objects.order_by(
            "opportunity__title", "opportunity__host__slug", "student__email"
        ).values_list("opportunity__title", "opportunity__host__slug", "student__email", "stage")
    )


@pytest.mark.django_db
def test_demo_world_has_the_promised_size_and_shape():
    summary = build_demo_world(seed=7)
    assert summary.created
    assert summary.counts["institutions"] >= 3
    assert summary.counts["partners"] >= 8
    assert summary.counts["partnerships"] >= 15
    assert summary.counts["opportunities"] >= 60
    assert summary.counts["students"] >= 300
    assert summary.counts["applications"] >= 800
    types = {
        Organization.objects.get(slug=s).type
        for s in ("northgate-high", "riverside-cc", "eastmoor-university")
    }
    assert types == {"high_school", "college", "university"}
    sectors = set(Organization.objects.filter(kind="partner").values_list("sector", flat=True))
    assert {"technology", "health_care", "manufacturing"} <= sectors
    covered = {t for p in Partnership.objects.all() for t in p.types}
    assert covered == {t.value for t in PartnershipType}
    stages = set(Application.objects.values_list("stage", flat=True))
    assert stages == {s.value for s in Stage}


@pytest.mark.django_db
def test_demo_world_never_exceeds_seats():
    build_demo_world(seed=11)
    over = Opportunity.objects.annotate(
        held=Count("applications", filter=Q(applications__stage__in=SEAT_HOLDING_STAGES))
    ).filter(held__gt=F("seats"))
    assert not over.exists()


@pytest.mark.django_db
def test_demo_world_is_deterministic_and_idempotent():
    build_demo_world(seed=3)
    first = _fingerprint()
    again = build_demo_world(seed=3)
    assert not again.created  # already there: nothing rebuilt
    assert _fingerprint() == first
    build_demo_world(seed=3, reset=True)
    assert _fingerprint() == first
    build_demo_world(seed=4, reset=True)
    assert _fingerprint() != first


@pytest.mark.django_db
def test_demo_world_gives_students_completions_profiles_and_recommendations():
    import uuid

    from tandem.demo.profiles import DEMO_SKILLS
    from tandem.profiles.models import CourseCompletion, ProfileSkill
    from tandem.profiles.selectors import recommendations_for
    from tandem.skills.models import SkillConcept, SkillLabel
    from tandem.skills.services.extraction import reset_extractor

    for uri, label in DEMO_SKILLS.items():
        c = SkillConcept.objects.create(
            uri=uri, esco_id=uuid.UUID(uri.rsplit("/", 1)[1]), preferred_label=label
        )
        SkillLabel.objects.create(concept=c, label=label, search=label.lower(), is_preferred=True)
    reset_extractor()
    try:
        build_demo_world(seed=5)
        sam = Membership.objects.get(user__email="student@demo.tandem.test").user
        assert sorted(
            CourseCompletion.objects.filter(student=sam).values_list("course__code", flat=True)
        ) == ["CYB101", "CYB110", "CYB120"]
        sources = set(ProfileSkill.objects.filter(student=sam).values_list("source", flat=True))
        assert {"course", "cv", "declared"} <= sources
        # A share of the other students has completions too.
        assert CourseCompletion.objects.values("student").distinct().count() >= 50
        recs = recommendations_for(sam)
        assert recs and recs[0].matched and recs[0].score > 0
        taught = [m for r in recs for m in r.missing if m.courses]
        assert taught, "some missing skill is taught by a Riverside course"
    finally:
        reset_extractor()


@pytest.mark.django_db
def test_demo_world_records_hires_for_a_realistic_share_of_completed_placements():
    from tandem.applications.models import HireRecord
    from tandem.applications.services import completion_date

    build_demo_world(seed=9)
    completed = Application.objects.filter(stage=Stage.COMPLETED)
    hired = completed.filter(hire_outcome="hired")
    assert completed.count() >= 20
    assert 0.30 <= hired.count() / completed.count() <= 0.45
    assert completed.filter(hire_outcome="not_hired").exists()
    assert completed.filter(hire_outcome="").exists()  # some not recorded yet
    assert not Application.objects.exclude(stage=Stage.COMPLETED).exclude(hire_outcome="").exists()
    for record in HireRecord.objects.filter(outcome="hired").select_related("application"):
        assert record.start_date >= completion_date(record.application)
        assert record.job_title and record.actor is not None


@pytest.mark.django_db
def test_demo_world_shows_eastmoors_hires_on_its_institution_dashboard():
    """Eastmoor's past cohort gives its dashboard enough completed placements, with and
    without a recorded hire, for the funnel to show "completed" and "hired"."""
    from tandem.analytics import selectors
    from tandem.analytics.presentation import dashboard_tables

    build_demo_world(seed=2026)
    eastmoor = Organization.objects.get(slug="eastmoor-university")
    past = Application.objects.filter(institution=eastmoor, opportunity__status="filled").filter(
        opportunity__end_date__lt=date.today()
    )
    assert past.filter(stage=Stage.COMPLETED).count() >= 36
    board = selectors.dashboard(
        selectors.Scope(kind="institution", organization=eastmoor), selectors.Filters()
    )
    funnel = dashboard_tables(board)[0]
    counts = {str(label): count for label, count, _rate in funnel.rows}
    hired = Application.objects.filter(institution=eastmoor, hire_outcome="hired").count()
    completed = Application.objects.filter(institution=eastmoor, stage=Stage.COMPLETED).count()
    assert hired >= 10 and completed - hired >= 10
    assert list(counts.values())[-2:] == [completed, hired]


@pytest.mark.django_db
def test_tandem_demo_prints_steps_and_logins_and_every_role_has_work(capfd, caplog, client):
    """One `tandem demo` build, then: its output (steps and logins, no log lines), the
    numbers on the coordinator's funnel and survey results (above the small-group rule),
    match rounds in three states, the mentor's published mentees, and each demo login's
    home page with real work on it."""
    import logging
    import re

    from django.urls import reverse

    from tandem import cli
    from tandem.accounts.models import User
    from tandem.analytics import selectors as analytics
    from tandem.analytics.presentation import dashboard_tables
    from tandem.matching.models import MatchRound, MentorPair, MentorProgram
    from tandem.surveys.models import Survey
    from tandem.surveys.selectors import survey_results

    caplog.set_level(logging.DEBUG, logger="tandem.demo.none")  # capture without changing levels
    assert cli.main(["demo", "--seed", "2026"]) == 0
    out, err = capfd.readouterr()
    assert "Demo logins (password for all: tandem-demo-2026):" in out
    for role in (
        "admin",
        "student",
        "coordinator",
        "educator",
        "recruiter",
        "supervisor",
        "mentor",
        "funder",
    ):
        assert f"{role}@demo.tandem.test" in out, role
    assert "Match rounds…" in out and "Mentor programs…" in out  # progress, step by step
    assert "outcome recorded" not in out + err
    assert not re.search(r"\b(INFO|DEBUG)\b", out + err)
    assert not [r for r in caplog.records if r.levelno < logging.WARNING]

    riverside = Organization.objects.get(slug="riverside-cc")
    coordinator = User.objects.get(email="coordinator@demo.tandem.test")

    # The coordinator's funnel shows every step, hires included (no "*").
    board = analytics.dashboard(
        analytics.Scope(kind="institution", organization=riverside), analytics.Filters()
    )
    funnel = dashboard_tables(board)[0]
    assert all(count is not None for _label, count, _rate in funnel.rows), funnel.rows
    client.force_login(coordinator)
    page = client.get(reverse("analytics:institution", args=[riverside.public_id]))
    assert page.status_code == 200

    # Survey results with enough answers to show means.
    for template_key in ("placement_student_end", "placement_supervisor_evaluation"):
        survey = Survey.objects.get(institution=riverside, template_key=template_key)
        results = survey_results(coordinator, survey)
        assert survey.responses.count() >= 10, template_key
        assert any(q.mean is not None for q in results.questions), template_key

    # Match rounds collecting preferences, awaiting review, and published.
    statuses = set(
        MatchRound.objects.filter(institution=riverside).values_list("status", flat=True)
    )
    assert {"open", "matched", "published"} <= statuses

    # The mentor's published pairs, with reasons, on their program page and home.
    mentor = User.objects.get(email="mentor@demo.tandem.test")
    pairs = MentorPair.objects.filter(
        mentor__membership__user=mentor, program__status="published"
    ).select_related("mentee__student", "program")
    assert pairs.count() >= 2
    client.force_login(mentor)
    program_page = client.get(
        reverse("matching:program_detail", args=[pairs[0].program.public_id])
    ).content.decode()
    assert (
        pairs[0].mentee.student.full_name in program_page and "both speak English" in program_page
    )
    # After the pairing: the demo mentor's pairs have a session log, a goal with progress and
    # a next session; their last pair has gone quiet and its members were nudged.
    from tandem.mentoring.models import PairGoal, PairSession
    from tandem.mentoring.selectors import next_sessions_for, quiet_pairs_of_mentor
    from tandem.notifications.models import Notification

    assert PairSession.objects.filter(pair=pairs[0], status="held").count() >= 2
    assert PairGoal.objects.filter(pair=pairs[0], progress__gt=0).exists()
    assert next_sessions_for(mentor)
    quiet = quiet_pairs_of_mentor(mentor)
    assert [q.pair for q in quiet] == [list(pairs.order_by("pk"))[-1]]
    assert (
        Notification.objects.filter(
            kind="mentoring.pair_quiet",
            recipient__in=[mentor, quiet[0].pair.mentee.student],
        ).count()
        == 2
    )
    workspace = client.get(reverse("mentoring:pair", args=[pairs[0].public_id])).content.decode()
    assert (
        'data-testid="session-log"' in workspace and 'data-testid="upcoming-session"' in workspace
    )
    # Riverside's circle says why two mentees are unpaired.
    client.force_login(coordinator)
    circle = MentorProgram.objects.get(institution=riverside, status="matched")
    circle_page = client.get(
        reverse("matching:program_detail", args=[circle.public_id])
    ).content.decode()
    assert "2 mentees have no mentee profile yet" in circle_page
    # Riverside's open program: applications wait for the coordinator; the student may apply.
    open_program = MentorProgram.objects.get(institution=riverside, status="open")
    pending = open_program.applications.filter(status="pending")
    assert sorted(pending.values_list("kind", flat=True)) == [
        "mentee",
        "mentee",
        "mentee",
        "mentor",
    ]
    queue = client.get(reverse("matching:program_applications", args=[open_program.public_id]))
    assert queue.content.decode().count('data-testid="application-row"') == 4
    client.force_login(User.objects.get(email="student@demo.tandem.test"))
    open_page = client.get(reverse("matching:programs_open")).content.decode()
    assert reverse("matching:program_apply", args=[open_program.public_id]) in open_page

    # Every demo login lands on a home page with work in it.
    work = {
        "student": ["Opportunities open to you", "Your applications", "/applications/"],
        "coordinator": ["Postings waiting for your approval", "/opportunities/"],
        "educator": ['data-testid="educator-work"', "/curriculum/", "Skills employers ask for"],
        "recruiter": ["Your postings", "Recent applicants", "/applications/"],
        "supervisor": [
            'data-testid="my-interns"',
            "Answer the evaluation survey",
            "Placement ended: mark it completed",
            "Record the hire outcome",
        ],
        "mentor": [
            'data-testid="my-mentoring"',
            pairs[0].mentee.student.full_name,
            'data-testid="home-next-sessions"',
            'data-testid="home-quiet-pairs"',
        ],
        "funder": ["Your partnerships", "/partnerships/"],
        "admin": ['data-testid="install-health"', "Waiting in the queue", "Versions"],
    }
    for role, expected in work.items():
        client.force_login(User.objects.get(email=f"{role}@demo.tandem.test"))
        html = client.get("/").content.decode()
        main = html[html.find("<main") :]
        for text in expected:
            assert text in main, (role, text)
        assert "None yet." not in main and "No applicants yet." not in main, role
