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
    """Running, not a zombie (an exited child whose parent is gone and that the machine's
    init has not reaped yet)."""
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (ProcessLookupError, FileNotFoundError):
        return False
    return state not in {"Z", "X"}


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


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
        "TANDEM_WORKERS": "2",  # server processes (the default, 2 × cores + 1, is more)
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "tandem.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.5)
            assert server.poll() is None, "tandem serve exited early"
            workers = [pid for pid in _children(server.pid) if b"--queue" in _cmdline(pid)]
        assert len(workers) == 2, "not one worker per queue"
        commands = sorted(_cmdline(pid).split(b"\0")[-2] for pid in workers)
        assert commands == [b"default", b"extraction"]
        while time.monotonic() < deadline:  # serving: the worker was started before
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        # Its other children are gunicorn's server processes; SIGTERM stops them all.
        children = _children(server.pid)
        assert len(children) > len(workers)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert not any(_alive(child) for child in children)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
