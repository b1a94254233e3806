"""REST endpoints for site visits, incidents, minors and employer due diligence (mounted at
/api/v1/placements by tandem.api.main, before the placements router).

Same selectors, services and permissions as the pages: placements and incidents outside the
caller's scope answer 404; a visible one the caller may not act on 403; broken rules 400 with
field messages; a refused status change 409. Reading an incident is audited.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from tandem.accounts.models import User
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Organization
from tandem.organizations.permissions import coordinator_institution_ids

from . import selectors, services
from .models import (
    DiligenceKind,
    IncidentKind,
    IncidentSeverity,
    IncidentStatus,
    SiteVisit,
    VisitMode,
    VisitOutcome,
    VisitStatus,
)
from .permissions import can_view_visits

router = Router(tags=["placements"])


class VisitOut(Schema):
    id: UUID
    mode: VisitMode
    scheduled_at: datetime
    time_zone: str
    location: str
    link: str
    status: VisitStatus
    outcome: str
    notes: str | None = Field(None, description="Null when you may not read the notes.")
    notes_shared: bool
    visitor: str | None


class VisitIn(Schema):
    mode: VisitMode
    scheduled_at: datetime = Field(
        ..., description="Local date and time of the visit (an offset, if given, is converted)."
    )
    time_zone: str = Field(..., max_length=64, description="IANA time zone, e.g. Europe/Paris.")
    location: str = Field("", max_length=300)
    link: str = Field("", max_length=500)


class VisitRecordIn(Schema):
    status: VisitStatus
    outcome: VisitOutcome | None = None
    notes: str = Field("", max_length=5000)
    notes_shared: bool = False


class TimelineOut(Schema):
    day: date
    kind: str
    visit: UUID | None


class VisitsOut(Schema):
    timeline: list[TimelineOut]
    visits: list[VisitOut]


class IncidentOut(Schema):
    id: UUID
    placement: UUID
    kind: IncidentKind
    severity: IncidentSeverity
    occurred_at: datetime
    status: IncidentStatus
    about_supervisor: bool
    reporter: str
    reported_at: datetime


class IncidentDetailOut(IncidentOut):
    description: str
    resolution: str
    has_evidence: bool


class IncidentStatusIn(Schema):
    status: IncidentStatus
    resolution: str = Field("", max_length=5000)


class MinorsRulesIn(Schema):
    max_hours_per_day: Decimal | None = None
    max_hours_per_week: Decimal | None = None


class MinorsRulesOut(Schema):
    max_hours_per_day: Decimal | None
    max_hours_per_week: Decimal | None


class BirthDateIn(Schema):
    student: UUID
    date_of_birth: date


class DiligenceOut(Schema):
    kind: DiligenceKind
    state: str
    expires_on: date | None
    verified_by: str | None
    verified_at: datetime | None


def _placement(request: HttpRequest, application_id: UUID) -> Any:
    application = selectors.operations_placement_for(request.user, application_id)
    if application is None:
        raise Http404
    return application


def _visit_out(line: selectors.VisitLine) -> dict[str, Any]:
    v = line.visit
    return {
        "id": v.public_id,
        "mode": v.mode,
        "scheduled_at": v.scheduled_at,
        "time_zone": v.time_zone,
        "location": v.location,
        "link": v.link,
        "status": v.status,
        "outcome": v.outcome,
        "notes": v.notes if line.notes_visible else None,
        "notes_shared": v.notes_shared,
        "visitor": v.visitor.full_name if v.visitor else None,
    }


def _visits(request: HttpRequest, application: Any) -> dict[str, Any]:
    return {
        "timeline": [
            {"day": e.day, "kind": e.kind, "visit": e.visit.public_id if e.visit else None}
            for e in selectors.placement_timeline(request.user, application)
        ],
        "visits": [_visit_out(line) for line in selectors.visits_of(request.user, application)],
    }


@router.get("/incidents", response=list[IncidentOut], url_name="incident_list")
def incident_list(request: HttpRequest) -> Any:
    """Incidents you reported, and those you handle (newest first, at most 500)."""
    return [_incident_out(i) for i in selectors.incidents_for(request.user)]


def _incident_out(i: Any) -> dict[str, Any]:
    return {
        "id": i.public_id,
        "placement": i.application.public_id,
        "kind": i.kind,
        "severity": i.severity,
        "occurred_at": i.occurred_at,
        "status": i.status,
        "about_supervisor": i.about_supervisor,
        "reporter": i.reporter_name,
        "reported_at": i.created_at,
    }


def _incident_detail(i: Any) -> dict[str, Any]:
    return {
        **_incident_out(i),
        "description": i.description,
        "resolution": i.resolution,
        "has_evidence": bool(i.evidence),
    }


def _incident(request: HttpRequest, incident_id: UUID) -> Any:
    incident = selectors.incident_for(request.user, incident_id)
    if incident is None:
        raise Http404
    return incident


@router.get("/incidents/{incident_id}", response=IncidentDetailOut, url_name="incident_detail")
def incident_detail(request: HttpRequest, incident_id: UUID) -> Any:
    """One incident, with what happened (the reading is audited)."""
    incident = _incident(request, incident_id)
    services.incident_read_record(actor=request.user, incident=incident)
    return _incident_detail(incident)


@router.get(
    "/incidents/{incident_id}/evidence",
    url_name="incident_evidence",
    openapi_extra={
        "responses": {
            200: {
                "description": "The incident's evidence file, as an attachment.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def incident_evidence(request: HttpRequest, incident_id: UUID) -> FileResponse:
    """The incident's evidence file (404 when it has none). Same access as the incident."""
    incident = _incident(request, incident_id)
    if not incident.evidence:
        raise Http404
    extension = (incident.evidence.name or "").rsplit(".", 1)[-1]
    response = FileResponse(
        incident.evidence.open("rb"),
        as_attachment=True,
        filename=f"incident-{incident.public_id}.{extension}",
        content_type=incident.evidence_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/incidents/{incident_id}/status", response=IncidentDetailOut, url_name="incident_transition"
)
def incident_transition(request: HttpRequest, incident_id: UUID, payload: IncidentStatusIn) -> Any:
    """Coordinators: open → under_review → closed (closing needs a ``resolution``)."""
    incident = services.incident_transition(
        actor=request.user,
        incident=_incident(request, incident_id),
        to_status=payload.status,
        resolution=payload.resolution,
    )
    return _incident_detail(incident)


@router.put("/visits/{visit_id}", response=VisitOut, url_name="visit_record")
def visit_record(request: HttpRequest, visit_id: UUID, payload: VisitRecordIn) -> Any:
    """Faculty record a visit as completed (with an ``outcome``) or cancelled, with notes."""
    visit = (
        SiteVisit.objects.select_related("application__opportunity", "visitor")
        .filter(public_id=visit_id)
        .first()
    )
    if visit is None:
        raise Http404
    application = _placement(request, visit.application.public_id)
    if not can_view_visits(request.user, application):
        raise Http404
    recorded = services.visit_record(
        actor=request.user,
        visit=visit,
        status=payload.status,
        notes=payload.notes,
        notes_shared=payload.notes_shared,
        outcome=payload.outcome or "",
    )
    return _visit_out(selectors.VisitLine(recorded, True))


def _institution(request: HttpRequest, institution_id: UUID) -> Organization:
    institution = Organization.objects.filter(
        pk__in=coordinator_institution_ids(request.user), public_id=institution_id
    ).first()
    if institution is None:
        raise PermissionDeniedError()
    return institution


@router.put(
    "/institutions/{institution_id}/minors-rules",
    response=MinorsRulesOut,
    url_name="minors_rules_set",
)
def minors_rules_set(request: HttpRequest, institution_id: UUID, payload: MinorsRulesIn) -> Any:
    """Coordinators: hour limits for placements of students under 18 (null: no limit)."""
    return services.minors_rules_set(
        actor=request.user,
        institution=_institution(request, institution_id),
        max_hours_per_day=payload.max_hours_per_day,
        max_hours_per_week=payload.max_hours_per_week,
    )


@router.put(
    "/institutions/{institution_id}/birth-dates",
    response={204: None},
    url_name="birth_date_record",
)
def birth_date_record(request: HttpRequest, institution_id: UUID, payload: BirthDateIn) -> Any:
    """Coordinators: record a student's date of birth (private; it makes a placement a
    minor's)."""
    institution = _institution(request, institution_id)
    student = User.objects.filter(public_id=payload.student).first()
    if student is None:
        raise DomainError(_msg("No such student."), fields={"student": [_msg("No such student.")]})
    services.birth_date_record(
        actor=request.user,
        institution=institution,
        student=student,
        date_of_birth=payload.date_of_birth,
    )
    return Status(204, None)


def _msg(text: str) -> str:
    from django.utils.translation import gettext

    return gettext(text)


def _partner(partner_id: UUID) -> Organization:
    partner = Organization.objects.filter(public_id=partner_id).first()
    if partner is None or not partner.is_partner:
        raise Http404
    return partner


def _checklist(institution: Organization, partner: Organization) -> list[dict[str, Any]]:
    return [
        {
            "kind": line.kind,
            "state": line.state,
            "expires_on": line.item.expires_on if line.item else None,
            "verified_by": line.item.verified_by.full_name
            if line.item and line.item.verified_by
            else None,
            "verified_at": line.item.verified_at if line.item else None,
        }
        for line in selectors.diligence_checklist(institution.pk, partner.pk)
    ]


@router.get(
    "/institutions/{institution_id}/diligence/{partner_id}",
    response=list[DiligenceOut],
    url_name="diligence_checklist",
)
def diligence_checklist(request: HttpRequest, institution_id: UUID, partner_id: UUID) -> Any:
    """Coordinators: the institution's due-diligence checklist for a partner
    (state: missing, valid, expiring — within 30 days —, expired)."""
    institution = _institution(request, institution_id)
    return _checklist(institution, _partner(partner_id))


@router.post(
    "/institutions/{institution_id}/diligence/{partner_id}",
    response=list[DiligenceOut],
    url_name="diligence_item_record",
)
def diligence_item_record(
    request: HttpRequest,
    institution_id: UUID,
    partner_id: UUID,
    kind: Form[DiligenceKind],
    expires_on: Form[date | None] = None,  # type: ignore[assignment]
    evidence: UploadedFile = File(...),  # noqa: B008
) -> Any:
    """Coordinators file or renew a checklist item (multipart: ``kind``, ``evidence`` — PDF,
    DOCX, ODT, JPEG or PNG —, optional ``expires_on``)."""
    institution = _institution(request, institution_id)
    partner = _partner(partner_id)
    services.diligence_item_record(
        actor=request.user,
        institution=institution,
        partner=partner,
        kind=kind,
        file=evidence,
        expires_on=expires_on,
    )
    return _checklist(institution, partner)


@router.get("/{application_id}/visits", response=VisitsOut, url_name="visit_list")
def visit_list(request: HttpRequest, application_id: UUID) -> Any:
    """The placement's timeline (start, visits, mid-placement survey, end) and visits; notes
    only where you may read them."""
    application = _placement(request, application_id)
    if not can_view_visits(request.user, application):
        raise PermissionDeniedError()
    return _visits(request, application)


@router.post("/{application_id}/visits", response={201: VisitOut}, url_name="visit_schedule")
def visit_schedule(request: HttpRequest, application_id: UUID, payload: VisitIn) -> Any:
    """Faculty (educators, coordinators of the student's institution) schedule a visit."""
    application = _placement(request, application_id)
    when = payload.scheduled_at
    visit = services.visit_schedule(
        actor=request.user,
        application=application,
        mode=payload.mode,
        scheduled_at=when.replace(tzinfo=None) if when.tzinfo is None else when,
        time_zone=payload.time_zone,
        location=payload.location,
        link=payload.link,
    )
    return Status(201, _visit_out(selectors.VisitLine(visit, True)))


@router.post(
    "/{application_id}/incidents", response={201: IncidentDetailOut}, url_name="incident_report"
)
def incident_report(
    request: HttpRequest,
    application_id: UUID,
    kind: Form[IncidentKind],
    severity: Form[IncidentSeverity],
    occurred_at: Form[datetime],
    description: Form[str],
    about_supervisor: Form[bool] = False,  # type: ignore[assignment]
    evidence: UploadedFile | None = File(None),  # noqa: B008
) -> Any:
    """The student, a host supervisor or faculty report an incident (multipart; optional
    ``evidence``: PDF, DOCX, ODT, JPEG or PNG). Its handlers are e-mailed at once."""
    incident = services.incident_report(
        actor=request.user,
        application=_placement(request, application_id),
        kind=kind,
        severity=severity,
        occurred_at=occurred_at,
        description=description,
        about_supervisor=about_supervisor,
        file=evidence,
    )
    return Status(201, _incident_detail(incident))
