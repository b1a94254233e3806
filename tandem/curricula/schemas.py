"""Request and response schemas of the curriculum API (:mod:`.api`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from tandem.core.dates import Date
from tandem.core.schemas import PublicIdSchema

from .models import (
    MAX_OUTCOME_LENGTH,
    Course,
    ExtractionJob,
    LearningOutcome,
    OutcomeSkill,
    PostingImport,
    Program,
)


class ProgramOut(PublicIdSchema):
    title: str
    code: str
    description: str
    institution_id: UUID
    institution_name: str

    @staticmethod
    def resolve_institution_id(obj: Program) -> UUID:
        return obj.institution.public_id

    @staticmethod
    def resolve_institution_name(obj: Program) -> str:
        return obj.institution.name


class ProgramIn(Schema):
    title: str = Field(..., max_length=200)
    code: str = Field("", max_length=40)
    description: str = Field("", max_length=10_000)


class ProgramCreateIn(ProgramIn):
    institution_id: UUID


class CourseOut(PublicIdSchema):
    program_id: UUID
    title: str
    code: str
    description: str

    @staticmethod
    def resolve_program_id(obj: Course) -> UUID:
        return obj.program.public_id


class CourseIn(ProgramIn):
    pass


class MappingOut(PublicIdSchema):
    skill_uri: str
    skill_label: str
    status: str
    source: str
    score: float | None

    @staticmethod
    def resolve_skill_uri(obj: OutcomeSkill) -> str:
        return obj.concept.uri

    @staticmethod
    def resolve_skill_label(obj: OutcomeSkill) -> str:
        return obj.concept.preferred_label


class OutcomeOut(PublicIdSchema):
    course_id: UUID
    text: str
    position: int
    mappings: list[MappingOut]

    @staticmethod
    def resolve_course_id(obj: LearningOutcome) -> UUID:
        return obj.course.public_id

    @staticmethod
    def resolve_mappings(obj: LearningOutcome) -> list[OutcomeSkill]:
        return list(obj.skill_links.select_related("concept").order_by("status", "-score", "pk"))


class OutcomeIn(Schema):
    text: str = Field(..., max_length=MAX_OUTCOME_LENGTH)
    suggest: bool = True


class MappingDecisionIn(Schema):
    status: Literal["confirmed", "rejected"]


class MappingAddIn(Schema):
    skill_uri: str = Field(..., max_length=200)


class GapQuery(Schema):
    source: Literal["all", "imports", "opportunities"] = "all"
    sector: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    occupation: str = Field("", max_length=200)
    date_from: Date | None = None
    date_to: Date | None = None
    level: int = Field(1, ge=0, le=3)
    top: int = Field(20, ge=1, le=500)


class SkillRowOut(Schema):
    uri: str
    label: str
    postings: int
    demand: float
    share: float
    taught: bool
    outcome_ids: list[str]


class GroupOut(Schema):
    code: str
    name: str
    demand: float
    covered: float
    coverage: float
    skills: int
    skills_taught: int
    placed: bool = Field(
        True,
        description="False for a group outside the ESCO hierarchy: skills with no hierarchy "
        "path, grouped by kind (code kind:<kind>) or under 'unplaced'.",
    )


class MonthOut(Schema):
    month: str
    postings: int
    mentions: int
    covered_mentions: int
    coverage: float


class GapOut(Schema):
    postings: int
    postings_with_skills: int
    coverage: float
    demand_total: float
    covered_demand: float
    half_life_days: float
    level: int
    demanded: list[SkillRowOut]
    missing: list[SkillRowOut]
    taught_not_demanded: list[SkillRowOut]
    groups: list[GroupOut]
    trend: list[MonthOut]


class ImportOut(PublicIdSchema):
    institution_id: UUID
    filename: str
    format: str
    status: str
    total: int
    processed: int
    errors: list[dict[str, Any]]
    created_at: datetime

    @staticmethod
    def resolve_institution_id(obj: PostingImport) -> UUID:
        return obj.institution.public_id


class ExtractionJobIn(Schema):
    scope: Literal["outcomes", "opportunities", "import"]
    institution_id: UUID | None = None
    program_id: UUID | None = None
    import_id: UUID | None = None


class ExtractionJobOut(PublicIdSchema):
    institution_id: UUID
    scope: str
    program_id: UUID | None
    import_id: UUID | None
    mode: str
    status: str
    total: int
    processed: int
    changed: int
    labels_embedded: int
    errors: list[dict[str, Any]]
    worker_lost: bool  # active, but its worker stopped renewing its lease: resuming
    resumed: int  # times resumed after its worker was lost
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_institution_id(obj: ExtractionJob) -> UUID:
        return obj.institution.public_id

    @staticmethod
    def resolve_program_id(obj: ExtractionJob) -> UUID | None:
        return obj.program.public_id if obj.program else None

    @staticmethod
    def resolve_import_id(obj: ExtractionJob) -> UUID | None:
        return obj.posting_import.public_id if obj.posting_import else None
