"""``tandem worker`` (also started by ``tandem serve`` and ``tandem demo --serve``), and how
``tandem serve`` stops it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tandem.cli import worker_command
from tests.conftest import free_port


def test_the_database_worker_never_reloads_on_code_changes():
    # With DEBUG on (the demo), django-tasks' db_worker reloads when a source file changes,
    # which killed a running extraction job and left it "running" with no worker.
    assert worker_command("database") == [
        "db_worker",
        "--queue-name",
        "default,extraction",
        "--interval",
        "1",
        "--no-reload",
    ]
    # RQ takes from its queues in order: e-mail (default) before extraction slices.
    job_class = ["--job-class", "django_tasks_rq.backend.Job"]
    assert worker_command("rq") == ["rqworker", *job_class, "default", "extraction"]
    assert worker_command("rq", ["extraction"]) == ["rqworker", *job_class, "extraction"]


@pytest.mark.slow
def test_db_worker_accepts_the_options_the_cli_gives_it():
    done = subprocess.run(
        [sys.executable, "-m", "tandem.cli", "manage", *worker_command("database"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--no-reload" in done.stdout


def _database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
@pytest.mark.django_db(transaction=True)
def test_serve_stopped_with_sigterm_stops_its_worker(tmp_path):
    """kill, systemd and docker stop send SIGTERM: the workers `tandem serve` started used to
    keep running alone (and running its job) after the server was gone. It starts one
    worker per queue, so that e-mail never waits behind a batch extraction."""
    port = free_port()
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": _database_url(),  # the test database, already migrated
        "TANDEM_DATA_DIR": str(tmp_path),
        "TANDEM_TASK_BACKEND": "database",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "tandem.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        children: list[int] = []
        while time.monotonic() < deadline and len(children) < 2:
            time.sleep(0.5)
            assert server.poll() is None, "tandem serve exited early"
            listed = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
            children = [int(pid) for pid in listed.split()]
        assert len(children) == 2, "not one worker per queue"
        commands = sorted(
            Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[-2] for pid in children
        )
        assert commands == [b"default", b"extraction"]
        while time.monotonic() < deadline:  # serving: the worker was started before
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert not any(_alive(worker) for worker in children)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
