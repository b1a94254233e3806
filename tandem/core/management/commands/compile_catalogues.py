"""``tandem manage compile_catalogues [--force]``: build the .mo files from the .po files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.core.catalogues import compile_catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues (tandem/locale/*/LC_MESSAGES/*.po) with polib."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Compile even when up to date.")

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_catalogues(force=options["force"])
        for path in written:
            self.stdout.write(f"Compiled {path}")
        if not written:
            self.stdout.write("The catalogues are up to date.")
