"""Demand data the skill extractor feeds: the skills of imported job postings (the background
job of an upload) and of platform opportunities (kept in :class:`OpportunityDemand`).

Moved here unchanged from ``services.py``; the extraction code is to move to ``skills``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..extraction import REQUEST_MODE, get_extractor
from ..models import ImportStatus, JobPosting, OpportunityDemand, PostingImport

EXTRACT_CHUNK = 500
POSTING_SKILLS = 10


def posting_import_extract(*, import_id: int) -> int:
    """Run the extractor over an import's postings in chunks, saving progress after each."""
    batch = PostingImport.objects.filter(pk=import_id).first()
    if batch is None or batch.status == ImportStatus.DONE:
        return 0
    PostingImport.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    done = 0
    try:
        extractor = get_extractor()
        while True:
            chunk = list(
                JobPosting.objects.filter(batch=batch, extracted=False).order_by("pk")[
                    :EXTRACT_CHUNK
                ]
            )
            if not chunk:
                break
            texts = [posting_text(p) for p in chunk]
            results = extractor.extract_many(texts, top_k=POSTING_SKILLS, mode=REQUEST_MODE)
            for posting, matches in zip(chunk, results, strict=True):
                posting.skills = [m.uri for m in matches]
                posting.extracted = True
            with transaction.atomic():
                JobPosting.objects.bulk_update(chunk, ["skills", "extracted"])
                done += len(chunk)
                processed = JobPosting.objects.filter(batch=batch, extracted=True).count()
                PostingImport.objects.filter(pk=batch.pk).update(processed=processed)
    except Exception:
        PostingImport.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED)
        raise
    PostingImport.objects.filter(pk=batch.pk).update(status=ImportStatus.DONE)
    return done


def posting_text(posting: JobPosting) -> str:
    """The text of an imported posting that the extractor reads (import and re-run jobs)."""
    return f"{posting.title}\n{posting.description}"


def opportunity_text(opportunity: Any) -> str:
    """The text of an opportunity that the extractor reads; its hash is the fingerprint of
    :class:`OpportunityDemand`, so the gap report and extraction jobs must share it."""
    return f"{opportunity.title}\n{opportunity.description}\n{opportunity.skills_wanted}"


def opportunity_demand_refresh(opportunities: Any) -> dict[int, list[str]]:
    """ESCO URIs of each opportunity (title, description, skills wanted), extracted once per
    text and kept in :class:`OpportunityDemand`."""
    import hashlib

    opps = list(opportunities)
    have = {
        d.opportunity_id: d
        for d in OpportunityDemand.objects.filter(opportunity__in=[o.pk for o in opps])
    }
    out: dict[int, list[str]] = {}
    stale: list[tuple[Any, str, str]] = []
    for o in opps:
        text = opportunity_text(o)
        fp = hashlib.sha256(text.encode()).hexdigest()
        d = have.get(o.pk)
        if d is not None and d.fingerprint == fp:
            out[o.pk] = list(d.skills)
        else:
            stale.append((o, text, fp))
    if stale:
        extractor = get_extractor()
        results = extractor.extract_many(
            [t for _, t, _ in stale], top_k=POSTING_SKILLS, mode=REQUEST_MODE
        )
        for (o, _text, fp), matches in zip(stale, results, strict=True):
            uris = [m.uri for m in matches]
            OpportunityDemand.objects.update_or_create(
                opportunity=o, defaults={"fingerprint": fp, "skills": uris, "mode": REQUEST_MODE}
            )
            out[o.pk] = uris
    return out
