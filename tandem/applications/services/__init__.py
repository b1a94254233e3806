"""Every write to applications goes through here.

- :func:`application_submit` (:mod:`.submission`): a student applies, with a statement and a
  PDF CV.
- :func:`application_move` (:mod:`.pipeline`): the one transition service; the table of legal
  moves and who may make them is :data:`tandem.applications.permissions.TRANSITIONS`.
- :func:`application_place` (:mod:`.pipeline`): the one placement rule (a seat taken, under
  the opportunity's lock), used by :func:`application_move` for an accepted offer and by
  match-round publishing.
- :func:`application_record_hire` (:mod:`.hires`): what became of a completed placement
  (hired or not).
- :func:`application_personal_data_erase` (:mod:`.personal_data`): the eraser registered for
  personal-data requests.
"""

from ..permissions import Party
from .hires import (
    HIRE_START_MAX_DAYS,
    JOB_TITLE_MAX_CHARS,
    application_record_hire,
    completion_date,
)
from .personal_data import application_personal_data_erase, application_personal_data_export
from .pipeline import (
    NOTE_MAX_CHARS,
    PLACEMENTS_METRIC,
    application_move,
    application_place,
    application_placements_record,
    application_stage_options,
)
from .submission import (
    PDF_MIME,
    STATEMENT_MAX_CHARS,
    STATEMENT_MIN_CHARS,
    application_submit,
)

__all__ = [
    "HIRE_START_MAX_DAYS",
    "JOB_TITLE_MAX_CHARS",
    "NOTE_MAX_CHARS",
    "PDF_MIME",
    "PLACEMENTS_METRIC",
    "STATEMENT_MAX_CHARS",
    "STATEMENT_MIN_CHARS",
    "Party",
    "application_move",
    "application_personal_data_erase",
    "application_personal_data_export",
    "application_place",
    "application_placements_record",
    "application_record_hire",
    "application_stage_options",
    "application_submit",
    "completion_date",
]
