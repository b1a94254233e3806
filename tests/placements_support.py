"""A placement ready to start: an accepted application of the cast's student on a clinical
opportunity, with an immunisation requirement of the institution."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tandem.applications.models import Application
from tandem.placements import services
from tandem.placements.models import ClearanceRequirement
from tests.factories import ApplicationCast, application_at, pdf_upload


def immunisation(cast: ApplicationCast, **kwargs: object) -> ClearanceRequirement:
    return services.clearance_requirement_create(
        actor=cast.coordinator,
        institution=cast.institution,
        kind="immunisation",
        name=str(kwargs.pop("name", "Hepatitis B immunisation")),
        validity_days=365,
        **kwargs,  # type: ignore[arg-type]
    )


def accepted(cast: ApplicationCast) -> Application:
    return application_at(cast, "accepted")


def verified(cast: ApplicationCast, app: Application, req: ClearanceRequirement, **kw: object):
    services.clearance_evidence_upload(
        actor=app.student, application=app, requirement=req, file=pdf_upload("vaccine.pdf")
    )
    return services.clearance_decide(
        actor=cast.coordinator, application=app, requirement=req, verified=True, **kw
    )


def placed_with_dates(cast: ApplicationCast, days_ago: int = 20) -> Application:
    """A started placement that began ``days_ago`` days ago and ends in 60 days."""
    app = application_at(cast, "placed")
    today = timezone.localdate()
    services.placement_terms_set(
        actor=cast.coordinator,
        application=app,
        start_date=today - dt.timedelta(days=days_ago),
        end_date=today + dt.timedelta(days=60),
        required_hours=None,
    )
    return app
