"""Every write of notifications: the one delivery path :func:`notify`, reading, preferences,
and the person's notifications in export and erasure."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.email import recipient_language
from tandem.core.errors import DomainError

from .data import CHANNELS, get_kind
from .models import Channel, Delivery, Notification, NotificationPreference

if TYPE_CHECKING:
    from tandem.accounts.models import User

logger = logging.getLogger(__name__)

#: Rows written per INSERT; recipients looked up per query.
BATCH = 500

Text = str | Promise


def _render(text: Text, params: Mapping[str, Any]) -> str:
    rendered = str(text)
    if params:
        rendered = rendered % {k: str(v) for k, v in params.items()}
    return rendered


def _recipient_ids(recipients: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    seen: set[int] = set()
    for r in recipients:
        pk = r if isinstance(r, int) else getattr(r, "pk", None)
        if pk is not None and pk not in seen:
            seen.add(pk)
            ids.append(pk)
    return ids


def channels_for(kind: str, user_ids: list[int]) -> dict[int, str]:
    """Each person's channel for ``kind``: their preference, else the kind's default."""
    default = get_kind(kind).default
    chosen: dict[int, str] = {}
    for start in range(0, len(user_ids), BATCH):
        chunk = user_ids[start : start + BATCH]
        chosen.update(
            NotificationPreference.objects.filter(kind=kind, user_id__in=chunk).values_list(
                "user_id", "channel"
            )
        )
    return {pk: chosen.get(pk, default) for pk in user_ids}


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: Text,
    dedupe_key: str,
    body: Text = "",
    params: Mapping[str, Any] | None = None,
    link: str = "",
    subject: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
    deliver_email: bool = True,
) -> int:
    """Tell ``recipients`` (users or user ids) that something of ``kind`` happened.

    The one delivery path: in the caller's transaction it writes the in-app rows in bulk
    (``title`` and ``body`` are gettext strings with ``%(name)s`` ``params``, rendered in
    each recipient's language), skipping those who turned the kind off, inactive and erased
    accounts, and anyone who already has a notification with this ``dedupe_key`` (the
    database refuses a second one, also between concurrent callers). On commit it enqueues
    one task that e-mails those who chose *e-mail now*; *digest* rows wait for the daily
    digest. ``deliver_email=False`` (the demo world, backfills) writes in-app rows only.
    Returns the number of rows written.
    """
    spec = get_kind(kind)
    key = f"{kind}:{dedupe_key}"[:250]
    params = dict(params or {})
    ids = _recipient_ids(recipients)
    if not ids:
        return 0
    User = get_user_model()
    people: list[tuple[int, str]] = []
    for start in range(0, len(ids), BATCH):
        people.extend(
            User.objects.filter(
                pk__in=ids[start : start + BATCH], is_active=True, erased_at__isnull=True
            ).values_list("pk", "preferred_language")
        )
    # Those who already have this key are left out (the unique constraint still decides
    # between concurrent callers), so that the count returned is what was new.
    already: set[int] = set()
    for start in range(0, len(people), BATCH):
        already.update(
            Notification.objects.filter(
                dedupe_key=key, recipient_id__in=[pk for pk, _l in people[start : start + BATCH]]
            ).values_list("recipient_id", flat=True)
        )
    people = [(pk, lang) for pk, lang in people if pk not in already]
    channels = channels_for(kind, [pk for pk, _lang in people])
    subject_type = subject._meta.label_lower if subject is not None else ""
    subject_id = str(getattr(subject, "public_id", None) or getattr(subject, "pk", "") or "")
    rendered: dict[str, tuple[str, str]] = {}
    rows: list[Notification] = []
    emails = False
    for pk, language in people:
        channel = channels[pk]
        if channel == Channel.OFF and not spec.locked:
            continue
        lang = recipient_language(_Lang(language))  # type: ignore[arg-type]
        if lang not in rendered:
            with translation.override(lang):
                rendered[lang] = (
                    _render(title, params)[:300],
                    _render(body, params) if body else "",
                )
        text_title, text_body = rendered[lang]
        if not deliver_email:
            delivery = Delivery.NONE
        elif channel == Channel.EMAIL:
            delivery = Delivery.PENDING
        elif channel == Channel.DIGEST:
            delivery = Delivery.DIGEST
        else:
            delivery = Delivery.NONE
        emails = emails or delivery == Delivery.PENDING
        rows.append(
            Notification(
                recipient_id=pk,
                kind=kind,
                title=text_title,
                body=text_body,
                link=link,
                subject_type=subject_type,
                subject_id=subject_id,
                data=dict(data or {}),
                dedupe_key=key,
                delivery=delivery,
            )
        )
    Notification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    if emails:
        from .tasks import deliver_emails

        transaction.on_commit(lambda: deliver_emails.enqueue(key))
    logger.info("notify %s: %d recipients, %d rows offered", kind, len(ids), len(rows))
    return len(rows)


class _Lang:
    """Stands for a user in :func:`recipient_language` (only the language is read)."""

    def __init__(self, language: str) -> None:
        self.preferred_language = language


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (idempotent)."""
    if notification.recipient_id != actor.pk:
        raise DomainError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preference_set(*, actor: User, kind: str, channel: str) -> NotificationPreference:
    """Choose the actor's channel for ``kind`` (audited)."""
    try:
        spec = get_kind(kind)
    except ValueError:
        raise DomainError(
            _("Unknown kind of notification."), fields={"kind": _("Unknown kind.")}
        ) from None
    if channel not in CHANNELS:
        raise DomainError(_("Choose a channel."), fields={"channel": _("Choose a channel.")})
    if spec.locked and channel == Channel.OFF:
        msg = _("This kind of notification cannot be turned off.")
        raise DomainError(msg, fields={"channel": msg})
    pref, _created = NotificationPreference.objects.update_or_create(
        user=actor, kind=kind, defaults={"channel": channel}
    )
    audit_record(
        actor=actor,
        action="notifications.preference_set",
        target=pref,
        organizations=[],
        changes={"kind": kind, "channel": channel},
    )
    return pref


def notifications_personal_data_export(user: Any) -> dict[str, Any]:
    """The person's notifications and preferences."""
    return {
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "link": n.link,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "preferences": {
            p.kind: p.channel for p in NotificationPreference.objects.filter(user=user)
        },
    }


def notifications_personal_data_erase(user: Any) -> None:
    """The person's notifications and preferences go."""
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
