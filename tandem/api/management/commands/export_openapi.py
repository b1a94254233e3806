"""Write the OpenAPI 3 document of /api/v1 to a file (``make schema``).

The committed copy, ``docs/api/openapi.json``, makes every API change visible in review;
a test fails when it differs from what the code generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def openapi_document() -> str:
    """The schema exactly as ``/api/v1/openapi.json`` serves it, pretty-printed."""
    from tandem.api.main import api

    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False, default=str) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI 3 document of the REST API to --output (or stdout)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        document = openapi_document()
        output = options.get("output")
        if not output or output == "-":
            self.stdout.write(document, ending="")
            return
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
        self.stdout.write(f"Wrote {path} ({len(document)} bytes).")
