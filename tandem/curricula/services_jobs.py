"""Batch skill extraction jobs: start one (a coordinator or educator), run it (the worker).

A job covers one scope of an institution:

* ``opportunities`` — every platform opportunity its gap analyses count as demand; the
  skills go to :class:`~.models.OpportunityDemand`;
* ``outcomes`` — the learning outcomes of one program, or of all its programs; the skills
  become *suggested* :class:`~.models.OutcomeSkill` mappings;
* ``import`` — the postings of one import, extracted again (e.g. with the semantic stage).

Running is idempotent: a second run adds no duplicate, refreshes only undecided extractor
suggestions, and never touches a confirmed or rejected mapping. One job at a time per scope
(a partial unique constraint on ``scope_key``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization
from tandem.skills.engine.extractor import Mode, SkillMatch
from tandem.skills.models import SkillConcept

from .batch import BatchExtractor, get_batch_extractor
from .models import (
    ACTIVE_JOB_STATUSES,
    ExtractionJob,
    ExtractionScope,
    ImportStatus,
    JobPosting,
    JobStatus,
    LearningOutcome,
    MappingSource,
    MappingStatus,
    OpportunityDemand,
    OutcomeSkill,
    PostingImport,
    Program,
)
from .permissions import can_cancel_extraction_job, can_start_extraction_job
from .reports import DEMAND_STATUSES
from .services import POSTING_SKILLS, opportunity_text, posting_text
from .tasks import run_extraction_job

logger = logging.getLogger(__name__)

CHUNK = 200  # items per transaction and progress update
STALE_AFTER = timedelta(minutes=30)  # an active job with no progress for this long is dead
MAX_ERRORS = 100
SUGGESTIONS_PER_OUTCOME = 8


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
    _fail_stale_jobs(key)
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

    A queued job is never claimed by the worker; a running one stops after the chunk it is
    writing (the worker checks the status between chunks) and keeps what it already wrote.
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


def extraction_job_stalled(job: ExtractionJob) -> bool:
    """An active job with no progress for :data:`STALE_AFTER`: its worker has most likely
    stopped (the next start of the same scope marks it failed)."""
    return job.is_active and job.updated_at < timezone.now() - STALE_AFTER


def _fail_stale_jobs(key: str) -> None:
    """A worker that died leaves its job ``running``; free the scope after a while."""
    ExtractionJob.objects.filter(
        scope_key=key,
        status__in=ACTIVE_JOB_STATUSES,
        updated_at__lt=timezone.now() - STALE_AFTER,
    ).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        errors=[{"item": "", "message": "interrupted: no progress for 30 minutes"}],
        updated_at=timezone.now(),
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
def extraction_job_run(*, job_id: int, mode: Mode | None = None) -> int:
    """Run a queued job in chunks, writing progress after each; returns the items processed.
    A job that is not queued (already claimed, finished, failed or cancelled) is left alone.
    Between chunks the job's status is read again: once it is no longer running (cancelled,
    or marked failed as stale) the run stops and keeps the chunks it wrote. ``mode``
    defaults to the best the worker has (the benchmark sets it)."""
    now = timezone.now()
    claimed = ExtractionJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, updated_at=now
    )
    if not claimed:
        return 0
    job = ExtractionJob.objects.select_related("institution", "program", "posting_import").get(
        pk=job_id
    )
    done = 0
    try:
        extractor = get_batch_extractor(mode)
        items = _items(job.scope, job.institution, job.program, job.posting_import)
        last = items.order_by("-pk").values_list("pk", flat=True).first() or 0
        total = items.filter(pk__lte=last).count()
        ExtractionJob.objects.filter(pk=job.pk).update(
            mode=extractor.mode,
            labels_embedded=extractor.labels_embedded,
            total=total,
            updated_at=timezone.now(),
        )
        write = _WRITERS[job.scope]
        for chunk in _chunks(items.filter(pk__lte=last)):
            changed = write(extractor, chunk)
            done += len(chunk)
            ExtractionJob.objects.filter(pk=job.pk).update(
                processed=min(done, total),
                changed=job.changed + changed,
                updated_at=timezone.now(),
            )
            job.changed += changed
            if not ExtractionJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists():
                logger.info("extraction job %s stopped after %s items", job.pk, done)
                return done
    except Exception as exc:
        logger.exception("extraction job %s failed", job.pk)
        ExtractionJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
            errors=[{"item": "", "message": f"{type(exc).__name__}: {exc}"[:300]}],
        )
        raise
    if job.scope == ExtractionScope.IMPORT and job.posting_import is not None:
        _close_import(job.posting_import)
    ExtractionJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE,
        processed=done,
        total=done,  # items deleted while the job ran no longer count
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return done


def _chunks(qs: QuerySet[Any]) -> Iterator[list[Any]]:
    """Keyset pagination by primary key: stable while rows are added or removed."""
    after = 0
    while True:
        chunk = list(qs.filter(pk__gt=after).order_by("pk")[:CHUNK])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].pk


def _concept_ids(results: list[list[SkillMatch]]) -> dict[str, int]:
    uris = {m.uri for matches in results for m in matches}
    return dict(SkillConcept.objects.filter(uri__in=uris).values_list("uri", "pk"))


def _write_outcomes(extractor: BatchExtractor, outcomes: list[LearningOutcome]) -> int:
    """Suggest skills for each outcome. Links an educator decided (confirmed, rejected, or
    added by hand) are never changed; undecided extractor suggestions are refreshed: kept
    ones get the new score, ones no longer found are removed, new ones are added."""
    results = extractor.extract([o.text for o in outcomes], top_k=SUGGESTIONS_PER_OUTCOME)
    concept_of = _concept_ids(results)
    wanted: dict[int, dict[int, SkillMatch]] = {
        o.pk: {concept_of[m.uri]: m for m in matches if m.uri in concept_of}
        for o, matches in zip(outcomes, results, strict=True)
    }
    changed: set[int] = set()
    with transaction.atomic():
        existing = list(
            OutcomeSkill.objects.select_for_update().filter(outcome_id__in=list(wanted))
        )
        linked = {(link.outcome_id, link.concept_id) for link in existing}
        stale, refresh = [], []
        for link in existing:
            if link.status != MappingStatus.SUGGESTED or link.source != MappingSource.EXTRACTOR:
                continue  # an educator's decision
            match = wanted[link.outcome_id].get(link.concept_id)
            if match is None:
                stale.append(link.pk)
                changed.add(link.outcome_id)
                continue
            score, spans = round(match.score, 4), [list(s) for s in match.spans]
            if (link.score, link.spans) != (score, spans):
                link.score, link.spans = score, spans
                refresh.append(link)
                changed.add(link.outcome_id)
        new = [
            OutcomeSkill(
                outcome_id=oid,
                concept_id=cid,
                status=MappingStatus.SUGGESTED,
                source=MappingSource.EXTRACTOR,
                score=round(m.score, 4),
                spans=[list(s) for s in m.spans],
            )
            for oid, matches in wanted.items()
            for cid, m in matches.items()
            if (oid, cid) not in linked
        ]
        changed.update(link.outcome_id for link in new)
        OutcomeSkill.objects.filter(pk__in=stale, status=MappingStatus.SUGGESTED).delete()
        OutcomeSkill.objects.bulk_update(refresh, ["score", "spans"])
        OutcomeSkill.objects.bulk_create(new, ignore_conflicts=True)
    return len(changed)


def _write_opportunities(extractor: BatchExtractor, opportunities: list[Opportunity]) -> int:
    texts = [opportunity_text(o) for o in opportunities]
    results = extractor.extract(texts, top_k=POSTING_SKILLS)
    have = {
        d.opportunity_id: d
        for d in OpportunityDemand.objects.filter(opportunity__in=[o.pk for o in opportunities])
    }
    update, create = [], []
    for o, text, matches in zip(opportunities, texts, results, strict=True):
        fp = hashlib.sha256(text.encode()).hexdigest()
        uris = [m.uri for m in matches]
        d = have.get(o.pk)
        if d is None:
            create.append(
                OpportunityDemand(opportunity=o, fingerprint=fp, skills=uris, mode=extractor.mode)
            )
        elif (d.fingerprint, d.skills, d.mode) != (fp, uris, extractor.mode):
            d.fingerprint, d.skills, d.mode = fp, uris, extractor.mode
            update.append(d)
    with transaction.atomic():
        OpportunityDemand.objects.bulk_update(update, ["fingerprint", "skills", "mode"])
        OpportunityDemand.objects.bulk_create(create, ignore_conflicts=True)
    return len(update) + len(create)


def _write_postings(extractor: BatchExtractor, postings: list[JobPosting]) -> int:
    results = extractor.extract([posting_text(p) for p in postings], top_k=POSTING_SKILLS)
    changed = []
    for posting, matches in zip(postings, results, strict=True):
        uris = [m.uri for m in matches]
        if posting.skills != uris or not posting.extracted:
            posting.skills, posting.extracted = uris, True
            changed.append(posting)
    JobPosting.objects.bulk_update(changed, ["skills", "extracted"])
    return len(changed)


def _close_import(batch: PostingImport) -> None:
    """After a re-run every posting of the import is extracted (also after a failed run)."""
    extracted = JobPosting.objects.filter(batch=batch, extracted=True).count()
    PostingImport.objects.filter(pk=batch.pk).update(
        processed=extracted, total=extracted, status=ImportStatus.DONE
    )


_WRITERS: dict[str, Callable[[BatchExtractor, list[Any]], int]] = {
    ExtractionScope.OUTCOMES: _write_outcomes,
    ExtractionScope.OPPORTUNITIES: _write_opportunities,
    ExtractionScope.IMPORT: _write_postings,
}
