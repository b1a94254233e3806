"""Incidents: the student, a host supervisor or faculty report a safety or conduct incident on
a placement; its handlers are e-mailed at once (through the task queue, after commit); the
institution's coordinators move it through review to closed. Every change and every reading
of an incident's page is audited."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.applications.models import Application
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.core.uploads import ACCEPTED_WITH_IMAGES, check_document

from ..models import Incident, IncidentKind, IncidentSeverity, IncidentStatus
from ..permissions import can_handle_incident, can_report_incident, can_view_incident

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

DESCRIPTION_MAX_CHARS = 5000
RESOLUTION_MAX_CHARS = 5000
#: open → under review → closed (closing straight from open is allowed too: a report that
#: needs no review is closed with its resolution).
TRANSITIONS = {
    IncidentStatus.OPEN: {IncidentStatus.UNDER_REVIEW, IncidentStatus.CLOSED},
    IncidentStatus.UNDER_REVIEW: {IncidentStatus.CLOSED},
    IncidentStatus.CLOSED: set(),
}


def _orgs(application: Application) -> list[int]:
    return [application.institution_id, application.opportunity.host_id]


@transaction.atomic
def incident_report(
    *,
    actor: Actor,
    application: Application,
    kind: str,
    severity: str,
    occurred_at: dt.datetime | None,
    description: str,
    about_supervisor: bool = False,
    file: UploadedFile | None = None,
) -> Incident:
    """Report an incident (optional evidence: PDF, Word, OpenDocument, JPEG or PNG); its
    handlers are notified by e-mail once the report is saved."""
    if not can_report_incident(actor, application):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if kind not in IncidentKind.values:
        errors["kind"] = [_("Choose safety or conduct.")]
    if severity not in IncidentSeverity.values:
        errors["severity"] = [_("Choose a severity.")]
    if occurred_at is None:
        errors["occurred_at"] = [_("Say when it happened.")]
    else:
        if timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        if occurred_at > timezone.now() + dt.timedelta(minutes=5):
            errors["occurred_at"] = [_("An incident cannot be reported before it happens.")]
        elif occurred_at.date() < application.created_at.date():
            errors["occurred_at"] = [_("This is before the placement was arranged.")]
    if not description:
        errors["description"] = [_("Say what happened.")]
    elif len(description) > DESCRIPTION_MAX_CHARS:
        errors["description"] = [_("At most %(n)d characters.") % {"n": DESCRIPTION_MAX_CHARS}]
    content: tuple[str, str] | None = None
    if file is not None:
        try:
            content = check_document(
                file,
                field="evidence",
                accepted=ACCEPTED_WITH_IMAGES,
                kinds_message=_("Upload a PDF, Word, OpenDocument, JPEG or PNG file."),
            )
        except DomainError as exc:
            errors.update(exc.fields or {"evidence": [str(exc)]})
    if errors:
        raise DomainError(_("The incident could not be reported."), fields=errors)
    assert occurred_at is not None
    incident = Incident(
        application=application,
        reporter=actor if actor.is_authenticated else None,
        reporter_name=(getattr(actor, "full_name", "") or "")[:200],
        kind=kind,
        severity=severity,
        occurred_at=occurred_at,
        description=description,
        about_supervisor=bool(about_supervisor),
    )
    if file is not None and content is not None:
        incident.evidence_content_type = content[1]
        incident.evidence_name = (file.name or "")[:200]
        incident.evidence.save(f"evidence.{content[0]}", file, save=False)
    try:
        incident.save()
    except Exception:
        if incident.evidence:
            incident.evidence.delete(save=False)
        raise
    audit_record(
        actor=actor,
        action="placements.incident_reported",
        target=incident,
        organizations=_orgs(application),
        changes={"kind": kind, "severity": severity, "about_supervisor": bool(about_supervisor)},
    )
    from ..tasks import send_incident_notification

    pk = incident.pk
    transaction.on_commit(lambda: send_incident_notification.enqueue(pk))
    return incident


@transaction.atomic
def incident_transition(
    *, actor: Actor, incident: Incident, to_status: str, resolution: str = ""
) -> Incident:
    """Coordinators move an incident on: open → under review → closed (with a resolution)."""
    if not can_handle_incident(actor, incident):
        raise PermissionDeniedError()
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    resolution = (resolution or "").strip()
    if to_status not in IncidentStatus.values:
        raise DomainError(
            _("Choose a status."), fields={"status": [_("Choose under review or closed.")]}
        )
    if to_status not in TRANSITIONS[IncidentStatus(current.status)]:
        raise ConflictError(
            _("An incident that is %(status)s cannot become %(to)s.")
            % {
                "status": IncidentStatus(current.status).label,
                "to": IncidentStatus(to_status).label,
            },
            code="incident_transition",
        )
    if to_status == IncidentStatus.CLOSED:
        if not resolution:
            raise DomainError(
                _("Say how the incident was resolved."),
                fields={"resolution": [_("Give the resolution before closing.")]},
            )
        if len(resolution) > RESOLUTION_MAX_CHARS:
            raise DomainError(
                _("The resolution is too long."),
                fields={"resolution": [_("At most %(n)d characters.") % {"n": 5000}]},
            )
        current.resolution = resolution
        current.closed_by = actor if actor.is_authenticated else None
        current.closed_at = timezone.now()
    previous = current.status
    current.status = to_status
    current.save()
    audit_record(
        actor=actor,
        action="placements.incident_status_changed",
        target=current,
        organizations=_orgs(current.application),
        changes={"from": previous, "to": to_status},
    )
    return current


@transaction.atomic
def incident_read_record(*, actor: Actor, incident: Incident) -> None:
    """Audit one reading of an incident's detail (page or API): who read it, when. The
    audit trail is append-only, so this is the one write a GET of an incident makes."""
    if not can_view_incident(actor, incident):
        raise PermissionDeniedError()
    audit_record(
        actor=actor,
        action="placements.incident_viewed",
        target=incident,
        organizations=_orgs(incident.application),
    )
