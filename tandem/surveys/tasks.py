"""Background work for surveys: invitation and reminder e-mails, the periodic triggers.

Logs carry only public ids, never names or addresses.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from tandem.core.links import absolute_url

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
    language: Any = getattr(invitation.user, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "invitation": invitation,
            "survey": invitation.survey,
            "url": answer_url(invitation),
            "reminder": reminder,
        }
        subject = render_to_string("surveys/email/invitation_subject.txt", context)
        body = render_to_string("surveys/email/invitation_body.txt", context)
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[to]).send(fail_silently=False)
    logger.info("survey invitation %s sent (reminder=%s)", invitation.public_id, reminder)
    return 1


@task()
def run_survey_triggers(today: str | None = None) -> dict[str, Any]:
    """Send due surveys and reminders (``today`` as ISO date for tests and backfills)."""
    from . import triggers

    report = triggers.run(date.fromisoformat(today) if today else None)
    return {"created": report.created, "reminders": report.reminders}
