"""Every write of messaging: starting a conversation, sending, reading, reporting abuse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.core.uploads import ACCEPTED_WITH_IMAGES, check_document
from tandem.notifications.services import notify
from tandem.organizations.models import Membership, Role

from .data import SubjectType, get_subject_type
from .models import AbuseReport, Conversation, Message, Participant
from .permissions import (
    can_report_message,
    can_start_conversation,
    can_view_conversation,
    may_message_students,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User

BODY_MAX = 5000


class RateLimitedError(DomainError):
    """Too many messages from one sender in the last hour."""

    status = 429


def messages_per_hour() -> int:
    return int(getattr(settings, "MESSAGING_MESSAGES_PER_HOUR", 30))


def conversations_per_hour() -> int:
    return int(getattr(settings, "MESSAGING_CONVERSATIONS_PER_HOUR", 10))


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        msg = _("Write a message.")
        raise DomainError(msg, fields={"body": msg})
    if len(text) > BODY_MAX:
        msg = _("A message has at most %(n)d characters.") % {"n": BODY_MAX}
        raise DomainError(msg, fields={"body": msg})
    return text


def _rate_limit(actor: User, *, starting: bool) -> None:
    since = timezone.now() - dt.timedelta(hours=1)
    sent = Message.objects.filter(sender=actor, created_at__gte=since).count()
    if sent >= messages_per_hour():
        raise RateLimitedError(
            _("You have sent %(n)d messages in the last hour, the most allowed. Try again later.")
            % {"n": sent},
            code="rate_limited",
        )
    if starting:
        started = Conversation.objects.filter(started_by=actor, created_at__gte=since).count()
        if started >= conversations_per_hour():
            raise RateLimitedError(
                _("You have started %(n)d conversations in the last hour, the most allowed.")
                % {"n": started},
                code="rate_limited",
            )


def _subject(spec: SubjectType, conversation: Conversation) -> Any:
    return spec.resolve(conversation.subject_id)


def _organizations(spec: SubjectType, obj: Any) -> set[int]:
    return spec.institutions(obj) | spec.partners(obj)


def conversation_link(conversation: Conversation) -> str:
    return reverse("messaging:conversation", kwargs={"public_id": conversation.public_id})


def _attach(message: Message, attachment: UploadedFile | None) -> None:
    if attachment is None:
        return
    _ext, content_type = check_document(
        attachment,
        field="attachment",
        accepted=ACCEPTED_WITH_IMAGES,
        kinds_message=_("Attach a PDF, Word (DOCX), OpenDocument (ODT), JPEG or PNG file."),
    )
    message.attachment_name = (attachment.name or "attachment")[:200]
    message.attachment_type = content_type
    message.attachment.save(attachment.name or "attachment", attachment, save=False)


def _post(
    *, actor: User, conversation: Conversation, body: str, attachment: UploadedFile | None
) -> Message:
    message = Message(conversation=conversation, sender=actor, body=body)
    _attach(message, attachment)
    message.save()
    now = message.created_at
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    conversation.last_message_at = now
    # The sender has read their own message.
    Participant.objects.filter(conversation=conversation, user=actor).update(last_read_at=now)
    others = list(
        Participant.objects.filter(conversation=conversation)
        .exclude(user=actor)
        .values_list("user_id", flat=True)
    )
    notify(
        recipients=others,
        kind="messaging.message",
        title=gettext_lazy("New message from %(sender)s: %(title)s"),
        # The body is a format string for notify(): the message's own % signs are text.
        body=body[:300].replace("%", "%%"),
        params={"sender": actor.full_name or actor.email, "title": conversation.title},
        link=conversation_link(conversation),
        subject=message,
        dedupe_key=str(message.public_id),
    )
    return message


@transaction.atomic
def conversation_start(
    *,
    actor: User,
    subject_type: str,
    subject_id: str,
    title: str,
    body: str,
    participants: Iterable[Any] | None = None,
    attachment: UploadedFile | None = None,
) -> Conversation:
    """Start a conversation about an object with people who belong to it (all of them when
    ``participants`` is None) and post its first message. Refused for someone who does not
    belong to the object, for a participant who does not (a clear message naming them), and
    with students when their institution does not let the actor start one."""
    try:
        spec = get_subject_type(subject_type)
    except ValueError:
        raise DomainError(_("Conversations cannot be about this."), code="invalid") from None
    obj = spec.resolve(str(subject_id))
    if obj is None or not can_start_conversation(actor, spec, obj):
        raise PermissionDeniedError(
            _("Only the people who belong to it can start a conversation about it.")
        )
    title = (title or "").strip()[:200] or spec.title(obj)[:200]
    text = _clean_body(body)
    members = spec.members(obj)
    if participants is None:
        chosen = set(members)
    else:
        chosen = {p if isinstance(p, int) else p.pk for p in participants}
        outside = chosen - members
        if outside:
            User = get_user_model()
            names = ", ".join(
                sorted(str(u) for u in User.objects.filter(pk__in=outside).only("full_name"))
            ) or _("someone")
            msg = _(
                "%(names)s is not part of this %(subject)s: you can only message the people "
                "who belong to it."
            ) % {"names": names, "subject": spec.label}
            raise DomainError(msg, fields={"participants": msg}, code="not_a_member")
    chosen.add(actor.pk)
    if len(chosen) < 2:
        msg = _("Choose at least one other person.")
        raise DomainError(msg, fields={"participants": msg})
    if (chosen & spec.students(obj)) - {actor.pk} and not may_message_students(actor, spec, obj):
        raise PermissionDeniedError(
            _(
                "The student's institution lets only its staff start conversations with its "
                "students."
            )
        )
    _rate_limit(actor, starting=True)
    conversation = Conversation.objects.create(
        subject_type=spec.key, subject_id=str(subject_id), title=title, started_by=actor
    )
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, user_id=pk) for pk in sorted(chosen)]
    )
    _post(actor=actor, conversation=conversation, body=text, attachment=attachment)
    audit_record(
        actor=actor,
        action="messaging.conversation_start",
        target=conversation,
        organizations=_organizations(spec, obj),
        changes={"subject": f"{spec.key}:{subject_id}", "participants": len(chosen)},
    )
    return conversation


@transaction.atomic
def message_send(
    *,
    actor: User,
    conversation: Conversation,
    body: str,
    attachment: UploadedFile | None = None,
) -> Message:
    """Post a message to a conversation the actor takes part in (rate-limited per sender)."""
    if not can_view_conversation(actor, conversation):
        raise PermissionDeniedError(_("You are not part of this conversation."))
    text = _clean_body(body)
    _rate_limit(actor, starting=False)
    message = _post(actor=actor, conversation=conversation, body=text, attachment=attachment)
    spec = get_subject_type(conversation.subject_type)
    obj = _subject(spec, conversation)
    audit_record(
        actor=actor,
        action="messaging.message_send",
        target=message,
        organizations=_organizations(spec, obj) if obj is not None else [],
        changes={"conversation": str(conversation.public_id), "attachment": bool(attachment)},
    )
    return message


@transaction.atomic
def conversation_mark_read(*, actor: User, conversation: Conversation) -> None:
    """The actor has read the conversation up to now."""
    updated = Participant.objects.filter(conversation=conversation, user=actor).update(
        last_read_at=timezone.now()
    )
    if not updated:
        raise PermissionDeniedError(_("You are not part of this conversation."))


@transaction.atomic
def message_report(*, actor: User, message: Message, reason: str) -> AbuseReport:
    """Report a message as abusive: recorded once per reporter, audited, and the
    coordinators of the institutions involved are notified (by e-mail; they cannot turn it
    off)."""
    if not can_report_message(actor, message):
        raise PermissionDeniedError(
            _("You can report only others' messages in your conversations.")
        )
    text = (reason or "").strip()
    if not text:
        msg = _("Say what is wrong with this message.")
        raise DomainError(msg, fields={"reason": msg})
    try:
        with transaction.atomic():
            report = AbuseReport.objects.create(message=message, reporter=actor, reason=text[:2000])
    except IntegrityError:
        raise ConflictError(_("You have already reported this message.")) from None
    conversation = message.conversation
    spec = get_subject_type(conversation.subject_type)
    obj = _subject(spec, conversation)
    institutions = spec.institutions(obj) if obj is not None else set()
    coordinators = Membership.objects.filter(
        organization_id__in=institutions, role=Role.COORDINATOR, is_active=True
    ).values_list("user_id", flat=True)
    notify(
        recipients=list(coordinators),
        kind="messaging.abuse_report",
        title=gettext_lazy("A message was reported as abusive in “%(title)s”"),
        body=gettext_lazy("Reason given: %(reason)s"),
        params={"title": conversation.title, "reason": text[:300]},
        link=conversation_link(conversation),
        subject=report,
        dedupe_key=str(report.public_id),
    )
    audit_record(
        actor=actor,
        action="messaging.abuse_report",
        target=report,
        organizations=institutions,
        changes={"message": str(message.public_id)},
    )
    return report


def messaging_personal_data_export(user: Any) -> dict[str, Any]:
    """The person's conversations and the messages they sent, and their abuse reports."""
    return {
        "conversations": [
            {
                "title": p.conversation.title,
                "subject": p.conversation.subject_type,
                "last_read_at": p.last_read_at,
            }
            for p in Participant.objects.filter(user=user).select_related("conversation")
        ],
        "messages_sent": [
            {
                "conversation": m.conversation.title,
                "body": m.body,
                "attachment": m.attachment_name,
                "created_at": m.created_at,
            }
            for m in Message.objects.filter(sender=user)
            .select_related("conversation")
            .order_by("created_at", "pk")
        ],
        "abuse_reports": [
            {"reason": r.reason, "created_at": r.created_at}
            for r in AbuseReport.objects.filter(reporter=user)
        ],
    }


def messaging_personal_data_erase(user: Any) -> None:
    """Their messages' text and attachments are removed (the others keep the thread, with
    "message removed"), their participations and reports go."""
    for message in Message.objects.filter(sender=user).exclude(attachment=""):
        message.attachment.delete(save=False)
    Message.objects.filter(sender=user).update(
        body=str(_("(message removed)")), attachment="", attachment_name="", sender=None
    )
    Participant.objects.filter(user=user).delete()
    AbuseReport.objects.filter(reporter=user).delete()
    Conversation.objects.filter(started_by=user).update(started_by=None)
