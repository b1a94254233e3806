"""Background work for organizations: invitation e-mails.

Enqueued from ``transaction.on_commit`` by :mod:`tandem.organizations.invitations`, with the
invitation's id only (the link's secret is derived here, never queued). Logs carry only
public ids, never names or addresses.
"""

from __future__ import annotations

import logging

from django.urls import reverse
from django_tasks import task

from tandem.core.email import recipient_language, send_text_email
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
    url = absolute_url(
        reverse("organizations:invitation_link", kwargs={"token": invitation_token(invitation)})
    )
    send_text_email(
        to=invitation.email,
        subject_template="organizations/email/invitation_subject.txt",
        body_template="organizations/email/invitation_body.txt",
        context={
            "invitation": invitation,
            "organization": invitation.organization,
            # A lazy label, rendered in the recipient's language by send_text_email.
            "role": invitation.get_role_display,
            "url": url,
        },
        language=recipient_language(account),
    )
    logger.info("invitation %s sent", invitation.public_id)
    return 1


@task()
def send_partner_signup(signup_id: int) -> int:
    """E-mail a partner sign-up's confirmation link (or, if an account already uses the
    address, say so to that mailbox only: the sign-up page said the same to everyone)."""
    from django.contrib.auth import get_user_model

    from .models import PartnerSignup
    from .partner_signup import signup_token

    signup = PartnerSignup.objects.filter(pk=signup_id, verified_at__isnull=True).first()
    if signup is None:
        return 0
    account = get_user_model().objects.filter(email__iexact=signup.email).first()
    url = absolute_url(
        reverse("organizations:partner_signup_verify", kwargs={"token": signup_token(signup)})
    )
    send_text_email(
        to=signup.email,
        subject_template="organizations/email/partner_signup_subject.txt",
        body_template="organizations/email/partner_signup_body.txt",
        context={"signup": signup, "url": url, "account_exists": account is not None},
        language=recipient_language(account),
    )
    logger.info("partner sign-up %s e-mailed", signup.public_id)
    return 1
