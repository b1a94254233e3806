"""Contacts, the communication record, action items and documents of a partnership.

Personal data: contacts (names, e-mail addresses, roles), free text in communication and
action items.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.organizations.models import Organization

from ._fields import owner_field
from .partnerships import Partnership


class PartnershipContact(PublicModel):
    """A person to talk to on one side of the partnership: a user, or a name and e-mail.

    Personal data: name, e-mail, role title, user link.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contacts")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partnership_contacts",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    role_title = models.CharField(_("role or title"), max_length=120, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["organization__name", "-is_primary", "name", "id"]
        constraints = [
            models.CheckConstraint(
                name="contact_user_or_name_and_email",
                condition=models.Q(user__isnull=False) | (~models.Q(name="") & ~models.Q(email="")),
            ),
            models.UniqueConstraint(
                fields=["partnership", "organization"],
                condition=models.Q(is_primary=True),
                name="contact_one_primary_per_side",
            ),
            models.UniqueConstraint(
                fields=["partnership", "organization", "user"],
                condition=models.Q(user__isnull=False),
                name="contact_user_once_per_side",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        """A contact is a Tandem user, or a name and an e-mail address."""
        if self.user_id is not None:
            return
        errors: dict[str, object] = {}
        if not self.name:
            errors["name"] = _("Enter a name, or choose a Tandem user.")
        if not self.email:
            errors["email"] = _("Enter an e-mail address, or choose a Tandem user.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            return str(self.user)
        return self.name

    @property
    def display_email(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.email
        return self.email


class CommunicationKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    DECISION = "decision", _("Decision")
    NOTE = "note", _("Note")
    CALL = "call", _("Call")


class CommunicationEntry(PublicModel):
    """One entry in the partnership's communication record. Personal data: free text."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="communications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommunicationKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "communication entries"

    def __str__(self) -> str:
        return self.title


class ActionItem(PublicModel):
    """A follow-up someone owns, optionally arising from a communication entry."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="action_items"
    )
    entry = models.ForeignKey(
        CommunicationEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    description = models.CharField(_("description"), max_length=300)
    owner = owner_field()
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due_date", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement")
    MOU = "mou", _("Memorandum of understanding")
    OTHER = "other", _("Other")


def document_upload_to(instance: PartnershipDocument, filename: str) -> str:
    """A random name under ``partnerships/``; only the detected extension is kept."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"partnerships/{uuid.uuid4().hex}{suffix}"


class PartnershipDocument(PublicModel):
    """An agreement, MOU or other file, stored outside the web root and served by a view."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
