"""Every write to match rounds and mentor programs goes through here.

Match rounds: :func:`round_create` → :func:`round_open` → students
:func:`student_ranking_set`, hosts :func:`partner_ranking_set` → :func:`round_close_ranking`
→ :func:`round_run` (background task :func:`round_compute`) → :func:`round_publish`, or
:func:`round_cancel` at any point before publishing.

Publishing turns matches into placements through the **system placement path**
(:func:`_place`), which calls the applications app's one placement rule,
:func:`tandem.applications.services.application_place` — the same service
``application_move`` uses for a normal acceptance: for each matched student an application to
the matched opportunity is created (or an existing one is moved) straight to "accepted", with
the opportunity row locked and its seats counted, a
:class:`~tandem.applications.models.StageChange` by the coordinator who published, an
``application.stage_changed`` audit event, the opportunity marked filled when its last seat
goes, and the partnerships' ``placements`` KPIs recorded once per publication. A match is the
student's and the host's decision taken through their rankings, so the offer/accept steps are
skipped.

Mentor programs: :func:`program_create` (a draft, or open for applications),
:func:`program_settings_update`, :func:`program_transition` (open a draft, close a published
program), people :func:`application_submit` or are nominated (:func:`nomination_create`,
:func:`nomination_respond`), the coordinator :func:`application_decide` (approval creates the
profile that is matched) or adds people by hand (:func:`mentor_add`, :func:`mentee_add`),
:func:`profile_update`, :func:`program_run` with the matching constraints (background task
:func:`program_compute`), :func:`program_publish`. Scores come from :func:`pair_score` under
the program's :class:`MatchRules`; every status change is checked against
:data:`PROGRAM_TRANSITIONS` (settings in :mod:`.program_settings`).
"""

from tandem.applications.services import PLACEMENTS_METRIC

from .intake import (
    DECISION_KIND,
    NOMINATION_KIND,
    NotEligibleError,
    application_decide,
    application_submit,
    nomination_create,
    nomination_respond,
)
from .mentoring import (
    DAYS,
    PARTS,
    REQUIRE_AVAILABILITY,
    REQUIRE_LANGUAGE,
    SLOTS,
    WEIGHTS,
    MatchRules,
    PairScore,
    mentee_add,
    mentor_add,
    normalized_weights,
    pair_score,
    profile_update,
    program_compute,
    program_create,
    program_publish,
    program_run,
)
from .personal_data import matching_personal_data_erase, matching_personal_data_export
from .program_rules import (
    PROGRAM_TRANSITIONS,
    allowed_actions,
    check_transition,
    clean_constraints,
)
from .program_settings import clean_settings, program_settings_update, program_transition
from .rounds import (
    RANK_LIST_MAX,
    TITLE_MAX,
    partner_can_edit,
    partner_ranking_set,
    round_cancel,
    round_close_ranking,
    round_compute,
    round_create,
    round_open,
    round_publish,
    round_run,
    student_can_edit,
    student_ranking_move,
    student_ranking_set,
)

__all__ = [
    "DAYS",
    "DECISION_KIND",
    "NOMINATION_KIND",
    "PARTS",
    "PLACEMENTS_METRIC",
    "PROGRAM_TRANSITIONS",
    "RANK_LIST_MAX",
    "REQUIRE_AVAILABILITY",
    "REQUIRE_LANGUAGE",
    "SLOTS",
    "TITLE_MAX",
    "WEIGHTS",
    "MatchRules",
    "NotEligibleError",
    "PairScore",
    "allowed_actions",
    "application_decide",
    "application_submit",
    "check_transition",
    "clean_constraints",
    "clean_settings",
    "matching_personal_data_erase",
    "matching_personal_data_export",
    "mentee_add",
    "mentor_add",
    "nomination_create",
    "nomination_respond",
    "normalized_weights",
    "pair_score",
    "partner_can_edit",
    "partner_ranking_set",
    "profile_update",
    "program_compute",
    "program_create",
    "program_publish",
    "program_run",
    "program_settings_update",
    "program_transition",
    "round_cancel",
    "round_close_ranking",
    "round_compute",
    "round_create",
    "round_open",
    "round_publish",
    "round_run",
    "student_can_edit",
    "student_ranking_move",
    "student_ranking_set",
]
