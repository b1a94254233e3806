"""Back up and restore a Tandem installation: the database and the uploads, together.

One archive (``.tar.gz``) holds ``manifest.json``, the database (``database.sqlite3``, a
consistent snapshot taken with SQLite's online backup API, or ``database.dump``, a
``pg_dump --format=custom`` of PostgreSQL) and ``uploads/`` (CVs, agreements, documents).
Restoring replaces both: the database from the snapshot, the uploads folder by a swap, so a
failed restore never leaves half the files. The commands are ``tandem manage backup`` and
``tandem manage restore`` (see docs/operations.md, "Backups and the restore drill").
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
UPLOADS = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    engine: str
    files: int
    size_bytes: int


def _engine(db: Mapping[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"unsupported database engine {engine}")


def _pg_env(db: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])  # passed to the child only, never printed
    return env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    tool = cmd[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv, no shell
    if done.returncode != 0:
        # pg tools name objects, not data rows; the first line is enough to act on.
        first = (done.stderr or done.stdout).strip().splitlines()[:1]
        raise BackupError(f"{tool} failed: {first[0] if first else done.returncode}")


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections["default"]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def backup_create(*, output: Path) -> BackupSummary:
    """Write the database and the uploads to ``output`` (a new ``.tar.gz``, mode 0600)."""
    output = output.expanduser()
    if output.exists():
        raise BackupError(f"{output} exists already; choose a new file name")
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent} is not a folder")
    db = settings.DATABASES["default"]
    engine = _engine(db)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="tandem-backup-") as tmp_name:
        tmp = Path(tmp_name)
        if engine == "sqlite":
            source = sqlite3.connect(str(db["NAME"]))
            target = sqlite3.connect(str(tmp / SQLITE_FILE))
            try:
                source.backup(target)  # a consistent snapshot, WAL included, while Tandem runs
            finally:
                target.close()
                source.close()
            db_file = SQLITE_FILE
        else:
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={tmp / PG_FILE}",
                    str(db["NAME"]),
                ],
                _pg_env(db),
            )
            db_file = PG_FILE
        files = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": db_file,
            "uploads": len(files),
            "migrations": _applied_migrations(),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = output.with_name(output.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(tmp / MANIFEST, arcname=MANIFEST)
                tar.add(tmp / db_file, arcname=db_file)
                tar.add(media if media.is_dir() else tmp, arcname=UPLOADS, recursive=False)
                for path in sorted(files):
                    tar.add(path, arcname=f"{UPLOADS}/{path.relative_to(media).as_posix()}")
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupSummary(
        path=output, engine=engine, files=len(files), size_bytes=output.stat().st_size
    )


def _read_archive(archive: Path, into: Path) -> dict[str, Any]:
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out of the folder and
            # device files: an archive cannot write outside the folder it is unpacked in.
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive}: not a Tandem backup archive ({exc})") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive}: {MANIFEST} is missing or unreadable") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format")
    if manifest.get("database") not in (SQLITE_FILE, PG_FILE):
        raise BackupError(f"{archive}: the manifest names no database file")
    if not (into / str(manifest["database"])).is_file():
        raise BackupError(f"{archive}: {manifest['database']} is missing")
    return manifest


def backup_restore(*, archive: Path) -> BackupSummary:
    """Replace the database and the uploads by those in ``archive``.

    The archive must come from the same kind of database (SQLite or PostgreSQL)."""
    archive = archive.expanduser()
    db = settings.DATABASES["default"]
    engine = _engine(db)
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tandem-restore-", dir=media.parent) as tmp_name:
        tmp = Path(tmp_name)
        manifest = _read_archive(archive, tmp)
        if manifest.get("engine") != engine:
            raise BackupError(
                f"{archive} holds a {manifest.get('engine')} database; this installation "
                f"uses {engine}"
            )
        connections.close_all()
        if engine == "sqlite":
            source = sqlite3.connect(str(tmp / SQLITE_FILE))
            target = sqlite3.connect(str(db["NAME"]), timeout=20)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    f"--dbname={db['NAME']}",
                    str(tmp / PG_FILE),
                ],
                _pg_env(db),
            )
        restored = tmp / UPLOADS
        restored.mkdir(exist_ok=True)
        old = tmp / "uploads-before-restore"
        if media.exists():
            media.rename(old)
        restored.rename(media)
        files = sum(1 for p in media.rglob("*") if p.is_file())
    return BackupSummary(
        path=archive, engine=engine, files=files, size_bytes=archive.stat().st_size
    )
