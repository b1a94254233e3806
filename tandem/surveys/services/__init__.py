"""Every write to surveys: building, versioning, templates, invitations, responses.

Services are keyword-only, atomic, re-check permissions, and schedule e-mail with
``transaction.on_commit``. Automatic sends (triggers) pass ``actor=None``. The rules on a
field are the model's, checked once by :func:`tandem.core.validation.validated`; uniqueness
is the database's, and a violated constraint is a 409 conflict.

The modules: ``building`` (surveys, versions, sections, publishing), ``questions``,
``templates``, ``invitations`` (and signed links), ``responses``, ``personal_data``.
"""

from __future__ import annotations

from .building import (
    draft_version,
    latest_published_version,
    section_add,
    survey_close,
    survey_create,
    survey_publish,
    survey_update,
    version_for_editing,
)
from .invitations import (
    TOKEN_SALT,
    invitation_create,
    invitation_from_token,
    invitation_remind,
    invitation_token,
)
from .personal_data import survey_personal_data_erase, survey_personal_data_export
from .questions import (
    esco_labels,
    question_add,
    question_delete,
    question_update,
    survey_create_with_questions,
)
from .responses import (
    LATE_GRACE,
    STARTED_SALT,
    response_submit,
    started_from_stamp,
    started_stamp,
    version_questions,
)
from .templates import survey_from_template, templates_load

__all__ = [
    "LATE_GRACE",
    "STARTED_SALT",
    "TOKEN_SALT",
    "TriggerReport",
    "draft_version",
    "esco_labels",
    "invitation_create",
    "invitation_from_token",
    "invitation_remind",
    "invitation_token",
    "latest_published_version",
    "placement_skills",
    "placement_triggers",
    "question_add",
    "question_delete",
    "question_update",
    "response_submit",
    "section_add",
    "started_from_stamp",
    "started_stamp",
    "survey_close",
    "survey_create",
    "survey_create_with_questions",
    "survey_from_template",
    "survey_personal_data_erase",
    "survey_personal_data_export",
    "survey_publish",
    "survey_update",
    "templates_load",
    "triggers_run",
    "version_for_editing",
    "version_questions",
]

# The periodic triggers (placement, review and first-destination surveys, reminders) write
# through the services above; other apps reach them here. Imported last: the triggers module
# reads this package's services.
from ..triggers import (
    TriggerReport,
    placement_skills,
    placement_triggers,
)
from ..triggers import run as triggers_run
