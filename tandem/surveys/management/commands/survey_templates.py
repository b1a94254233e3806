"""Give institutions their own copy of every ready survey template (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Load the ready survey templates for one institution (--institution slug) or all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institution", help="Institution slug (default: every institution)")

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.organizations.models import Organization
        from tandem.surveys.services import templates_load

        institutions = Organization.objects.filter(kind="institution")
        if options["institution"]:
            institutions = institutions.filter(slug=options["institution"])
            if not institutions.exists():
                raise CommandError("no institution with that slug")
        for institution in institutions:
            surveys = templates_load(institution=institution)
            self.stdout.write(f"{institution.slug}: {len(surveys)} template surveys ready")
