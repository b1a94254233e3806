"""Background jobs of the curricula app (django-tasks).

Extraction runs on its own ``extraction`` queue (docs/decisions/0004-resumable-extraction-
jobs.md), so e-mail on the ``default`` queue never waits behind it.
"""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)

EXTRACTION_QUEUE = "extraction"


@task(queue_name=EXTRACTION_QUEUE)
def extract_posting_import(import_id: int) -> int:
    """Extract the skills of an import's postings, storing progress as it goes."""
    from .services import posting_import_extract

    done = posting_import_extract(import_id=import_id)
    logger.info("posting import %s: %s postings extracted", import_id, done)
    return done


@task(queue_name=EXTRACTION_QUEUE)
def run_extraction_job(job_id: int, after: int = 0) -> int:
    """Run one slice of a batch extraction job, from the item after ``after``; the slice
    enqueues the next one (see ``services_jobs.extraction_job_step``)."""
    from .services_jobs import extraction_job_step

    done, _next = extraction_job_step(job_id=job_id, after=after, enqueue_next=True)
    logger.info("extraction job %s: %s items processed in this slice", job_id, done)
    return done
