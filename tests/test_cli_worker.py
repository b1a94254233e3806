"""``tandem worker`` (also started by ``tandem serve`` and ``tandem demo --serve``)."""

from __future__ import annotations

import subprocess
import sys

from tandem.cli import worker_command


def test_the_database_worker_never_reloads_on_code_changes():
    # With DEBUG on (the demo), django-tasks' db_worker reloads when a source file changes,
    # which killed a running extraction job and left it "running" with no worker.
    assert worker_command("database") == ["db_worker", "--interval", "1", "--no-reload"]
    assert worker_command("rq") == ["rqworker", "default"]


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
