"""Every write of the placements app (see the modules for the rules)."""

from .agreement_templates import agreement_template_create, agreement_template_update
from .agreements import (
    ObjectiveInput,
    agreement_amend,
    agreement_create,
    agreement_decline,
    agreement_edit,
    agreement_send,
    agreement_sign,
    placement_agreement_guard,
)
from .clearances import (
    clearance_decide,
    clearance_evidence_upload,
    clearance_requirement_create,
    placement_start_guard,
    placement_terms_set,
)
from .hours import hours_decide, hours_edit, hours_log
from .personal_data import placement_personal_data_erase, placement_personal_data_export

__all__ = [
    "ObjectiveInput",
    "agreement_amend",
    "agreement_create",
    "agreement_decline",
    "agreement_edit",
    "agreement_send",
    "agreement_sign",
    "agreement_template_create",
    "agreement_template_update",
    "clearance_decide",
    "clearance_evidence_upload",
    "clearance_requirement_create",
    "hours_decide",
    "hours_edit",
    "hours_log",
    "placement_agreement_guard",
    "placement_personal_data_erase",
    "placement_personal_data_export",
    "placement_start_guard",
    "placement_terms_set",
]
