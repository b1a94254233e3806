"""Places under concurrency: 500 registrations at once for 50 places give exactly 50
confirmed places and a waiting list of 450 in a strict order, on both databases.

Runs services in threads, each with its own database connection (``transaction=True``: the
rows are committed for real). PostgreSQL queues writers on the event's row lock
(``SELECT … FOR UPDATE``); SQLite on its write lock, taken at BEGIN (IMMEDIATE transactions).
A pool of workers (below PostgreSQL's connection limit) carries the 500 registrations, all
released at the same instant.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from tandem.accounts.models import User
from tandem.core.errors import ConflictError
from tandem.events import selectors, services
from tandem.events.models import Registration
from tandem.notifications.models import Notification
from tandem.organizations.models import Membership
from tests.conftest import is_postgres, requires_postgres
from tests.factories import InstitutionFactory, member, published_event

REGISTRATIONS = 500
PLACES = 50


def _students(inst: Any, n: int) -> list[User]:
    users = User.objects.bulk_create(
        [User(email=f"crowd{i}@example.org", full_name=f"Crowd {i}") for i in range(n)]
    )
    users = list(User.objects.filter(email__startswith="crowd").order_by("pk"))
    Membership.objects.bulk_create(
        [Membership(user=u, organization=inst, role="student") for u in users]
    )
    return users


def _race(jobs: list[Any], workers: int) -> list[Any]:
    """Run ``jobs`` on ``workers`` threads released together; each result or exception."""
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(workers)
    chunks = [list(range(i, len(jobs), workers)) for i in range(workers)]

    def worker(indexes: list[int]) -> None:
        try:
            barrier.wait(timeout=60)
            for i in indexes:
                try:
                    results[i] = jobs[i]()
                except BaseException as exc:  # reported to the test
                    results[i] = exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(worker, chunks))
    return results


def _crowd_registers() -> None:
    inst = InstitutionFactory()
    event = published_event(inst, capacity=PLACES)
    students = _students(inst, REGISTRATIONS)
    # Half the crowd also clicks twice: the second click must be refused, never a second row.
    jobs = [(lambda s=s: services.registration_create(actor=s, event=event)) for s in students] + [
        (lambda s=s: services.registration_create(actor=s, event=event)) for s in students[:20]
    ]

    results = _race(jobs, workers=32 if is_postgres() else 16)

    made = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    others = [r for r in results if not isinstance(r, Registration | ConflictError)]
    assert others == []
    assert len(made) == REGISTRATIONS
    assert len(refused) == 20
    assert all(str(e) == "You are already registered for this event." for e in refused)
    rows = Registration.objects.filter(event=event)
    assert rows.count() == REGISTRATIONS
    assert rows.filter(status="confirmed").count() == PLACES
    waiting = list(rows.filter(status="waitlisted").order_by("waitlisted_at", "pk"))
    assert len(waiting) == REGISTRATIONS - PLACES
    assert [selectors.waitlist_position(r) for r in waiting[:3]] == [1, 2, 3]
    assert selectors.waitlist_position(waiting[-1]) == REGISTRATIONS - PLACES

    # Concurrent cancellations of confirmed places each promote exactly one person waiting.
    confirmed = list(rows.filter(status="confirmed").select_related("user")[:10])
    results = _race(
        [
            (lambda r=r: services.registration_cancel(actor=r.user, registration=r))
            for r in confirmed
        ],
        workers=10,
    )
    assert all(isinstance(r, Registration) for r in results), results
    assert rows.filter(status="confirmed").count() == PLACES
    assert rows.filter(status="waitlisted").count() == REGISTRATIONS - PLACES - 10
    promoted = set(rows.filter(status="confirmed").values_list("pk", flat=True))
    assert {r.pk for r in waiting[:10]} <= promoted
    # Each person was told once where they stand, and each promotion once (notify()).
    told = Notification.objects.filter(kind="events.registration")
    assert told.filter(data__message="registered").count() == PLACES
    assert told.filter(data__message="waitlisted").count() == REGISTRATIONS - PLACES
    assert told.filter(data__message="promoted").count() == 10
    assert set(told.filter(data__message="promoted").values_list("recipient_id", flat=True)) == {
        r.user_id for r in waiting[:10]
    }


@requires_postgres
@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_500_concurrent_registrations_for_50_places_postgres():
    """PostgreSQL: the event row lock queues the registrations."""
    assert is_postgres()
    _crowd_registers()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_500_concurrent_registrations_for_50_places_any_database():
    """The same crowd on whatever database the suite runs on (SQLite: IMMEDIATE writers)."""
    _crowd_registers()


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_small():
    """A quick race: 12 students, 3 places."""
    inst = InstitutionFactory()
    event = published_event(inst, capacity=3)
    students = [member(inst, "student") for _ in range(12)]
    results = _race(
        [(lambda s=s: services.registration_create(actor=s, event=event)) for s in students],
        workers=12,
    )
    assert all(isinstance(r, Registration) for r in results), results
    assert Registration.objects.filter(event=event, status="confirmed").count() == 3
    assert Registration.objects.filter(event=event, status="waitlisted").count() == 9


@pytest.mark.django_db(transaction=True)
def test_concurrent_reminder_runs_tell_each_person_once(mailoutbox):
    """Two (or eight) reminder runs at once: each registration is claimed by one of them,
    and the notification's dedupe key would refuse a second row anyway."""
    import datetime as dt

    inst = InstitutionFactory()
    event = published_event(inst, capacity=6)
    students = [member(inst, "student") for _ in range(6)]
    for student in students:
        services.registration_create(actor=student, event=event)
    mailoutbox.clear()
    soon = event.starts_at - dt.timedelta(hours=2)
    results = _race([lambda: services.reminders_send(now=soon) for _ in range(8)], workers=8)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 6
    reminders = Notification.objects.filter(kind="events.reminder")
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(
        s.pk for s in students
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.email for s in students)
