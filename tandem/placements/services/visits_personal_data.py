"""Personal data of site visits, incidents and dates of birth: export and erasure
(registered as ``placement_visits`` for personal-data requests; docs/decisions/0019)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Incident, SiteVisit, StudentBirthDate

if TYPE_CHECKING:
    from tandem.accounts.models import User

logger = logging.getLogger(__name__)


def visits_personal_data_export(user: User) -> dict[str, Any]:
    """The dates of birth institutions recorded, the visits to the person's placements
    (notes where they were shared), the incidents they reported (in full) and those on their
    placements reported by others (what kind, how severe, when, status — not the report's
    text, which protects the reporter)."""
    births = StudentBirthDate.objects.filter(student=user).select_related("institution")
    visits = SiteVisit.objects.filter(application__student=user).select_related(
        "application__opportunity"
    )
    reported = Incident.objects.filter(reporter=user).select_related("application__opportunity")
    about = (
        Incident.objects.filter(application__student=user)
        .exclude(reporter=user)
        .select_related("application__opportunity")
    )
    return {
        "dates_of_birth": [
            {"institution": b.institution.name, "date_of_birth": b.date_of_birth.isoformat()}
            for b in births
        ],
        "site_visits": [
            {
                "placement": v.application.opportunity.title,
                "mode": v.mode,
                "scheduled_at": v.scheduled_at.isoformat(),
                "status": v.status,
                "outcome": v.outcome,
                "notes": v.notes if v.notes_shared else "",
            }
            for v in visits
        ],
        "incidents_reported": [
            {
                "placement": i.application.opportunity.title,
                "kind": i.kind,
                "severity": i.severity,
                "occurred_at": i.occurred_at.isoformat(),
                "description": i.description,
                "evidence_file": i.evidence_name,
                "status": i.status,
                "resolution": i.resolution,
            }
            for i in reported
        ],
        "incidents_on_my_placements": [
            {
                "placement": i.application.opportunity.title,
                "kind": i.kind,
                "severity": i.severity,
                "occurred_at": i.occurred_at.isoformat(),
                "status": i.status,
            }
            for i in about
        ],
    }


@transaction.atomic
def visits_personal_data_erase(user: User) -> None:
    """Delete the person's dates of birth and blank the notes of visits to their placements.
    Incidents are kept for their legal retention period: the reporter is pseudonymised (the
    link to the account cut, the name replaced), the facts stay for the institution's duty of
    care and any claim."""
    StudentBirthDate.objects.filter(student=user).delete()
    SiteVisit.objects.filter(application__student=user).update(notes="")
    Incident.objects.filter(reporter=user).update(
        reporter=None, reporter_name=str(_("Erased person"))[:200]
    )
    logger.info("placement visits and incidents personal data erased for one user")
