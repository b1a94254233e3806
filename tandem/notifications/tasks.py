"""Background delivery of notification e-mails: *e-mail now* in slices, and the daily digest.

:func:`deliver_emails` takes the pending rows of one dedupe key in slices of
``NOTIFICATIONS_EMAIL_SLICE`` (claimed in a transaction, so two workers never take the same
row; a claimed row is marked sent before it is sent: at most once, never twice) and enqueues
itself again for the rest, so a fan-out to thousands of people never holds a worker for long:
other tasks queued meanwhile run between the slices. Logs carry counts only.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from tandem.core.email import recipient_language, send_text_email
from tandem.core.links import absolute_url

from .data import get_kind
from .models import Delivery, Notification

logger = logging.getLogger(__name__)


def email_slice() -> int:
    return int(getattr(settings, "NOTIFICATIONS_EMAIL_SLICE", 200))


def _claim(queryset: Any, limit: int, to: str) -> list[int]:
    with transaction.atomic():
        ids = list(
            queryset.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(delivery=to, delivered_at=timezone.now())
    return ids


def _link(notification: Notification) -> str:
    return absolute_url(notification.link) if notification.link.startswith("/") else ""


def send_one(notification: Notification) -> bool:
    """E-mail one notification to its recipient in their language; False if nothing sent."""
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email and recipient.erased_at is None):
        return False
    try:
        spec = get_kind(notification.kind)
    except ValueError:
        spec = None
    language = recipient_language(recipient)
    with translation.override(language):
        context: dict[str, Any] = {
            "recipient": recipient,
            "notification": notification,
            "url": _link(notification),
        }
        templates = (
            "notifications/email/notification_subject.txt",
            "notifications/email/notification_body.txt",
        )
        if spec is not None and spec.email_templates and spec.email_context:
            extra = spec.email_context(notification)
            if extra is None:
                return False
            context = {**context, **extra}
            templates = spec.email_templates
    send_text_email(
        to=recipient.email,
        subject_template=templates[0],
        body_template=templates[1],
        context=context,
        language=language,
    )
    return True


@task()
def deliver_emails(dedupe_key: str) -> int:
    """E-mail one slice of the pending notifications of ``dedupe_key``; enqueue the rest."""
    pending = Notification.objects.filter(dedupe_key=dedupe_key, delivery=Delivery.PENDING)
    ids = _claim(pending, email_slice(), Delivery.SENT)
    sent = failed = 0
    for notification in Notification.objects.filter(pk__in=ids).select_related("recipient"):
        try:
            if send_one(notification):
                sent += 1
        except Exception:
            failed += 1
            Notification.objects.filter(pk=notification.pk).update(delivery=Delivery.FAILED)
    if len(ids) == email_slice() and pending.exists():
        deliver_emails.enqueue(dedupe_key)
    logger.info("notification e-mails: %d sent, %d failed", sent, failed)
    return sent


@task()
def send_daily_digests(today: str | None = None) -> int:
    """One e-mail per person listing the notifications waiting for the digest; returns how
    many e-mails were sent. Each row is claimed once, so a second run sends nothing."""
    _day = dt.date.fromisoformat(today) if today else timezone.localdate()
    User = get_user_model()
    waiting = (
        Notification.objects.filter(delivery=Delivery.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    sent = 0
    for user_id in list(waiting):
        ids = _claim(
            Notification.objects.filter(recipient_id=user_id, delivery=Delivery.DIGEST),
            10_000,
            Delivery.DIGESTED,
        )
        user = User.objects.filter(pk=user_id).first()
        if not ids or user is None:
            continue
        if not (user.is_active and user.email and user.erased_at is None):
            continue
        items = list(Notification.objects.filter(pk__in=ids).order_by("created_at", "pk"))
        language = recipient_language(user)
        send_text_email(
            to=user.email,
            subject_template="notifications/email/digest_subject.txt",
            body_template="notifications/email/digest_body.txt",
            context={
                "recipient": user,
                "items": [(n, _link(n)) for n in items],
                "count": len(items),
                "url": absolute_url("/notifications/"),
            },
            language=language,
        )
        sent += 1
    logger.info("notification digests: %d e-mails", sent)
    return sent
