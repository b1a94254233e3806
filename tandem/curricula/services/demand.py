"""Demand data the skill extractor feeds: the skills of imported job postings (the background
job of an upload). The skills of platform opportunities are the skills app's
(``tandem.skills.services.opportunity_skills_refresh``).
"""

from __future__ import annotations

from django.db import transaction

from tandem.skills.services import REQUEST_MODE, get_extractor

from ..models import ImportStatus, JobPosting, PostingImport

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
