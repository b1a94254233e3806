"""REST endpoints for events (mounted at /api/v1/events by tandem.api.main).

Same selectors, services and permissions as the pages: invisible events answer 404, a visible
event the caller may not manage 403, registering twice or a second check-in 409, a code for
another event 400.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from tandem.accounts.models import signed_in_user
from tandem.core.dates import DateTime
from tandem.organizations.models import Organization
from tandem.partnerships.models import Partnership

from . import selectors, services
from .models import Event, EventKind, EventMode, Registration, SpeakerRequest
from .permissions import can_manage_event

router = Router(tags=["events"])


class EventIn(Schema):
    institution: UUID
    kind: EventKind
    mode: EventMode
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=20000)
    starts_at: DateTime
    ends_at: DateTime
    time_zone: str = Field("Europe/London", max_length=64)
    location: str = Field("", max_length=300)
    join_url: str = Field("", max_length=500)
    capacity: int = Field(..., ge=1, le=100000)
    registration_opens_at: DateTime | None = None
    registration_closes_at: DateTime | None = None
    program: str = Field("", max_length=200)
    partnership: UUID | None = None


class SpeakerOut(Schema):
    name: str
    organization: str
    topic: str


class EventOut(Schema):
    id: UUID = Field(..., alias="public_id")
    institution: UUID
    kind: str
    mode: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    location: str
    capacity: int
    program: str
    status: str
    sequence: int
    speakers: list[SpeakerOut]

    @staticmethod
    def resolve_institution(obj: Event) -> UUID:
        return obj.institution.public_id

    @staticmethod
    def resolve_speakers(obj: Event) -> list[dict[str, str]]:
        return [
            {
                "name": s.membership.user.full_name,
                "organization": s.membership.organization.name,
                "topic": s.topic,
            }
            for s in obj.speakers.all()
        ]


class RegistrationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    event: UUID
    status: str
    waitlist_position: int | None
    checked_in_at: datetime | None

    @staticmethod
    def resolve_event(obj: Registration) -> UUID:
        return obj.event.public_id

    @staticmethod
    def resolve_waitlist_position(obj: Registration) -> int | None:
        return selectors.waitlist_position(obj)


class AttendeeOut(RegistrationOut):
    name: str

    @staticmethod
    def resolve_name(obj: Registration) -> str:
        return obj.user.full_name


class CancelIn(Schema):
    reason: str = Field("", max_length=500)


class CheckInIn(Schema):
    token: str = Field(..., max_length=500)


class SpeakerRequestOut(Schema):
    id: UUID = Field(..., alias="public_id")
    institution: str
    speaker: str
    topic: str
    class_name: str
    status: str
    reasons: list[str]

    @staticmethod
    def resolve_institution(obj: SpeakerRequest) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_speaker(obj: SpeakerRequest) -> str:
        return obj.speaker.user.full_name


class AnswerIn(Schema):
    accept: bool
    note: str = Field("", max_length=500)


def _managed(request: HttpRequest, event_id: UUID) -> Event:
    event = selectors.event_get_or_404(request.user, event_id)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    return event


@router.get("/", response=list[EventOut], url_name="event_list")
def event_list(request: HttpRequest) -> Any:
    """Upcoming events you may see."""
    return selectors.events_for(request.user)[:200]


@router.post("/", response={201: EventOut}, url_name="event_create")
def event_create(request: HttpRequest, payload: EventIn) -> Any:
    """Create a draft event (coordinators and educators of the institution)."""
    institution = Organization.objects.filter(public_id=payload.institution).first()
    if institution is None:
        raise Http404
    data = payload.dict(exclude={"institution", "partnership"})
    if payload.partnership is not None:
        partnership = Partnership.objects.filter(public_id=payload.partnership).first()
        if partnership is None:
            raise Http404
        data["partnership"] = partnership
    event = services.event_create(actor=signed_in_user(request), institution=institution, **data)
    return Status(201, selectors.event_get_or_404(request.user, event.public_id))


@router.get("/registrations/mine", response=list[RegistrationOut], url_name="my_registrations")
def my_registrations(request: HttpRequest) -> Any:
    """Your registrations (confirmed and waiting)."""
    return selectors.my_registrations(request.user)


@router.get("/speaker-requests", response=list[SpeakerRequestOut], url_name="speaker_requests")
def speaker_requests(request: HttpRequest) -> Any:
    """Speaking requests your institution sent, or that were sent to you."""
    return selectors.speaker_requests_for(request.user)[:200]


@router.post(
    "/speaker-requests/{request_id}/answer",
    response=SpeakerRequestOut,
    url_name="speaker_request_answer",
)
def speaker_request_answer(request: HttpRequest, request_id: UUID, payload: AnswerIn) -> Any:
    """Accept or decline a speaking request sent to you."""
    found = selectors.speaker_request_get_or_404(request.user, request_id)
    return services.speaker_request_respond(
        actor=signed_in_user(request), request=found, accept=payload.accept, note=payload.note
    )


@router.get("/{event_id}", response=EventOut, url_name="event_detail")
def event_detail(request: HttpRequest, event_id: UUID) -> Any:
    return selectors.event_get_or_404(request.user, event_id)


@router.post("/{event_id}/publish", response=EventOut, url_name="event_publish")
def event_publish(request: HttpRequest, event_id: UUID) -> Any:
    services.event_publish(actor=signed_in_user(request), event=_managed(request, event_id))
    return selectors.event_get_or_404(request.user, event_id)


@router.post("/{event_id}/cancel", response=EventOut, url_name="event_cancel")
def event_cancel(request: HttpRequest, event_id: UUID, payload: CancelIn) -> Any:
    """Cancel the event; everyone registered or waiting is told."""
    services.event_cancel(
        actor=signed_in_user(request), event=_managed(request, event_id), reason=payload.reason
    )
    return selectors.event_get_or_404(request.user, event_id)


@router.get("/{event_id}/registrations", response=list[AttendeeOut], url_name="event_registrations")
def event_registrations(request: HttpRequest, event_id: UUID) -> Any:
    """Everyone registered or waiting (the event's organisers)."""
    return selectors.registrations_for_manager(_managed(request, event_id))


@router.post(
    "/{event_id}/registrations", response={201: RegistrationOut}, url_name="event_register"
)
def event_register(request: HttpRequest, event_id: UUID) -> Any:
    """Register yourself: a place while there is one, else the waiting list (409 when you are
    already registered)."""
    event = selectors.event_get_or_404(request.user, event_id)
    return Status(201, services.registration_create(actor=signed_in_user(request), event=event))


@router.post(
    "/{event_id}/registrations/mine/cancel",
    response=RegistrationOut,
    url_name="event_unregister",
)
def event_unregister(request: HttpRequest, event_id: UUID) -> Any:
    """Give up your place; the next person waiting gets it."""
    event = selectors.event_get_or_404(request.user, event_id)
    registration = selectors.registration_of(request.user, event)
    if registration is None:
        raise Http404
    return services.registration_cancel(actor=signed_in_user(request), registration=registration)


@router.post("/{event_id}/check-in", response=AttendeeOut, url_name="event_check_in")
def event_check_in(request: HttpRequest, event_id: UUID, payload: CheckInIn) -> Any:
    """Check an attendee in by the code of their QR code (the event's organisers)."""
    event = _managed(request, event_id)
    return services.registration_check_in(
        actor=signed_in_user(request), event=event, token=payload.token
    )
