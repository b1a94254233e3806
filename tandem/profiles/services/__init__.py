"""Every write of the profiles app, one module per subject:

* :mod:`.completions` — course completions recorded by an institution's staff (form, CSV);
* :mod:`.profile` — the student's own changes: CV extraction, skills added and removed;
* :mod:`.rebuild` — the entries derived from completed courses and placements, recomputed on
  request, on every completion, and by themselves when a placement is completed or an
  educator confirms or rejects a course's skill (see :mod:`tandem.profiles.refresh`);
* :mod:`.recommendations` — students' "For you" rankings, computed in the background and
  stored (refreshed when their skills change, merged when opportunities change);
* :mod:`.personal_data` — export and erasure.

Each service checks the actor (see ``permissions``), runs in one transaction and writes an
audit event. Audit events name no CV text and no grade: only what kind of change was made.
The names below are the app's public surface (``from tandem.profiles import services``).
"""

from .completions import (
    MAX_GRADE_LENGTH,
    CompletionImport,
    course_completion_delete,
    course_completion_record,
    course_completions_import,
)
from .personal_data import profile_personal_data_erase, profile_personal_data_export
from .profile import (
    MAX_CV_CHARS,
    check_cv_size,
    cv_excerpt,
    pdf_text,
    profile_cv_clear,
    profile_cv_extract,
    profile_skill_add,
    profile_skill_remove,
)
from .rebuild import (
    RebuildResult,
    profile_course_refresh,
    profile_placement_refresh,
    profile_rebuild,
    profile_rebuild_system,
)
from .recommendations import (
    RANKED_STORED,
    recommendations_merge,
    recommendations_refresh,
)

__all__ = [
    "MAX_CV_CHARS",
    "MAX_GRADE_LENGTH",
    "RANKED_STORED",
    "CompletionImport",
    "RebuildResult",
    "check_cv_size",
    "course_completion_delete",
    "course_completion_record",
    "course_completions_import",
    "cv_excerpt",
    "pdf_text",
    "profile_course_refresh",
    "profile_cv_clear",
    "profile_cv_extract",
    "profile_personal_data_erase",
    "profile_personal_data_export",
    "profile_placement_refresh",
    "profile_rebuild",
    "profile_rebuild_system",
    "profile_skill_add",
    "profile_skill_remove",
    "recommendations_merge",
    "recommendations_refresh",
]
