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
from .diligence import diligence_item_record
from .hours import hours_decide, hours_edit, hours_log
from .hours_links import (
    hours_decide_by_link,
    hours_link_issue,
    hours_link_resolve,
    hours_link_revoke,
)
from .incidents import incident_read_record, incident_report, incident_transition
from .minors import birth_date_record, minor_start_guard, minors_rules_set
from .personal_data import placement_personal_data_erase, placement_personal_data_export
from .visits import visit_record, visit_schedule

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
    "birth_date_record",
    "clearance_decide",
    "clearance_evidence_upload",
    "clearance_requirement_create",
    "diligence_item_record",
    "hours_decide",
    "hours_decide_by_link",
    "hours_edit",
    "hours_link_issue",
    "hours_link_resolve",
    "hours_link_revoke",
    "hours_log",
    "incident_read_record",
    "incident_report",
    "incident_transition",
    "minor_start_guard",
    "minors_rules_set",
    "placement_agreement_guard",
    "placement_personal_data_erase",
    "placement_personal_data_export",
    "placement_start_guard",
    "placement_terms_set",
    "visit_record",
    "visit_schedule",
]
