"""Messaging: conversations between the people who belong to a partnership, an application
or a placement; outsiders refused with a clear message; the institution's student-messaging
setting; rate limits; abuse reports reaching the coordinators; unread counts; attachments;
export and erasure."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.accounts.personal_data import erasers, export_personal_data
from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.messaging.models import AbuseReport, Conversation, Message
from tandem.messaging.selectors import conversations_for
from tandem.messaging.services import (
    RateLimitedError,
    conversation_mark_read,
    conversation_start,
    message_report,
    message_send,
)
from tandem.notifications.models import Notification
from tandem.organizations.services import organization_student_messaging_set
from tests.factories import (
    MINIMAL_PDF,
    PartnershipFactory,
    application_at,
    application_cast,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    c = application_cast(title="Data internship")
    c.partnership = PartnershipFactory(institutions=[c.institution], partners=[c.host])
    return c


def _start(cast, actor=None, **kwargs):
    return conversation_start(
        actor=actor or cast.coordinator,
        subject_type=kwargs.pop("subject_type", "partnership"),
        subject_id=kwargs.pop("subject_id", str(cast.partnership.public_id)),
        title=kwargs.pop("title", "Spring cohort"),
        body=kwargs.pop("body", "Shall we meet on Monday?"),
        **kwargs,
    )


def test_partnership_conversation_reaches_the_other_participant(cast):
    conv = _start(cast, participants=[cast.recruiter])
    assert {p.user_id for p in conv.participants.all()} == {cast.coordinator.pk, cast.recruiter.pk}
    # The recruiter has one unread message and a notification; the sender none.
    mine = conversations_for(cast.recruiter).get()
    assert mine.unread == 1
    assert conversations_for(cast.coordinator).get().unread == 0
    note = Notification.objects.get(recipient=cast.recruiter)
    assert note.kind == "messaging.message"
    assert note.link == f"/messages/{conv.public_id}/"
    message_send(actor=cast.recruiter, conversation=conv, body="Monday works.")
    assert conversations_for(cast.coordinator).get().unread == 1
    conversation_mark_read(actor=cast.recruiter, conversation=conv)
    assert conversations_for(cast.recruiter).get().unread == 0
    assert AuditEvent.objects.filter(action="messaging.message_send").count() == 1
    assert AuditEvent.objects.filter(action="messaging.conversation_start").count() == 1


def test_messaging_someone_outside_refused_with_a_clear_message(cast):
    with pytest.raises(DomainError) as refused:
        _start(cast, participants=[cast.other_recruiter])
    assert "is not part of this partnership" in refused.value.message
    assert str(cast.other_recruiter) in refused.value.message
    assert not Conversation.objects.exists()
    # Someone who does not belong to the partnership cannot start one at all,
    with pytest.raises(PermissionDeniedError):
        _start(cast, actor=cast.other_coordinator)
    # nor write in a conversation they are not part of.
    conv = _start(cast, participants=[cast.recruiter])
    with pytest.raises(PermissionDeniedError):
        message_send(actor=cast.educator, conversation=conv, body="Let me in")
    assert Message.objects.count() == 1


def test_institution_decides_who_may_start_a_conversation_with_a_student(cast):
    app = application_at(cast, "submitted")
    # Default: recruiters of the host may write to the student about the application.
    conv = _start(
        cast,
        actor=cast.recruiter,
        subject_type="application",
        subject_id=str(app.public_id),
        participants=[cast.student],
    )
    assert conv.subject_type == "application"
    organization_student_messaging_set(
        actor=cast.coordinator, organization=cast.institution, policy="staff"
    )
    with pytest.raises(PermissionDeniedError) as refused:
        _start(
            cast,
            actor=cast.recruiter,
            subject_type="application",
            subject_id=str(app.public_id),
            participants=[cast.student],
        )
    assert "only its staff" in refused.value.message
    # The recruiter may still talk with the institution's coordinator about it,
    _start(
        cast,
        actor=cast.recruiter,
        subject_type="application",
        subject_id=str(app.public_id),
        participants=[cast.coordinator],
    )
    # the coordinator and the student themselves with each other.
    _start(
        cast,
        actor=cast.coordinator,
        subject_type="application",
        subject_id=str(app.public_id),
        participants=[cast.student],
    )
    _start(
        cast,
        actor=cast.student,
        subject_type="application",
        subject_id=str(app.public_id),
        participants=[cast.recruiter],
    )
    # Only the institution's coordinators choose the setting.
    with pytest.raises(PermissionDeniedError):
        organization_student_messaging_set(
            actor=cast.recruiter, organization=cast.institution, policy="staff_and_recruiters"
        )


def test_rate_limit_per_sender(cast, settings):
    settings.MESSAGING_MESSAGES_PER_HOUR = 3
    conv = _start(cast, participants=[cast.recruiter])
    message_send(actor=cast.coordinator, conversation=conv, body="two")
    message_send(actor=cast.coordinator, conversation=conv, body="three")
    with pytest.raises(RateLimitedError) as limited:
        message_send(actor=cast.coordinator, conversation=conv, body="four")
    assert limited.value.status == 429
    assert Message.objects.filter(sender=cast.coordinator).count() == 3
    # Another sender has their own budget.
    message_send(actor=cast.recruiter, conversation=conv, body="mine")


def test_report_abuse_notifies_the_coordinators(cast):
    conv = _start(cast, actor=cast.recruiter, participants=[cast.educator])
    message = conv.messages.get()
    report = message_report(actor=cast.educator, message=message, reason="Insulting")
    assert report.reason == "Insulting"
    note = Notification.objects.get(kind="messaging.abuse_report")
    assert note.recipient == cast.coordinator
    with pytest.raises(ConflictError):
        message_report(actor=cast.educator, message=message, reason="again")
    # Not one's own message, and not from outside the conversation.
    with pytest.raises(PermissionDeniedError):
        message_report(actor=cast.recruiter, message=message, reason="mine")
    with pytest.raises(PermissionDeniedError):
        message_report(actor=cast.other_coordinator, message=message, reason="x")
    assert AbuseReport.objects.count() == 1


def test_attachment_checked_and_stored_privately(cast):
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError):
        _start(cast, participants=[cast.recruiter], attachment=bad)
    good = SimpleUploadedFile("agenda.pdf", MINIMAL_PDF, content_type="application/pdf")
    conv = _start(cast, participants=[cast.recruiter], attachment=good)
    message = conv.messages.get()
    assert message.attachment_type == "application/pdf"
    assert message.attachment.name.startswith("messages/")
    assert "agenda" not in message.attachment.name


def test_export_and_erasure(cast):
    conv = _start(cast, participants=[cast.recruiter], body="Personal words")
    data = export_personal_data(cast.coordinator)["messaging"]
    assert data["messages_sent"][0]["body"] == "Personal words"
    erasers()["messaging"](cast.coordinator)
    message = conv.messages.get()
    assert message.body != "Personal words"
    assert message.sender is None
    assert not conv.participants.filter(user=cast.coordinator).exists()
