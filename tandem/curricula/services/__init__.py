"""Every write of the curricula app: programs, courses, outcomes and skill mappings,
co-development with partners, imports of job postings.

Each service checks that ``actor`` may edit the owning program (see ``permissions``), runs in
one transaction and writes an audit event readable by the institution's coordinators. The
rules on a field are the model's, checked once by :func:`tandem.core.validation.validated`;
uniqueness is the database's, and a violated constraint is a 409 conflict.

The modules: ``programs`` (programs and courses), ``outcomes`` (outcomes and mappings),
``codevelopment`` (comments, proposals, endorsements), ``postings`` (imports), ``demand``
(skill extraction of postings and opportunities), ``personal_data``.
"""

from __future__ import annotations

from ..models import MAX_NOTE_LENGTH, MAX_OUTCOME_LENGTH
from .codevelopment import course_endorse, outcome_comment, proposal_decide, skill_propose
from .demand import (
    EXTRACT_CHUNK,
    POSTING_SKILLS,
    posting_import_extract,
    posting_text,
)
from .outcomes import (
    SUGGESTIONS_PER_OUTCOME,
    mapping_add,
    mapping_decide,
    outcome_create,
    outcome_delete,
    outcome_suggest_skills,
    outcome_update,
)
from .personal_data import curricula_personal_data_erase, curricula_personal_data_export
from .postings import MAX_UPLOAD_BYTES, posting_import_create, posting_import_delete
from .programs import (
    course_create,
    course_delete,
    course_update,
    program_create,
    program_delete,
    program_update,
)

__all__ = [
    "EXTRACT_CHUNK",
    "MAX_NOTE_LENGTH",
    "MAX_OUTCOME_LENGTH",
    "MAX_UPLOAD_BYTES",
    "POSTING_SKILLS",
    "SUGGESTIONS_PER_OUTCOME",
    "course_create",
    "course_delete",
    "course_endorse",
    "course_update",
    "curricula_personal_data_erase",
    "curricula_personal_data_export",
    "mapping_add",
    "mapping_decide",
    "outcome_comment",
    "outcome_create",
    "outcome_delete",
    "outcome_suggest_skills",
    "outcome_update",
    "posting_import_create",
    "posting_import_delete",
    "posting_import_extract",
    "posting_text",
    "program_create",
    "program_delete",
    "program_update",
    "proposal_decide",
    "skill_propose",
]
