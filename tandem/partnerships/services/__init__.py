"""Every write to partnerships. Views, the API, admin and other apps call these.

Each service is keyword-only, atomic, validates its input against the model's rules
(:func:`tandem.core.validation.validated`, raising
:class:`~tandem.core.errors.DomainError` with field messages), re-checks the actor's
permission (:class:`~tandem.core.errors.PermissionDeniedError`) and writes the audit trail.

Public surface for other apps: :func:`kpi_record_metric`. The modules of this package:
``partnerships`` (create, update, lifecycle), ``objectives`` (objectives, KPIs,
measurements), ``commitments``, ``records`` (contacts, communication, action items,
documents) and ``personal_data``.
"""

from .commitments import commitment_create, commitment_delivery_record
from .objectives import (
    kpi_create,
    kpi_measurement_record,
    kpi_record_metric,
    kpi_refresh_status,
    objective_create,
)
from .partnerships import (
    partnership_create,
    partnership_transition,
    partnership_update,
    validate_types,
)
from .personal_data import partnership_personal_data_erase, partnership_personal_data_export
from .records import (
    action_item_create,
    action_item_set_done,
    communication_entry_create,
    partnership_contact_create,
    partnership_contact_delete,
    partnership_document_upload,
)

__all__ = [
    "action_item_create",
    "action_item_set_done",
    "commitment_create",
    "commitment_delivery_record",
    "communication_entry_create",
    "kpi_create",
    "kpi_measurement_record",
    "kpi_record_metric",
    "kpi_refresh_status",
    "objective_create",
    "partnership_contact_create",
    "partnership_contact_delete",
    "partnership_create",
    "partnership_document_upload",
    "partnership_personal_data_erase",
    "partnership_personal_data_export",
    "partnership_transition",
    "partnership_update",
    "validate_types",
]
