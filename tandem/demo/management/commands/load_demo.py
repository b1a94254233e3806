"""`tandem demo` / `tandem manage load_demo`: build the deterministic demo world."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.demo.world import DEMO_PASSWORD, build_demo_world


class Command(BaseCommand):
    help = "Build the deterministic demo world from a seed and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="delete existing demo data")

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout
        # The services log each step they take (e.g. every hire outcome recorded) at INFO:
        # useful in production, noise here. Show the steps instead, unless -v 2 or more.
        root = logging.getLogger()
        level = root.level
        if options["verbosity"] < 2:
            root.setLevel(max(level, logging.WARNING))
        try:
            summary = build_demo_world(
                seed=options["seed"],
                reset=options["reset"],
                progress=lambda step: out.write(f"  {step}…") if options["verbosity"] else None,
            )
        finally:
            root.setLevel(level)
        if summary.created:
            out.write(self.style.SUCCESS("Demo world built:"))
        else:
            out.write("Demo world already present (use --reset to rebuild):")
        for key, value in summary.counts.items():
            out.write(f"  {key:<16} {value}")
        out.write("")
        out.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for role, email, where in summary.logins:
            out.write(f"  {role:<28} {email:<36} {where}")
