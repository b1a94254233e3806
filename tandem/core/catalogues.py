"""Compiled translation catalogues (.mo) are built from the .po files, never committed.

Compiling uses polib (a pinned Python dependency), so a clean machine needs no GNU gettext:
``make venv``, every ``tandem`` command and the test session compile the catalogues that are
missing or older than their .po file. Only developers who extract messages need xgettext
(docs/development/translations.md).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import polib

logger = logging.getLogger(__name__)

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(*, force: bool = False, locale: Path = LOCALE) -> list[Path]:
    """Write each ``django.po``'s ``django.mo`` when it is missing or stale; return those written.

    A catalogue that cannot be written (a read-only install) is logged and skipped: Django
    then shows the English text, it does not fail.
    """
    written: list[Path] = []
    for po_path in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            # Fuzzy entries are left out, as msgfmt does: a guess is not a translation.
            catalogue = polib.pofile(str(po_path))
            tmp_path = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
            catalogue.save_as_mofile(str(tmp_path))
            os.replace(tmp_path, mo_path)  # atomic: parallel test workers never read half a file
        except OSError as error:
            logger.warning("Could not compile the catalogue %s: %s", po_path, error)
            continue
        written.append(mo_path)
    return written
