"""Background jobs of the curricula app (django-tasks)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def extract_posting_import(import_id: int) -> int:
    """Extract the skills of an import's postings, storing progress as it goes."""
    from .services import posting_import_extract

    done = posting_import_extract(import_id=import_id)
    logger.info("posting import %s: %s postings extracted", import_id, done)
    return done


@task()
def run_extraction_job(job_id: int) -> int:
    """Run a batch skill extraction job (see ``services_jobs.extraction_job_run``)."""
    from .services_jobs import extraction_job_run

    done = extraction_job_run(job_id=job_id)
    logger.info("extraction job %s: %s items processed", job_id, done)
    return done
