"""Institution dashboard speed: 10,000 students, 50,000 applications, 20,000 survey responses
(target: p95 ≤ 300 ms for the whole page, with a bounded number of queries).

Builds the data once in its own database (SQLite under ``TANDEM_DATA_DIR``, or PostgreSQL when
``TANDEM_DATABASE_URL`` points there — use a throw-away database: the bench flushes it), then
renders ``/analytics/institutions/<id>/`` through Django's test client as a signed-in
coordinator and reports the median, p95 and the number of queries per render.

    TANDEM_DATA_DIR=/tmp/tandem-bench .venv/bin/python bench/dashboard_bench.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

STUDENTS, APPLICATIONS, RESPONSES = 10_000, 50_000, 20_000
PROGRAMS = [
    "Computing",
    "Nursing",
    "Mechanical Engineering",
    "Business",
    "Design",
    "Biology",
    "Law",
    "Economics",
]
STAGES = (
    ["submitted"] * 10
    + ["under_review"] * 5
    + ["interview"] * 3
    + ["rejected"] * 12
    + ["withdrawn"] * 3
    + ["offer"] * 2
    + ["declined"] * 2
    + ["accepted"] * 3
    + ["placed"] * 5
    + ["completed"] * 8
)


def build(seed: int = 11):  # -> (coordinator, institution)
    from tandem.accounts.models import User
    from tandem.applications.models import Application
    from tandem.opportunities.models import Opportunity
    from tandem.organizations.models import Membership, Organization, Sector
    from tandem.surveys import services as survey_services
    from tandem.surveys.models import Answer, SurveyResponse

    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    inst = Organization.objects.create(
        name="Bench College", slug="bench-college", kind="institution", type="college",
        sector="education",
    )  # fmt: skip
    partners = [
        Organization.objects.create(
            name=f"Partner {i}", slug=f"partner-{i}", kind="partner", type="company",
            sector=Sector.values[i % len(Sector.values)],
        )
        for i in range(40)
    ]  # fmt: skip
    opps = Opportunity.objects.bulk_create(
        Opportunity(
            host=partners[i % 40], title=f"Opportunity {i}", type="internship",
            description="Bench", status="published", seats=200,
        )
        for i in range(400)
    )  # fmt: skip
    users = User.objects.bulk_create(
        (User(email=f"s{i}@bench.example", full_name=f"Student {i}", password="!")  # noqa: S106 - unusable
         for i in range(STUDENTS)),
        batch_size=2000,
    )  # fmt: skip
    Membership.objects.bulk_create(
        (Membership(user=u, organization=inst, role="student", program=rng.choice(PROGRAMS))
         for u in users),
        batch_size=2000,
    )  # fmt: skip
    coordinator = User.objects.create(email="c@bench.example", full_name="Coordinator")
    Membership.objects.create(user=coordinator, organization=inst, role="coordinator")
    start = date(2024, 1, 1)
    apps = []
    for i in range(APPLICATIONS):
        student, k = i % STUDENTS, i // STUDENTS  # distinct opportunities per student
        apps.append(
            Application(
                opportunity=opps[(student * 7 + k * 97) % 400], student=users[student],
                institution=inst, statement="Bench", stage=rng.choice(STAGES),
            )
        )  # fmt: skip
    Application.objects.bulk_create(apps, batch_size=5000)
    survey = survey_services.survey_create(
        actor=None, institution=inst, title="Placement feedback", audience="students"
    )
    questions = [
        survey_services.question_add(
            actor=None, survey=survey, key=f"q{k}", text=f"Statement {k}", type="likert"
        )
        for k in range(3)
    ]
    survey_services.survey_publish(actor=None, survey=survey)
    version = survey.versions.get()
    questions = list(version.questions.all())
    responses = SurveyResponse.objects.bulk_create(
        (SurveyResponse(survey=survey, version=version, respondent=users[i % STUDENTS],
                        submitted_on=start + timedelta(days=rng.randrange(900)))
         for i in range(RESPONSES)),
        batch_size=5000,
    )  # fmt: skip
    answers = []
    for r in responses:
        for q in questions:
            v = rng.randint(1, 5)
            answers.append(Answer(response=r, question=q, value=v, number=v))
    Answer.objects.bulk_create(answers, batch_size=10000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give
    return coordinator, inst


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    t0 = time.perf_counter()
    coordinator, inst = build()
    print(f"built data in {time.perf_counter() - t0:.1f} s ({connection.vendor})")
    client = Client()
    client.force_login(coordinator)
    url = reverse("analytics:institution", args=[inst.public_id])
    assert client.get(url).status_code == 200  # warm-up
    times = []
    queries = 0
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
        queries = max(queries, len(ctx.captured_queries))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(
        f"institution dashboard: {STUDENTS} students, {APPLICATIONS} applications, "
        f"{RESPONSES} responses; {args.runs} renders: median {statistics.median(times):.0f} ms, "
        f"p95 {p95:.0f} ms, max {times[-1]:.0f} ms, {queries} queries"
    )


if __name__ == "__main__":
    main()
