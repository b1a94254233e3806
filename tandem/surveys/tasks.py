"""Background work for surveys: invitation and reminder e-mails, the periodic triggers.

Logs carry only public ids, never names or addresses.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tandem.core.email import recipient_language, send_text_email
from tandem.core.links import absolute_url
from tandem.notifications.data import Kind, register_kind
from tandem.notifications.models import Notification
from tandem.notifications.services import notify

from .models import SurveyInvitation

logger = logging.getLogger(__name__)


def answer_url(invitation: SurveyInvitation) -> str:
    """Signed-in invitees answer on their page; everyone else through the signed link."""
    from .services import invitation_token

    if invitation.user_id is not None:
        return absolute_url(reverse("surveys:answer", kwargs={"public_id": invitation.public_id}))
    return absolute_url(
        reverse("surveys:answer_link", kwargs={"token": invitation_token(invitation)})
    )


INVITATION_KIND = "surveys.invitation"


def invitation_email_context(notification: Notification) -> dict[str, Any] | None:
    """The invitation e-mail's context for a notification (nothing once it is answered)."""
    invitation = (
        SurveyInvitation.objects.select_related("survey__institution", "user")
        .filter(public_id=notification.subject_id)
        .first()
    )
    if invitation is None or invitation.responded_at is not None:
        return None
    return {
        "invitation": invitation,
        "survey": invitation.survey,
        "url": answer_url(invitation),
        "reminder": bool(notification.data.get("reminder")),
    }


def register_kinds() -> None:
    register_kind(
        Kind(
            key=INVITATION_KIND,
            label=_("Survey invitations"),
            description=_("You are invited to answer a survey, or reminded to."),
            default="email",
            email_templates=(
                "surveys/email/invitation_subject.txt",
                "surveys/email/invitation_body.txt",
            ),
            email_context=invitation_email_context,
        )
    )


def invite(invitation: SurveyInvitation, *, reminder: bool) -> None:
    """Tell the invitee, in the caller's transaction: people with an account through the
    notifications (their preference decides the e-mail), others by e-mail on commit."""
    if invitation.user_id is None:
        transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk, reminder))
        return
    survey = invitation.survey
    notify(
        recipients=[invitation.user_id],
        kind=INVITATION_KIND,
        title=_("Reminder: please answer “%(survey)s”")
        if reminder
        else _("You are invited to answer “%(survey)s”"),
        params={"survey": survey.title},
        link=reverse("surveys:answer", kwargs={"public_id": invitation.public_id}),
        subject=invitation,
        data={"reminder": reminder},
        dedupe_key=f"{invitation.public_id}:{invitation.reminders_sent if reminder else 0}",
    )


@task()
def send_invitation(invitation_id: int, reminder: bool) -> int:
    """E-mail an invitation (or a reminder). Returns the number of messages sent."""
    invitation = (
        SurveyInvitation.objects.select_related("survey__institution", "user")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.responded_at is not None:
        return 0
    to = invitation.recipient_email
    if not to:
        return 0
    send_text_email(
        to=to,
        subject_template="surveys/email/invitation_subject.txt",
        body_template="surveys/email/invitation_body.txt",
        context={
            "invitation": invitation,
            "survey": invitation.survey,
            "url": answer_url(invitation),
            "reminder": reminder,
        },
        language=recipient_language(invitation.user),
    )
    logger.info("survey invitation %s sent (reminder=%s)", invitation.public_id, reminder)
    return 1


@task()
def run_survey_triggers(today: str | None = None) -> dict[str, Any]:
    """Send due surveys and reminders (``today`` as ISO date for tests and backfills)."""
    from . import triggers

    report = triggers.run(date.fromisoformat(today) if today else None)
    return {"created": report.created, "reminders": report.reminders}
