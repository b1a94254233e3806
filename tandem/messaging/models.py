"""Conversations between the people who belong to a partnership, an application or a
placement, their messages (with an optional private attachment) and abuse reports."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel, TimeStampedModel


class Conversation(PublicModel):
    """A conversation about one subject (a registry key such as ``partnership`` and the
    subject's public id: no foreign key, so this app imports none of the apps above it).

    Personal data: its title, who started it.
    """

    subject_type = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="conversation_subject")]

    def __str__(self) -> str:
        return self.title


class Participant(TimeStampedModel):
    """A person in a conversation and how far they have read.

    Personal data: who takes part, when they last read.
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["conversation_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


def attachment_upload_to(instance: Message, filename: str) -> str:
    """A random name under ``messages/`` (private storage); only the extension is kept."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"messages/{uuid.uuid4().hex}{suffix}"


class Message(PublicModel):
    """One message.

    Personal data: the sender, the body, the attachment and its name.
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"))
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_upload_to, max_length=200, blank=True
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_conv_time"),
            models.Index(fields=["sender", "created_at"], name="message_sender_time"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class AbuseReport(PublicModel):
    """A participant's report that a message is abusive; the institution's coordinators are
    notified.

    Personal data: the reporter and the reason.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="abuse_report_once")
        ]

    def __str__(self) -> str:
        return f"report on {self.message_id}"
