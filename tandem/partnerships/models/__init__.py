"""Partnerships between institutions and industry partners.

Objectives, KPIs, commitments, contacts, communication and documents hang off a partnership.
Personal data: contacts (names, e-mail addresses and roles of staff), communication notes and
action items (free text about people), the users linked as owners, authors and uploaders.
"""

from .commitments import Commitment, CommitmentDelivery, CommitmentKind
from .objectives import (
    KPI,
    MANUAL_METRIC,
    BoundMetric,
    KPIMeasurement,
    KPIStatus,
    MeasurementSource,
    Objective,
)
from .partnerships import Partnership, PartnershipStatus, PartnershipTransition, PartnershipType
from .records import (
    ActionItem,
    CommunicationEntry,
    CommunicationKind,
    DocumentKind,
    PartnershipContact,
    PartnershipDocument,
    document_upload_to,
)

__all__ = [
    "KPI",
    "MANUAL_METRIC",
    "ActionItem",
    "BoundMetric",
    "Commitment",
    "CommitmentDelivery",
    "CommitmentKind",
    "CommunicationEntry",
    "CommunicationKind",
    "DocumentKind",
    "KPIMeasurement",
    "KPIStatus",
    "MeasurementSource",
    "Objective",
    "Partnership",
    "PartnershipContact",
    "PartnershipDocument",
    "PartnershipStatus",
    "PartnershipTransition",
    "PartnershipType",
    "document_upload_to",
]
