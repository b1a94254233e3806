"""What a batch extraction job writes for each scope (the worker's side of
``services_jobs``): suggested skills of learning outcomes, the skills of platform
opportunities (through the skills app's store) and of imported job postings.

Each writer takes the batch extractor and one chunk of items, writes in bulk inside the
caller's transaction, and returns how many items it wrote.
"""

from __future__ import annotations

from django.db import transaction

from tandem.opportunities.models import Opportunity
from tandem.skills.data import SkillMatch
from tandem.skills.models import SkillConcept
from tandem.skills.services import (
    BatchExtractor,
    ExtractedSkills,
    opportunity_skills_store,
    opportunity_text,
    text_fingerprint,
)

from .models import (
    ImportStatus,
    JobPosting,
    LearningOutcome,
    MappingSource,
    MappingStatus,
    OutcomeSkill,
    PostingImport,
)
from .services import POSTING_SKILLS, SUGGESTIONS_PER_OUTCOME, posting_text


def concept_ids(results: list[list[SkillMatch]]) -> dict[str, int]:
    uris = {m.uri for matches in results for m in matches}
    return dict(SkillConcept.objects.filter(uri__in=uris).values_list("uri", "pk"))


def write_outcomes(extractor: BatchExtractor, outcomes: list[LearningOutcome]) -> int:
    """Suggest skills for each outcome. Links an educator decided (confirmed, rejected, or
    added by hand) are never changed; undecided extractor suggestions are refreshed: kept
    ones get the new score, ones no longer found are removed, new ones are added."""
    results = extractor.extract([o.text for o in outcomes], top_k=SUGGESTIONS_PER_OUTCOME)
    concept_of = concept_ids(results)
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


def write_opportunities(extractor: BatchExtractor, opportunities: list[Opportunity]) -> int:
    texts = [opportunity_text(o) for o in opportunities]
    results = extractor.extract(texts, top_k=POSTING_SKILLS)
    return opportunity_skills_store(
        results=[
            ExtractedSkills(o.pk, text_fingerprint(text), tuple(m.uri for m in ms))
            for o, text, ms in zip(opportunities, texts, results, strict=True)
        ],
        mode=extractor.mode,
    )


def write_postings(extractor: BatchExtractor, postings: list[JobPosting]) -> int:
    results = extractor.extract([posting_text(p) for p in postings], top_k=POSTING_SKILLS)
    changed = []
    for posting, matches in zip(postings, results, strict=True):
        uris = [m.uri for m in matches]
        if posting.skills != uris or not posting.extracted:
            posting.skills, posting.extracted = uris, True
            changed.append(posting)
    JobPosting.objects.bulk_update(changed, ["skills", "extracted"])
    return len(changed)


def close_import(batch: PostingImport) -> None:
    """After a re-run every posting of the import is extracted (also after a failed run)."""
    extracted = JobPosting.objects.filter(batch=batch, extracted=True).count()
    PostingImport.objects.filter(pk=batch.pk).update(
        processed=extracted, total=extracted, status=ImportStatus.DONE
    )
