"""REST endpoints of messaging (mounted at /api/v1/messaging): the caller's conversations,
their messages, starting one, sending, reading, reporting abuse, and an institution's
student-messaging setting. Attachments are sent through the pages (multipart)."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from tandem.accounts.models import signed_in_user
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.pagination import PageNumberPagination, paginate
from tandem.core.schemas import PublicIdSchema
from tandem.organizations.models import Organization
from tandem.organizations.services import organization_student_messaging_set

from . import selectors, services
from .models import Conversation, Message
from .permissions import can_set_student_messaging

router = Router(tags=["messaging"])


class ConversationOut(PublicIdSchema):
    subject_type: str
    subject_id: str
    title: str
    last_message_at: datetime | None
    unread: int


class MessageOut(PublicIdSchema):
    sender_id: UUID | None
    sender_name: str
    body: str
    has_attachment: bool
    created_at: datetime

    @staticmethod
    def resolve_sender_id(obj: Message) -> UUID | None:
        return obj.sender.public_id if obj.sender else None

    @staticmethod
    def resolve_sender_name(obj: Message) -> str:
        return str(obj.sender) if obj.sender else ""

    @staticmethod
    def resolve_has_attachment(obj: Message) -> bool:
        return bool(obj.attachment)


class ConversationIn(Schema):
    #: A registered subject type (partnership, application, placement, event, and those
    #: other apps register); an unknown one is refused with 400.
    subject_type: str = Field(max_length=40)
    subject_id: UUID
    title: str = ""
    body: str
    #: People (user ids) to talk with; absent: everyone who belongs to the subject.
    participant_ids: list[UUID] | None = None


class MessageIn(Schema):
    body: str


class ReportIn(Schema):
    reason: str


class ReportOut(PublicIdSchema):
    created_at: datetime


class StudentMessagingIn(Schema):
    student_messaging: Literal["staff", "staff_and_recruiters"]


class StudentMessagingOut(Schema):
    student_messaging: str


def _conversation(request: HttpRequest, conversation_id: UUID) -> Conversation:
    found = selectors.conversation_get(request.user, conversation_id)
    if found is None:
        raise Http404
    return found


@router.get("/conversations", response=list[ConversationOut])
@paginate(PageNumberPagination)
def conversation_list(request: HttpRequest) -> Any:
    """The caller's conversations, latest first, with their unread counts."""
    return selectors.conversations_for(request.user)


@router.post("/conversations", response={201: ConversationOut})
def conversation_start(request: HttpRequest, payload: ConversationIn) -> Any:
    participants = None
    if payload.participant_ids is not None:
        User = get_user_model()
        wanted = {str(p) for p in payload.participant_ids}
        found = list(User.objects.filter(public_id__in=wanted))
        if len(found) != len(wanted):
            raise DomainError("Unknown person.", fields={"participant_ids": "Unknown person."})
        participants = found
    conv = services.conversation_start(
        actor=signed_in_user(request),
        subject_type=payload.subject_type,
        subject_id=str(payload.subject_id),
        title=payload.title,
        body=payload.body,
        participants=participants,
    )
    return Status(201, selectors.conversation_get(request.user, conv.public_id))


@router.get("/conversations/{conversation_id}", response=ConversationOut)
def conversation_detail(request: HttpRequest, conversation_id: UUID) -> Any:
    return _conversation(request, conversation_id)


@router.get("/conversations/{conversation_id}/messages", response=list[MessageOut])
@paginate(PageNumberPagination)
def message_list(request: HttpRequest, conversation_id: UUID) -> Any:
    return selectors.messages_of(_conversation(request, conversation_id))


@router.post("/conversations/{conversation_id}/messages", response={201: MessageOut})
def message_send(request: HttpRequest, conversation_id: UUID, payload: MessageIn) -> Any:
    """Post a message (rate-limited per sender: 429 past the hourly limit)."""
    conv = _conversation(request, conversation_id)
    message = services.message_send(
        actor=signed_in_user(request), conversation=conv, body=payload.body
    )
    return Status(201, message)


@router.post("/conversations/{conversation_id}/read", response={204: None})
def conversation_mark_read(request: HttpRequest, conversation_id: UUID) -> Any:
    conv = _conversation(request, conversation_id)
    services.conversation_mark_read(actor=signed_in_user(request), conversation=conv)
    return Status(204, None)


@router.post(
    "/conversations/{conversation_id}/messages/{message_id}/report", response={201: ReportOut}
)
def message_report(
    request: HttpRequest, conversation_id: UUID, message_id: UUID, payload: ReportIn
) -> Any:
    """Report another participant's message; the institution's coordinators are told."""
    conv = _conversation(request, conversation_id)
    message = conv.messages.filter(public_id=message_id).first()
    if message is None:
        raise Http404
    report = services.message_report(
        actor=signed_in_user(request), message=message, reason=payload.reason
    )
    return Status(201, report)


@router.put("/institutions/{institution_id}/student-messaging", response=StudentMessagingOut)
def student_messaging_set(
    request: HttpRequest, institution_id: UUID, payload: StudentMessagingIn
) -> Any:
    """Who may start a conversation with the institution's students (its coordinators)."""
    organization = Organization.objects.filter(public_id=institution_id).first()
    if organization is None:
        raise Http404
    if not can_set_student_messaging(request.user, organization):
        raise PermissionDeniedError()
    org = organization_student_messaging_set(
        actor=signed_in_user(request), organization=organization, policy=payload.student_messaging
    )
    return {"student_messaging": org.student_messaging}
