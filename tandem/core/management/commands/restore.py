"""``tandem manage restore FILE.tar.gz --yes``: put a backup back, database and uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploads folder by those in a backup made with "
        "'backup'. Stop the server and workers first. Irreversible: pass --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="a .tar.gz made by 'backup'")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm that the current database and uploads are to be replaced",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "restore replaces the current database and uploads; run it again with --yes",
                returncode=2,
            )
        try:
            summary = backup_restore(archive=options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"Restored the {summary.engine} database and {summary.files} uploaded files "
            f"from {summary.path}. Run 'tandem manage migrate' if this version is newer."
        )
