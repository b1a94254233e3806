"""Background work for organizations: invitation e-mails.

Enqueued from ``transaction.on_commit`` by :mod:`tandem.organizations.invitations`, with the
invitation's id only (the link's secret is derived here, never queued). Logs carry only
public ids, never names or addresses.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from tandem.core.links import absolute_url

from .models import Invitation

logger = logging.getLogger(__name__)


@task()
def send_invitation(invitation_id: int) -> int:
    """E-mail the invitation's link to the invited address. The message is the same whether
    or not the address has an account (the link's page offers to create one). Returns the
    number of messages sent."""
    from django.contrib.auth import get_user_model

    from .invitations import invitation_token

    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        logger.info("invitation e-mail skipped: invitation no longer pending")
        return 0
    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    language: Any = getattr(account, "preferred_language", "") or settings.LANGUAGE_CODE
    url = absolute_url(
        reverse("organizations:invitation_link", kwargs={"token": invitation_token(invitation)})
    )
    with translation.override(language):
        context = {
            "invitation": invitation,
            "organization": invitation.organization,
            "role": invitation.get_role_display(),
            "url": url,
        }
        subject = render_to_string("organizations/email/invitation_subject.txt", context)
        body = render_to_string("organizations/email/invitation_body.txt", context)
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[invitation.email]).send(
        fail_silently=False
    )
    logger.info("invitation %s sent", invitation.public_id)
    return 1
