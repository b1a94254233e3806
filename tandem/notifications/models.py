"""Notifications: one row per person per event, and each person's choice of channel per kind.

A feature app never writes these rows itself: it calls
:func:`tandem.notifications.services.notify`, the one delivery path (in-app row, e-mail now
or in the daily digest, through the task queue, never twice per recipient and dedupe key).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel, TimeStampedModel


class Channel(models.TextChoices):
    """How a person wants a kind of notification: every channel but *off* shows it in the
    notification centre."""

    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("In the app and by e-mail at once")
    DIGEST = "digest", _("In the app and in a daily e-mail digest")
    OFF = "off", _("Off")


class Delivery(models.TextChoices):
    """Where a notification's e-mail stands (each state is left at most once: never twice)."""

    NONE = "none", _("No e-mail")
    PENDING = "pending", _("E-mail queued")
    DIGEST = "digest", _("Waiting for the daily digest")
    SENT = "sent", _("E-mailed")
    DIGESTED = "digested", _("Sent in a digest")
    FAILED = "failed", _("E-mail failed")


class Notification(PublicModel):
    """Something that happened that one person should know about.

    Personal data: the recipient, and the title and body written to them (which may name
    other people). ``subject_type``/``subject_id`` name the object it is about (a label such
    as ``applications.application`` and its public id), never a foreign key, so that this app
    imports none of the apps above it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    #: Small values the kind's e-mail needs (stage values, ids); no personal data.
    data = models.JSONField(default=dict, blank=True)
    #: ``<kind>:<the caller's key>``: one row per recipient and key, ever.
    dedupe_key = models.CharField(max_length=250)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    delivery = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.NONE, db_index=False
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            )
        ]
        indexes = [
            # The header's unread count and the centre's "unread" filter: one index range.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
            # The e-mail task finds its batch by key; the digest finds what waits for it.
            models.Index(
                fields=["dedupe_key"],
                condition=models.Q(delivery="pending"),
                name="notification_pending_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(delivery="digest"),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(TimeStampedModel):
    """One person's channel for one kind (absent: the kind's default).

    Personal data: the person's choices.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=80)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"
