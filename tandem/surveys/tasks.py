"""Background work for surveys: invitation and reminder e-mails, the periodic triggers.

Logs carry only public ids, never names or addresses.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.urls import reverse
from django_tasks import task

from tandem.core.email import recipient_language, send_text_email
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
