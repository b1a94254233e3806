"""Batch skill extraction jobs: start one (a coordinator or educator), run it (the worker).

A job covers one scope of an institution:

* ``opportunities`` — every platform opportunity its gap analyses count as demand; the
  skills go to :class:`tandem.skills.models.OpportunityDemand` (through the skills service);
* ``outcomes`` — the learning outcomes of one program, or of all its programs; the skills
  become *suggested* :class:`~.models.OutcomeSkill` mappings;
* ``import`` — the postings of one import, extracted again (e.g. with the semantic stage).

Running is idempotent: a second run adds no duplicate, refreshes only undecided extractor
suggestions, and never touches a confirmed or rejected mapping. One job at a time per scope
(a partial unique constraint on ``scope_key``).

A job runs in short slices on the ``extraction`` queue under a lease its worker renews; a job
whose worker died is resumed from its last committed chunk by the next worker
(docs/decisions/0004-resumable-extraction-jobs.md).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization
from tandem.skills.data import Mode
from tandem.skills.services import (
    BatchExtractor,
    get_batch_extractor,
)

from . import extraction_writers
from .models import (
    ACTIVE_JOB_STATUSES,
    ExtractionJob,
    ExtractionScope,
    ImportStatus,
    JobPosting,
    JobStatus,
    LearningOutcome,
    PostingImport,
    Program,
)
from .permissions import can_cancel_extraction_job, can_start_extraction_job
from .reports import DEMAND_STATUSES
from .tasks import run_extraction_job

logger = logging.getLogger(__name__)

SEMANTIC_CHUNK = 16  # at most this many items per transaction in the combined mode
MAX_ERRORS = 100


def _scope_key(
    scope: str, institution: Organization, program: Program | None, batch: PostingImport | None
) -> str:
    if scope == ExtractionScope.IMPORT:
        assert batch is not None
        return f"import:{batch.pk}"
    if scope == ExtractionScope.OUTCOMES and program is not None:
        return f"outcomes:program:{program.pk}"
    return f"{scope}:institution:{institution.pk}"


@transaction.atomic
def extraction_job_start(
    *,
    actor: Any,
    scope: str,
    institution: Organization | None = None,
    program: Program | None = None,
    posting_import: PostingImport | None = None,
) -> ExtractionJob:
    """Queue a batch extraction for one scope of an institution (see the module docstring).

    ``outcomes`` takes a ``program`` (else all the institution's programs), ``import`` a
    ``posting_import``; the institution follows from them when not given. Refused with a
    :class:`ConflictError` while a job for the same scope is queued or running."""
    if scope not in ExtractionScope.values:
        raise DomainError(_("Unknown scope."), fields={"scope": _("Choose what to extract.")})
    if scope == ExtractionScope.IMPORT:
        if posting_import is None:
            raise DomainError(
                _("Choose the import to extract again."),
                fields={"posting_import": _("Choose the import to extract again.")},
            )
        institution = institution or posting_import.institution
        program = None
    elif scope == ExtractionScope.OUTCOMES and program is not None:
        institution = institution or program.institution
        posting_import = None
    else:
        program = posting_import = None
    if institution is None:
        raise DomainError(
            _("Choose the institution."), fields={"institution": _("Choose the institution.")}
        )
    if not can_start_extraction_job(actor, institution):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution start extraction jobs.")
        )
    if (program is not None and program.institution_id != institution.pk) or (
        posting_import is not None and posting_import.institution_id != institution.pk
    ):
        raise DomainError(_("This belongs to another institution."))
    if posting_import is not None and posting_import.status in (
        ImportStatus.QUEUED,
        ImportStatus.RUNNING,
    ):
        raise ConflictError(_("The import is still being extracted; wait until it is done."))
    key = _scope_key(scope, institution, program, posting_import)
    _fail_lost_jobs(key)
    if ExtractionJob.objects.filter(scope_key=key, status__in=ACTIVE_JOB_STATUSES).exists():
        raise ConflictError(_("A job for the same items is already queued or running."))
    try:
        with transaction.atomic():
            job = ExtractionJob.objects.create(
                institution=institution,
                scope=scope,
                program=program,
                posting_import=posting_import,
                scope_key=key,
                requested_by=actor,
                total=_items(scope, institution, program, posting_import).count(),
                # Until a worker claims it: past this, the sweep enqueues it again.
                lease_expires_at=timezone.now() + _lease(),
            )
    except IntegrityError as exc:  # another request started the same scope just now
        raise ConflictError(_("A job for the same items is already queued or running.")) from exc
    audit_record(
        actor=actor,
        action="curricula.extraction_job.start",
        target=job,
        organizations=[institution],
        changes={"scope": scope, "items": job.total},
    )
    transaction.on_commit(lambda: run_extraction_job.enqueue(job.pk))
    return job


@transaction.atomic
def extraction_job_cancel(*, actor: Any, job: ExtractionJob) -> ExtractionJob:
    """Cancel a queued or running job; whoever may start a job for its institution may.

    A queued job is never claimed by the worker; a running one stops within seconds, after
    the small chunk it is writing (the worker checks the status between chunks), and keeps
    what it already wrote.
    Refused with a :class:`ConflictError` once the job is done, failed or cancelled."""
    if not can_cancel_extraction_job(actor, job):
        raise PermissionDeniedError(
            _("Only educators and coordinators of the institution cancel extraction jobs.")
        )
    locked = ExtractionJob.objects.select_for_update().get(pk=job.pk)
    if locked.status not in ACTIVE_JOB_STATUSES:
        raise ConflictError(
            _(
                "This job has already ended (%(status)s); only a queued or running job "
                "can be cancelled."
            )
            % {"status": locked.get_status_display()}
        )
    now = timezone.now()
    locked.status = JobStatus.CANCELLED
    locked.finished_at = now
    locked.save(update_fields=["status", "finished_at", "updated_at"])
    audit_record(
        actor=actor,
        action="curricula.extraction_job.cancel",
        target=locked,
        organizations=[locked.institution],
        changes={"scope": locked.scope, "processed": locked.processed, "total": locked.total},
    )
    return locked


def _fail_lost_jobs(key: str) -> None:
    """An active job of the scope whose lease has expired lost its worker and no live worker
    has resumed it (a live one would within half a lease): mark it failed, so that a new
    job can start. Its chunks already written stay (running again is idempotent)."""
    now = timezone.now()
    ExtractionJob.objects.filter(
        scope_key=key, status__in=ACTIVE_JOB_STATUSES, lease_expires_at__lt=now
    ).update(
        status=JobStatus.FAILED,
        finished_at=now,
        lease_owner="",
        errors=[{"item": "", "message": "interrupted: its worker was lost; a new job replaced it"}],
        updated_at=now,
    )


def _items(
    scope: str,
    institution: Organization,
    program: Program | None,
    batch: PostingImport | None,
) -> QuerySet[Any]:
    if scope == ExtractionScope.OPPORTUNITIES:
        return Opportunity.objects.filter(status__in=DEMAND_STATUSES)
    if scope == ExtractionScope.OUTCOMES:
        if program is not None:
            return LearningOutcome.objects.filter(course__program=program)
        return LearningOutcome.objects.filter(course__program__institution=institution)
    return JobPosting.objects.filter(batch=batch)


# --- Running (in the worker) ----------------------------------------------------------------
# docs/decisions/0004-resumable-extraction-jobs.md. A task runs one *slice* (a few seconds of
# chunks) under the job's lease, then hands the lease back and enqueues the next slice, so
# other tasks interleave. Each chunk's writes and the job's progress (``cursor``, counters)
# commit in one transaction, conditional on this worker still holding the lease at the same
# cursor: a chunk is applied exactly once, whoever resumes the job.


class _LeaseLost(Exception):
    """Another worker resumed the job meanwhile; this one's chunk is rolled back."""


def _lease() -> timedelta:
    return timedelta(seconds=settings.EXTRACTION_JOB_LEASE_SECONDS)


def _chunk_size(mode: str) -> int:
    """Items per transaction; small in the combined mode so that a cancel or a lost lease
    is noticed within seconds."""
    size = max(1, int(settings.EXTRACTION_JOB_CHUNK))
    return size if mode == "lexical" else min(size, SEMANTIC_CHUNK)


def _worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class _Heartbeat:
    """Renews the lease from a thread while the slice works, also through the long first
    step (loading the model, embedding the taxonomy's labels), so that a live worker's job
    never looks lost."""

    def __init__(self, job_id: int, owner: str) -> None:
        self.job_id, self.owner = job_id, owner
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"lease-{job_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        every = max(0.2, settings.EXTRACTION_JOB_LEASE_SECONDS / 3)
        try:
            while not self.stop.wait(every):
                try:
                    ExtractionJob.objects.filter(pk=self.job_id, lease_owner=self.owner).update(
                        lease_expires_at=timezone.now() + _lease()
                    )
                except DatabaseError:  # e.g. SQLite busy: the next beat tries again
                    logger.warning("extraction job %s: lease not renewed", self.job_id)
        finally:
            connection.close()


def _claim(job_id: int, after: int, owner: str) -> bool:
    """Take the job's lease if it is free (between slices) or expired (its worker died),
    the job is active, and it is still at ``after`` (a duplicate or late task is not)."""
    now = timezone.now()
    free = Q(lease_owner="") | Q(lease_expires_at__lt=now)
    return bool(
        ExtractionJob.objects.filter(
            free, pk=job_id, cursor=after, status__in=ACTIVE_JOB_STATUSES
        ).update(
            status=JobStatus.RUNNING,
            lease_owner=owner,
            lease_expires_at=now + _lease(),
            started_at=Coalesce("started_at", Value(now)),
            updated_at=now,
        )
    )


def extraction_job_step(
    *,
    job_id: int,
    after: int = 0,
    mode: Mode | None = None,
    budget: float | None = None,
    enqueue_next: bool = False,
) -> tuple[int, int | None]:
    """Run one slice of a job from the item after ``after``: chunks until the slice's time
    budget (``TANDEM_EXTRACTION_JOB_SLICE_SECONDS`` when ``enqueue_next``, else unlimited)
    is spent. Returns the items processed and the cursor to continue from (``None`` when
    this chain ends: done, cancelled, failed, or not this task's turn). With
    ``enqueue_next`` the next slice is enqueued. A job that is not active, or whose lease
    another live worker holds, is left alone."""
    owner = _worker_id()
    if not _claim(job_id, after, owner):
        return 0, None
    if budget is None and enqueue_next:
        budget = settings.EXTRACTION_JOB_SLICE_SECONDS
    with _Heartbeat(job_id, owner):
        done, cursor = _run_slice(job_id, owner, mode, budget)
    if cursor is not None:
        # Hand the lease back; the next slice (this or another worker) takes it. If this
        # process dies before the enqueue, the lease expires and the sweep enqueues it.
        ExtractionJob.objects.filter(pk=job_id, lease_owner=owner).update(
            lease_owner="", lease_expires_at=timezone.now() + _lease()
        )
        if enqueue_next:
            run_extraction_job.enqueue(job_id, cursor)
    return done, cursor


def extraction_job_run(*, job_id: int, mode: Mode | None = None) -> int:
    """Run a job to its end in this process (tests, the benchmark); returns the items it
    processed. ``mode`` defaults to the best the worker has."""
    return extraction_job_step(job_id=job_id, mode=mode)[0]


def _run_slice(
    job_id: int, owner: str, mode: Mode | None, budget: float | None
) -> tuple[int, int | None]:
    job = ExtractionJob.objects.select_related("institution", "program", "posting_import").get(
        pk=job_id
    )
    deadline = None if budget is None else time.monotonic() + budget
    done = 0
    try:
        extractor = get_batch_extractor(mode)
        items = _items(job.scope, job.institution, job.program, job.posting_import)
        if job.last_item == 0:  # the first slice: fix the items this job covers
            last = items.order_by("-pk").values_list("pk", flat=True).first() or 0
            job.last_item, job.cursor = last, 0
            ExtractionJob.objects.filter(pk=job.pk, lease_owner=owner).update(
                last_item=last,
                cursor=0,
                processed=0,
                changed=0,
                total=items.filter(pk__lte=last).count(),
            )
        ExtractionJob.objects.filter(pk=job.pk, lease_owner=owner).update(
            mode=extractor.mode,
            labels_embedded=Greatest("labels_embedded", Value(extractor.labels_embedded)),
            updated_at=timezone.now(),
        )
        write = _WRITERS[job.scope]
        items = items.filter(pk__lte=job.last_item).order_by("pk")
        cursor, size = job.cursor, _chunk_size(extractor.mode)
        pause = settings.EXTRACTION_JOB_PAUSE_SECONDS
        while True:
            if not ExtractionJob.objects.filter(
                pk=job.pk, status=JobStatus.RUNNING, lease_owner=owner
            ).exists():
                logger.info("extraction job %s stopped after item %s", job.pk, cursor)
                return done, None  # cancelled, failed, or resumed by another worker
            chunk = list(items.filter(pk__gt=cursor)[:size])
            if not chunk:
                _finish(job, owner, cursor)
                return done, None
            with transaction.atomic():
                changed = write(extractor, chunk)
                now = timezone.now()
                if not ExtractionJob.objects.filter(
                    pk=job.pk, cursor=cursor, lease_owner=owner
                ).update(
                    cursor=chunk[-1].pk,
                    processed=F("processed") + len(chunk),
                    total=Greatest("total", F("processed") + len(chunk)),
                    changed=F("changed") + changed,
                    lease_expires_at=now + _lease(),
                    updated_at=now,
                ):
                    raise _LeaseLost
            cursor = chunk[-1].pk
            done += len(chunk)
            if pause:
                time.sleep(pause)
            if deadline is not None and time.monotonic() >= deadline:
                return done, cursor
    except _LeaseLost:
        logger.warning("extraction job %s: resumed by another worker; this one stops", job.pk)
        return done, None
    except Exception as exc:
        logger.exception("extraction job %s failed", job.pk)
        ExtractionJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, lease_owner=owner).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
            lease_owner="",
            errors=[{"item": "", "message": f"{type(exc).__name__}: {exc}"[:300]}],
        )
        raise


@transaction.atomic
def _finish(job: ExtractionJob, owner: str, cursor: int) -> None:
    now = timezone.now()
    finished = ExtractionJob.objects.filter(
        pk=job.pk, status=JobStatus.RUNNING, lease_owner=owner, cursor=cursor
    ).update(
        status=JobStatus.DONE,
        total=F("processed"),  # items deleted while the job ran no longer count
        finished_at=now,
        updated_at=now,
        lease_owner="",
        lease_expires_at=None,
    )
    if not finished:
        return
    if job.scope == ExtractionScope.IMPORT and job.posting_import is not None:
        extraction_writers.close_import(job.posting_import)
    job.refresh_from_db()
    audit_record(
        actor=None,
        action="curricula.extraction_job.finish",
        target=job,
        organizations=[job.institution],
        changes={"processed": job.processed, "changed": job.changed, "resumed": job.resumed},
    )


def extraction_job_reclaim() -> list[int]:
    """Resume every active job whose lease has expired (its worker died, or its next slice
    was lost): enqueue its next slice from its last committed chunk. Run by each worker
    when it starts and every half lease (:mod:`tandem.core.worker`). Returns the jobs."""
    now = timezone.now()
    expired = Q(lease_expires_at__lt=now)
    resumed = []
    for pk, cursor, status in ExtractionJob.objects.filter(
        expired, status__in=ACTIVE_JOB_STATUSES
    ).values_list("pk", "cursor", "status"):
        if ExtractionJob.objects.filter(
            expired, pk=pk, cursor=cursor, status__in=ACTIVE_JOB_STATUSES
        ).update(
            lease_owner="",
            lease_expires_at=now + _lease(),
            resumed=F("resumed") + (1 if status == JobStatus.RUNNING else 0),
        ):
            logger.warning("extraction job %s: worker lost; resuming after item %s", pk, cursor)
            run_extraction_job.enqueue(pk, cursor)
            resumed.append(pk)
    return resumed


_WRITERS: dict[str, Callable[[BatchExtractor, list[Any]], int]] = {
    ExtractionScope.OUTCOMES: extraction_writers.write_outcomes,
    ExtractionScope.OPPORTUNITIES: extraction_writers.write_opportunities,
    ExtractionScope.IMPORT: extraction_writers.write_postings,
}
