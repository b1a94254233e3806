"""``tandem manage backup --output FILE.tar.gz``: the database and the uploads, together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup of the database and the uploads folder to a new .tar.gz file "
        "(mode 0600: it holds personal data). Restore it with 'restore'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="the new archive file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_create(output=options["output"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"Backed up the {summary.engine} database and {summary.files} uploaded files "
            f"to {summary.path} ({summary.size_bytes:,} bytes)."
        )
