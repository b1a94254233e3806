"""What partnerships hold about a person, for the export and erasure in
:mod:`tandem.accounts.personal_data` (registered in :mod:`..apps`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from tandem.accounts.models import User

from ..models import (
    KPI,
    ActionItem,
    Commitment,
    CommitmentDelivery,
    CommunicationEntry,
    KPIMeasurement,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
    PartnershipTransition,
)


def partnership_personal_data_export(user: User) -> dict[str, Any]:
    """What partnerships hold about ``user``: contact entries, authored communication,
    owned objectives, KPIs and action items."""
    return {
        "contacts": [
            {
                "partnership": c.partnership.title,
                "organization": c.organization.name,
                "name": c.name,
                "email": c.email,
                "role_title": c.role_title,
                "is_primary": c.is_primary,
            }
            for c in PartnershipContact.objects.filter(
                Q(user=user) | Q(email__iexact=user.email)
            ).select_related("partnership", "organization")
        ],
        "communication_entries": [
            {"partnership": e.partnership.title, "kind": e.kind, "date": e.date, "title": e.title}
            for e in CommunicationEntry.objects.filter(author=user).select_related("partnership")
        ],
        "owned_objectives": list(
            Objective.objects.filter(owner=user).values_list("title", flat=True)
        ),
        "owned_kpis": list(KPI.objects.filter(owner=user).values_list("name", flat=True)),
        "owned_action_items": [
            {"description": a.description, "due_date": a.due_date, "done_at": a.done_at}
            for a in ActionItem.objects.filter(owner=user)
        ],
    }


@transaction.atomic
def partnership_personal_data_erase(user: User) -> None:
    """Remove ``user`` from partnerships: delete their contact entries and unlink them from
    everything they own, wrote or recorded (the organizations' records stay)."""
    PartnershipContact.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
    Objective.objects.filter(owner=user).update(owner=None)
    KPI.objects.filter(owner=user).update(owner=None)
    ActionItem.objects.filter(owner=user).update(owner=None)
    ActionItem.objects.filter(created_by=user).update(created_by=None)
    CommunicationEntry.objects.filter(author=user).update(author=None)
    KPIMeasurement.objects.filter(recorded_by=user).update(recorded_by=None)
    CommitmentDelivery.objects.filter(recorded_by=user).update(recorded_by=None)
    Commitment.objects.filter(created_by=user).update(created_by=None)
    PartnershipDocument.objects.filter(uploaded_by=user).update(uploaded_by=None)
    PartnershipTransition.objects.filter(actor=user).update(actor=None)
    Partnership.objects.filter(created_by=user).update(created_by=None)
