"""``/api/v1/skills/``: skill extraction on demand (docs/skills.md, "Trying the extractor")."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from . import selectors, services
from .models import SkillExtraction
from .services.on_demand import LIMIT_MAX, TEXT_MAX

router = Router(tags=["skills"])


class ExtractIn(Schema):
    text: str = Field(..., max_length=TEXT_MAX, description=f"At most {TEXT_MAX:,} characters.")
    mode: Literal["lexical", "semantic", "combined"] = "lexical"
    limit: int = Field(10, ge=1, le=LIMIT_MAX)


class ExtractedEvidenceOut(Schema):
    start: int
    end: int
    text: str


class SkillOut(Schema):
    uri: str
    label: str
    score: float
    evidence: list[ExtractedEvidenceOut]
    sentence: str


class ExtractOut(Schema):
    status: Literal["done", "queued", "running", "failed"]
    mode: str
    skills: list[SkillOut] = []
    extraction_id: uuid.UUID | None = None
    result_url: str | None = None
    error: str = ""


def _extraction_out(row: SkillExtraction) -> dict[str, Any]:
    return {
        "status": row.status,
        "mode": row.mode,
        "skills": row.skills,
        "extraction_id": row.public_id,
        "result_url": reverse("api:skills_extraction", kwargs={"extraction_id": row.public_id}),
        "error": row.error,
    }


@router.post("/extract", response={200: ExtractOut, 202: ExtractOut})
def extract(request: HttpRequest, payload: ExtractIn) -> Any:
    """ESCO skills in a text, best first, each with its evidence (character offsets into the
    text and the sentence). ``lexical`` answers at once (200). ``semantic`` and ``combined``
    answer at once when the server has the model loaded and the text is short; otherwise
    202 with ``extraction_id`` and ``result_url``, to read when ``status`` is ``done``.
    Rate-limited per person (429)."""
    answer = services.skills_extract(
        actor=request.user, text=payload.text, mode=payload.mode, limit=payload.limit
    )
    if answer.extraction is not None:
        return Status(202, _extraction_out(answer.extraction))
    return Status(200, {"status": answer.status, "mode": answer.mode, "skills": answer.skills})


@router.get("/extract/{extraction_id}", response=ExtractOut, url_name="skills_extraction")
def extraction_detail(request: HttpRequest, extraction_id: uuid.UUID) -> Any:
    """A queued extraction of yours: its status, and its skills once ``done`` (kept 24
    hours)."""
    row = selectors.skill_extraction_for(viewer=request.user, public_id=extraction_id)
    if row is None:
        raise Http404
    return _extraction_out(row)
