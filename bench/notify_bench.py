"""Notification fan-out: one event to 5,000 people, delivered in the background without
blocking other tasks.

    .venv/bin/python bench/notify_bench.py [--people 5000] [--slice 200] [--probes-every 0.5]

In a fresh SQLite database in a temporary folder (never your own data; ``--database-url``
for a PostgreSQL one you created for it), with the real database task queue and a real
``db_worker`` process, e-mails written by the file backend into the temporary folder:

1. ``people`` accounts (all with e-mail now, the default of the kind used);
2. **enqueue**: one ``notify()`` call for all of them, timed up to its commit (the in-app
   rows in bulk and the one e-mail task enqueued on commit). ``--source event`` (the
   default): an event with ``people`` registrations is cancelled by
   ``tandem.events.services.event_cancel``, which tells everyone through ``notify()``
   (kind ``events.cancelled``: the events' own e-mail, its context read per message);
   ``--source kpi``: a bare ``notify()`` of kind ``partnerships.kpi_due`` (the generic
   notification e-mail), as first measured;
3. **deliver**: the worker sends the e-mails in slices of ``--slice`` (each slice one task,
   which enqueues the next); timed from the commit to the last e-mail marked sent;
4. **a small task's latency during the fan-out**: every ``--probes-every`` seconds a small
   task (the daily digest with nothing waiting: one query) is enqueued; its latency is
   finished - enqueued, read from the queue table. With slices, a probe waits at most for
   the slice in progress, not for the whole fan-out.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--slice", type=int, default=200)
    parser.add_argument("--probes-every", type=float, default=0.5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--source", choices=("event", "kpi"), default="event")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="tandem-notify-bench-")
    env_updates = {
        "TANDEM_DATA_DIR": data_dir,
        "TANDEM_TASK_BACKEND": "database",
        "TANDEM_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TANDEM_NOTIFICATIONS_EMAIL_SLICE": str(args.slice),
        "TANDEM_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env_updates)
    if args.database_url:
        os.environ["TANDEM_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("TANDEM_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from tandem.accounts.models import User
    from tandem.notifications.models import Delivery, Notification
    from tandem.notifications.services import notify
    from tandem.notifications.tasks import send_daily_digests

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"machine: {machine()}")
    print(
        f"database: {connection.vendor}; people: {args.people}; slice: {args.slice}; "
        f"source: {args.source}"
    )

    password = make_password("bench-password-not-used")
    User.objects.bulk_create(
        [
            User(email=f"person{i}@bench.test", full_name=f"Person {i}", password=password)
            for i in range(args.people)
        ],
        batch_size=1000,
    )
    ids = list(User.objects.values_list("pk", flat=True))
    cancel = _event_world(ids) if args.source == "event" else None

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tandem.cli",
            "manage",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker process starts
        # A serving process has its URLconf loaded: load it before timing (the first
        # reverse() of a process imports every app's URLs and API, 5-8 s on a loaded machine).
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018
        started = time.perf_counter()
        if cancel is not None:
            cancel()
            written = Notification.objects.filter(kind="events.cancelled").count()
        else:
            with transaction.atomic():
                written = notify(
                    recipients=ids,
                    kind="partnerships.kpi_due",
                    title="KPI “Students placed” of the bench partnership is due on %(date)s",
                    params={"date": "2027-01-31"},
                    link="/notifications/",
                    dedupe_key="bench-fan-out",
                )
        enqueued = time.perf_counter() - started
        print(f"enqueue: {written} rows written and the e-mail task queued in {enqueued:.2f} s")

        probes = []
        next_probe = time.perf_counter()
        deadline = time.perf_counter() + 900
        while time.perf_counter() < deadline:
            if time.perf_counter() >= next_probe:
                probes.append(send_daily_digests.enqueue(None).id)
                next_probe += args.probes_every
            pending = Notification.objects.filter(delivery=Delivery.PENDING).count()
            if pending == 0:
                break
            time.sleep(0.05)
        # Claimed is not sent: wait for the last slice's task to finish.
        end = time.perf_counter() + 120
        deliveries = DBTaskResult.objects.filter(
            task_path="tandem.notifications.tasks.deliver_emails"
        )
        while time.perf_counter() < end and deliveries.exclude(status="SUCCESSFUL").exists():
            time.sleep(0.1)
        delivered = time.perf_counter() - started
        sent = Notification.objects.filter(delivery=Delivery.SENT).count()
        print(
            f"deliver: {sent} e-mails sent {delivered:.1f} s after the call "
            f"({sent / max(delivered, 1e-9):.0f}/s)"
        )
        last_slice = max(r.finished_at for r in deliveries)
        # Let the last probes finish.
        end = time.perf_counter() + 60
        while time.perf_counter() < end:
            if not DBTaskResult.objects.filter(id__in=probes).exclude(status="SUCCESSFUL").exists():
                break
            time.sleep(0.1)
        rows = list(DBTaskResult.objects.filter(id__in=probes, status="SUCCESSFUL"))
        latencies = sorted((r.finished_at - r.enqueued_at).total_seconds() for r in rows)
        during = sum(1 for r in rows if r.finished_at < last_slice)
        print(f"probes that ran while the fan-out was still being delivered: {during}")
        slices = deliveries.count()
        if latencies:
            p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
            print(
                f"small task during the fan-out: {len(latencies)} probes, latency median "
                f"{statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s"
            )
        print(f"e-mail tasks (slices): {slices}")
        # The file backend appends several messages to one file within a second.
        mails = sum(
            f.read_text(errors="replace").count("\nSubject: ")
            for f in (Path(data_dir) / "mail").glob("*")
        )
        print(f"messages in the mail files: {mails}; {machine()}")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _event_world(ids: list[int]):  # type: ignore[no-untyped-def]
    """An institution, its coordinator, and a published event of ``len(ids)`` places with
    everyone registered (rows written directly: the fan-out is what is measured). Returns
    the call that cancels it."""
    import datetime as dt

    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.events.models import Event, Registration
    from tandem.events.services import event_cancel
    from tandem.organizations.models import Membership, Organization

    inst = Organization.objects.create(
        name="Bench College",
        slug="bench-college",
        kind="institution",
        type="college",
        sector="technology",
    )
    coordinator = User.objects.create(email="coordinator@bench.test", full_name="Coordinator")
    Membership.objects.create(user=coordinator, organization=inst, role="coordinator")
    Membership.objects.bulk_create(
        [Membership(user_id=pk, organization=inst, role="student") for pk in ids], batch_size=1000
    )
    start = timezone.now() + dt.timedelta(days=3)
    event = Event.objects.create(
        institution=inst,
        kind="career_fair",
        mode="in_person",
        title="Bench career fair",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        time_zone="Europe/London",
        location="Main hall",
        capacity=len(ids),
        status="published",
        published_at=timezone.now(),
        created_by=coordinator,
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        [Registration(event=event, user_id=pk, status="confirmed", confirmed_at=now) for pk in ids],
        batch_size=1000,
    )
    return lambda: event_cancel(actor=coordinator, event=event, reason="Bench: the hall is closed")


if __name__ == "__main__":
    main()
