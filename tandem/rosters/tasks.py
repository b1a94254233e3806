"""Background work of rosters: checking and importing an uploaded export (django-tasks).

Logs carry the import's id and counts only, never names or addresses."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_roster_import(import_id: int, apply: bool) -> str:
    """Check (``apply=False``) or import an uploaded roster; returns the resulting status."""
    from .services import roster_upload_run

    upload = roster_upload_run(import_id=import_id, apply=apply)
    status = upload.status if upload is not None else "missing"
    logger.info("roster import %s (apply=%s): %s", import_id, apply, status)
    return status
