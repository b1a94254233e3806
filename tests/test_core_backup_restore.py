"""The restore drill of docs/operations.md, run for real: a Tandem installation in its own data
folder (and, on PostgreSQL, its own database) gets data and an upload, is backed up with
``tandem manage backup``, loses both, and comes back with ``tandem manage restore``.

The commands run as subprocesses, as an operator would run them."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import is_postgres

# slow: runs `tandem manage` backup, restore and migrate in subprocesses.
pytestmark = pytest.mark.slow

PG_BASE = "postgres://postgres@127.0.0.1:5432"

CREATE = """
from tandem.organizations.services import organization_create
organization_create(actor=None, name="Drill College", kind="institution", type="college",
                    sector="education", country="GB")
"""
COUNT = """
from tandem.organizations.models import Organization
print("count=%d" % Organization.objects.filter(name="Drill College").count())
"""
DELETE = """
from tandem.organizations.models import Organization
Organization.objects.filter(name="Drill College").delete()
"""


def _drill_db() -> str:
    """The drill's own database, named after the configured one and the xdist worker: each
    worker (and each checkout with its own database) drills in a database of its own."""
    configured = os.environ["TANDEM_DATABASE_URL"].rsplit("/", 1)[-1].split("?")[0]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{configured}_restore_drill_{worker}"[:63]


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG_BASE}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def tandem_env(tmp_path):
    """A separate installation: its own data folder and database (not migrated)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["TANDEM_DATA_DIR"] = str(tmp_path / "data")
    env.pop("TANDEM_DATABASE_URL", None)
    drill_db = _drill_db() if is_postgres() else ""
    if drill_db:
        _psql(f'DROP DATABASE IF EXISTS "{drill_db}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{drill_db}"')
        env["TANDEM_DATABASE_URL"] = f"{PG_BASE}/{drill_db}"

    def tandem(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "tandem.cli", "manage", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"tandem manage {args[0]} failed:\n{done.stderr[-2000:]}")
        return done

    yield tandem, Path(env["TANDEM_DATA_DIR"])
    if drill_db:
        _psql(f'DROP DATABASE IF EXISTS "{drill_db}" WITH (FORCE)')


@pytest.fixture
def installation(tandem_env):
    tandem, data_dir = tandem_env
    tandem("migrate", "--verbosity=0")
    return tandem, data_dir


def test_restore_drill_brings_back_database_rows_and_uploads(installation, tmp_path):
    tandem, data_dir = installation
    tandem("shell", "-c", CREATE)
    cv = data_dir / "uploads" / "cvs" / "drill-cv.pdf"
    cv.parent.mkdir(parents=True)
    cv.write_bytes(b"%PDF-1.4 drill")

    archive = tmp_path / "tandem-backup.tar.gz"
    done = tandem("backup", "--output", str(archive))
    assert "1 uploaded files" in done.stdout
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds personal data
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "uploads/cvs/drill-cv.pdf"} <= names
    assert names & {"database.sqlite3", "database.dump"}

    # The loss: the row and the file are gone, and a file appears that the backup never had.
    tandem("shell", "-c", DELETE)
    cv.unlink()
    (data_dir / "uploads" / "later.txt").write_text("after the backup")
    assert "count=0" in tandem("shell", "-c", COUNT).stdout

    refused = tandem("restore", str(archive), check=False)
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert "count=0" in tandem("shell", "-c", COUNT).stdout  # nothing touched without --yes

    done = tandem("restore", str(archive), "--yes")
    assert "1 uploaded files" in done.stdout
    assert "count=1" in tandem("shell", "-c", COUNT).stdout
    assert cv.read_bytes() == b"%PDF-1.4 drill"
    assert not (data_dir / "uploads" / "later.txt").exists()


def test_backup_refuses_to_overwrite_and_restore_refuses_bad_archives(tandem_env, tmp_path):
    tandem, _ = tandem_env
    existing = tmp_path / "exists.tar.gz"
    existing.write_bytes(b"keep me")
    done = tandem("backup", "--output", str(existing), check=False)
    assert done.returncode == 2
    assert "exists already" in done.stderr
    assert existing.read_bytes() == b"keep me"

    not_an_archive = tmp_path / "notes.tar.gz"
    not_an_archive.write_text("not a tar file")
    done = tandem("restore", str(not_an_archive), "--yes", check=False)
    assert done.returncode == 2
    assert "not a Tandem backup archive" in done.stderr
    assert "Traceback" not in done.stderr

    # A tar that tries to write outside its folder is refused before anything is replaced.
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload.txt"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="../../escaped.txt")
    done = tandem("restore", str(evil), "--yes", check=False)
    assert done.returncode == 2
    assert not (tmp_path.parent / "escaped.txt").exists()

    done = tandem("restore", str(tmp_path / "missing.tar.gz"), "--yes", check=False)
    assert done.returncode == 2
    assert "no such file" in done.stderr
