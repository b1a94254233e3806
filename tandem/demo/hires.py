"""Demo world: what became of the completed placements.

About four in ten completed placements end in a hire (a realistic share for work-based
learning), about a quarter are recorded as not hired, and the rest have no outcome yet. Each
outcome is recorded through :func:`tandem.applications.services.application_record_hire` by
the host's recruiter or workplace supervisor (or, when the host has none, the institution's
coordinator), so the demo has the same history and audit trail as real use.
"""

from __future__ import annotations

import random
from datetime import timedelta

from tandem.accounts.models import User
from tandem.applications.models import Application, HireOutcome, Stage
from tandem.applications.services import application_record_hire, completion_date
from tandem.organizations.models import Membership, Role

HIRED_SHARE = 0.4
NOT_HIRED_SHARE = 0.25
JOB_TITLES = {
    "technology": ["Junior software developer", "IT support technician", "Data analyst"],
    "health_care": ["Healthcare assistant", "Pharmacy technician", "Care coordinator"],
    "manufacturing": ["Production technician", "Quality inspector", "Maintenance apprentice"],
}
DEFAULT_TITLES = ["Graduate trainee", "Assistant", "Junior associate"]


def _recorder(application: Application) -> User | None:
    """The host's first recruiter or supervisor, else a coordinator of the institution."""
    for organization_id, roles in (
        (application.opportunity.host_id, [Role.RECRUITER, Role.SUPERVISOR]),
        (application.institution_id, [Role.COORDINATOR]),
    ):
        membership = (
            Membership.objects.filter(
                organization_id=organization_id,
                role__in=roles,
                is_active=True,
                user__is_active=True,
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            return membership.user
    return None


def build_hires(seed: int) -> int:
    """Record outcomes for the completed demo placements; returns the number of hires."""
    rng = random.Random(f"hires:{seed}")
    completed = list(
        Application.objects.filter(stage=Stage.COMPLETED)
        .select_related("opportunity__host")
        .order_by("opportunity__title", "opportunity__host__slug", "student__email")
    )
    rng.shuffle(completed)
    hired_count = round(len(completed) * HIRED_SHARE)
    not_hired_count = round(len(completed) * NOT_HIRED_SHARE)
    hires = 0
    for i, application in enumerate(completed[: hired_count + not_hired_count]):
        actor = _recorder(application)
        if actor is None:
            continue
        if i < hired_count:
            sector = application.opportunity.host.sector
            application_record_hire(
                actor=actor,
                application=application,
                outcome=HireOutcome.HIRED,
                start_date=completion_date(application) + timedelta(days=rng.randint(7, 120)),
                job_title=rng.choice(JOB_TITLES.get(sector, DEFAULT_TITLES)),
            )
            hires += 1
        else:
            application_record_hire(
                actor=actor, application=application, outcome=HireOutcome.NOT_HIRED
            )
    return hires
