"""Housekeeping in the background worker process (``tandem worker``).

Apps connect a receiver to :data:`worker_sweep` (e.g. curricula resumes extraction jobs whose
worker died). The worker sends it when it starts and then every ``interval`` seconds from a
daemon thread beside the task loop; receivers must be idempotent and quick, since several
workers send it.
"""

from __future__ import annotations

import logging
import threading

from django.db import connection
from django.dispatch import Signal

logger = logging.getLogger(__name__)

worker_sweep = Signal()


def sweep_once() -> None:
    """Send :data:`worker_sweep`; a failing receiver is logged (by Django), never fatal."""
    worker_sweep.send_robust(sender=None)


def start_sweeper(interval: float) -> threading.Thread:
    """Sweep now, then every ``interval`` seconds in a daemon thread (it ends with the
    process)."""
    sweep_once()
    connection.close()  # the task loop opens its own connection

    def _loop() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            try:
                sweep_once()
            finally:
                connection.close()

    thread = threading.Thread(target=_loop, name="tandem-worker-sweep", daemon=True)
    thread.start()
    return thread
