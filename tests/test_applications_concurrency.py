"""Seats under concurrency, and concurrent writers on any database.

These tests commit for real (``transaction=True``) and run services in threads, each with its
own database connection, closed when the thread ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tandem.applications.models import Application
from tandem.applications.services import application_move, application_submit
from tandem.core.errors import ConflictError
from tandem.opportunities.models import Opportunity
from tests.conftest import requires_postgres
from tests.factories import (
    ApplicationFactory,
    InstitutionFactory,
    PartnerFactory,
    member,
    pdf_upload,
    published_opportunity,
)

STATEMENT = "I have built two web apps and want to learn from your engineers."


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same instant; return each result or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = job()
        except BaseException as exc:  # reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_never_exceed_the_seats():
    """PostgreSQL: the opportunity row lock makes concurrent acceptances queue."""
    _race_for_two_seats()


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_never_exceed_the_seats_on_any_database():
    """The same race on whatever database the suite runs on (SQLite: IMMEDIATE writers)."""
    _race_for_two_seats()


def _race_for_two_seats() -> None:
    inst, host = InstitutionFactory(), PartnerFactory()
    opp = published_opportunity(host, [inst], seats=2)
    offers = [
        ApplicationFactory(
            opportunity=opp, student=member(inst, "student"), institution=inst, stage="offer"
        )
        for _ in range(6)
    ]

    def accept(app: Application) -> Callable[[], Any]:
        return lambda: application_move(actor=app.student, application=app, to_stage="accepted")

    results = _run_together([accept(app) for app in offers])

    accepted = [r for r in results if isinstance(r, Application)]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(accepted) == 2, results
    assert len(conflicts) == 4, results
    assert all(str(c) == "All seats are taken." for c in conflicts)
    assert Application.objects.filter(opportunity=opp, stage="accepted").count() == 2
    assert Opportunity.objects.get(pk=opp.pk).status == "filled"


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_all_succeed():
    inst, host = InstitutionFactory(), PartnerFactory()
    opp = published_opportunity(host, [inst], seats=3)
    students = [member(inst, "student") for _ in range(10)]

    def submit(student: Any) -> Callable[[], Any]:
        return lambda: application_submit(
            actor=student, opportunity=opp, statement=STATEMENT, cv=pdf_upload()
        )

    results = _run_together([submit(s) for s in students])

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert Application.objects.filter(opportunity=opp).count() == len(students)


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_submissions_make_one_application():
    inst, host = InstitutionFactory(), PartnerFactory()
    opp = published_opportunity(host, [inst])
    student = member(inst, "student")

    results = _run_together(
        [
            lambda: application_submit(
                actor=student, opportunity=opp, statement=STATEMENT, cv=pdf_upload()
            )
            for _ in range(4)
        ]
    )

    assert sum(isinstance(r, Application) for r in results) == 1
    assert sum(isinstance(r, ConflictError) for r in results) == 3, results
    assert Application.objects.filter(opportunity=opp).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_moves_make_one_move_and_conflicts():
    """Two clicks (or two staff) moving the same application at once: one move happens, the
    others are told the stage changed meanwhile (409), not that the move is illegal (400)."""
    inst, host = InstitutionFactory(), PartnerFactory()
    opp = published_opportunity(host, [inst])
    staff = member(host, "recruiter")
    app = ApplicationFactory(
        opportunity=opp, student=member(inst, "student"), institution=inst, stage="submitted"
    )

    def review() -> Callable[[], Any]:
        snapshot = Application.objects.get(pk=app.pk)  # each request reads it first
        return lambda: application_move(actor=staff, application=snapshot, to_stage="under_review")

    results = _run_together([review() for _ in range(4)])

    assert sum(isinstance(r, Application) for r in results) == 1, results
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(conflicts) == 3, results
    assert all(c.code == "stale_stage" and c.status == 409 for c in conflicts)
    assert app.stage_changes.count() == 1
