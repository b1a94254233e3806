"""Skill extraction on demand: the "Try the skill extractor" page and
``POST /api/v1/skills/extract`` (docs/skills.md, "Trying the extractor").

* ``lexical`` runs in the request (milliseconds once the process has built its matcher);
* ``semantic`` and ``combined`` run in the request only when this process already holds the
  semantic index **and** its loaded encoder, and the text is short
  (:data:`INLINE_SEMANTIC_MAX` characters); otherwise they are queued as a
  :class:`~tandem.skills.models.SkillExtraction` that the worker runs (``extraction``
  queue), and the caller reads the result when it is done. A request never loads the model
  or embeds the taxonomy.

Every request counts towards a per-person hourly limit (:func:`extractions_per_hour`).
Queued extractions are kept :data:`KEEP_HOURS` hours, then deleted (their text with them).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import DomainError
from tandem.skills.engine.extractor import MODES, Mode, SkillMatch
from tandem.skills.models import SkillExtraction

from .batch import job_mode, warm_batch_extractor
from .extraction import extract_lexical

TEXT_MAX = 20_000  # characters
LIMIT_MAX = 50
LIMIT_DEFAULT = 10
INLINE_SEMANTIC_MAX = 2_000  # characters a warm process extracts semantically in-request
KEEP_HOURS = 24


class RateLimitedError(DomainError):
    """Too many extractions by one person in the last hour."""

    status = 429


def extractions_per_hour() -> int:
    return int(getattr(settings, "SKILLS_EXTRACTIONS_PER_HOUR", 120))


@dataclass(frozen=True, slots=True)
class ExtractionAnswer:
    """What a request gets: the skills at once (``status == "done"``), or a queued
    extraction to read later."""

    status: str
    mode: str
    skills: list[dict[str, Any]] = field(default_factory=list)
    extraction: SkillExtraction | None = None


def modes_available() -> tuple[str, ...]:
    """The modes this installation offers: the semantic ones when the worker has the ML
    extra (``job_mode()`` is not lexical)."""
    return MODES if job_mode() != "lexical" else ("lexical",)


_SENTENCE_END = re.compile(r"[.!?;\n•]")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence-like stretch of ``text`` around ``start:end`` (at most ~300 chars)."""
    left = max(
        (m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 300), start)), default=None
    )
    lo = left if left is not None else max(0, start - 300)
    m = _SENTENCE_END.search(text, end, min(len(text), end + 300))
    hi = m.end() if m else min(len(text), end + 300)
    return text[lo:hi].strip()


def match_as_dict(text: str, match: SkillMatch) -> dict[str, Any]:
    """One skill as the API answers it: URI, preferred label, score, evidence spans (offsets
    into the text, and the text they cover) and the sentence of the first span."""
    spans = sorted(match.spans)
    return {
        "uri": match.uri,
        "label": match.label,
        "score": round(float(match.score), 4),
        "evidence": [{"start": s, "end": e, "text": text[s:e]} for s, e in spans],
        "sentence": _sentence(text, *spans[0]) if spans else "",
    }


def _count_request(actor: Any) -> None:
    key = f"skills:extract:{actor.pk}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3700)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3700)
        count = 1
    if count > extractions_per_hour():
        raise RateLimitedError(
            _("You have run the skill extractor %(n)d times this hour, the most allowed.")
            % {"n": extractions_per_hour()},
            code="rate_limited",
        )


def clean_request(text: str, mode: str, limit: int | None) -> tuple[str, str, int]:
    """Validate a request; :class:`DomainError` with field messages when it is not."""
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = _("Paste a text to extract skills from.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("A text has at most %(n)s characters.") % {"n": f"{TEXT_MAX:,}"}
    available = modes_available()
    if mode not in MODES:
        errors["mode"] = _("Choose one of: %s.") % ", ".join(MODES)
    elif mode not in available:
        errors["mode"] = _("This installation offers only: %s.") % ", ".join(available)
    limit = LIMIT_DEFAULT if limit is None else limit
    if not 1 <= limit <= LIMIT_MAX:
        errors["limit"] = _("Ask for 1 to %(n)d skills.") % {"n": LIMIT_MAX}
    if errors:
        raise DomainError(_("The request is not valid."), fields=errors)
    return text, mode, limit


def skills_extract(
    *, actor: Any, text: str, mode: str = "lexical", limit: int | None = None
) -> ExtractionAnswer:
    """Extract skills for ``actor`` (see the module docstring): at once, or queued."""
    text, mode, limit = clean_request(text, mode, limit)
    _count_request(actor)
    if mode == "lexical":
        found = extract_lexical(text, top_k=limit)
        return ExtractionAnswer("done", mode, [match_as_dict(text, m) for m in found])
    warm = warm_batch_extractor()
    if warm is not None and len(text) <= INLINE_SEMANTIC_MAX:
        found = warm.extract_mode([text], top_k=limit, mode=cast(Mode, mode))[0]
        return ExtractionAnswer("done", mode, [match_as_dict(text, m) for m in found])
    return ExtractionAnswer("queued", mode, extraction=_queue(actor, text, mode, limit))


@transaction.atomic
def _queue(actor: Any, text: str, mode: str, limit: int) -> SkillExtraction:
    from tandem.skills.tasks import run_skill_extraction

    SkillExtraction.objects.filter(
        created_at__lt=timezone.now() - dt.timedelta(hours=KEEP_HOURS)
    ).delete()
    row = SkillExtraction.objects.create(
        public_id=uuid.uuid4(), requested_by=actor, text=text, mode=mode, limit=limit
    )
    transaction.on_commit(lambda: run_skill_extraction.enqueue(row.pk))
    return row


def skill_extraction_run(extraction_id: int) -> str:
    """Run one queued extraction (the worker's task): store its skills, or why it failed.
    Returns the final status."""
    row = SkillExtraction.objects.filter(pk=extraction_id).first()
    if row is None or row.status in (SkillExtraction.Status.DONE, SkillExtraction.Status.FAILED):
        return row.status if row else "gone"
    SkillExtraction.objects.filter(pk=row.pk).update(status=SkillExtraction.Status.RUNNING)
    from .batch import get_batch_extractor

    batch = get_batch_extractor()
    if batch.mode == "lexical" and row.mode != "lexical":
        row.status = SkillExtraction.Status.FAILED
        row.error = "The worker has no semantic stage (ML extra or job mode)."
    else:
        found = batch.extract_mode([row.text], top_k=row.limit, mode=cast(Mode, row.mode))[0]
        row.skills = [match_as_dict(row.text, m) for m in found]
        row.status = SkillExtraction.Status.DONE
    row.finished_at = timezone.now()
    row.save(update_fields=["status", "skills", "error", "finished_at", "updated_at"])
    return row.status


def skill_extractions_erase(user: Any) -> None:
    """Erase a person's extractions (the personal-data registry)."""
    SkillExtraction.objects.filter(requested_by=user).delete()
