"""Shared helpers for the roster import tests: the fixture exports, copies to edit, counts."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from tandem.accounts.models import User
from tandem.audit.models import AuditEvent
from tandem.organizations.models import Membership, Site
from tandem.rosters.models import (
    RosterClass,
    RosterCourse,
    RosterEnrollment,
    RosterOrg,
    RosterUser,
)

DATA = Path(__file__).parent / "data" / "oneroster"


def export_copy(tmp_path: Path, name: str = "v11") -> Path:
    """A copy of a fixture export to edit."""
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_bytes().decode("utf-8-sig")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8", newline="")


def zipped(folder: Path, *, subfolder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{subfolder}{path.name}")
    return buffer.getvalue()


def table_counts() -> dict[str, int]:
    """Rows of every table an import may write."""
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "active_memberships": Membership.objects.filter(is_active=True).count(),
        "sites": Site.objects.count(),
        "orgs": RosterOrg.objects.count(),
        "courses": RosterCourse.objects.count(),
        "classes": RosterClass.objects.count(),
        "identities": RosterUser.objects.count(),
        "enrollments": RosterEnrollment.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def counts(created: int = 0, updated: int = 0, unchanged: int = 0, deactivated: int = 0):
    return {
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "deactivated": deactivated,
    }
