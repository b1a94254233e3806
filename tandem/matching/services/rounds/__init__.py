"""Match rounds: open, rank, run, publish (see the docstring of :mod:`tandem.matching.services`).

:mod:`.lifecycle` creates, opens, closes and cancels a round; :mod:`.ranking` takes the
students' and hosts' rankings; :mod:`.running` computes the matching and publishes it.
"""

from .lifecycle import (
    RANK_LIST_MAX,
    STALE_RUN,
    TITLE_MAX,
    round_cancel,
    round_close_ranking,
    round_create,
    round_open,
)
from .ranking import (
    partner_can_edit,
    partner_ranking_set,
    student_can_edit,
    student_ranking_move,
    student_ranking_set,
)
from .running import round_compute, round_publish, round_run

__all__ = [
    "RANK_LIST_MAX",
    "STALE_RUN",
    "TITLE_MAX",
    "partner_can_edit",
    "partner_ranking_set",
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
