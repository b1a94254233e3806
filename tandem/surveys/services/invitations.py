"""Invitations: to a user or to an e-mail address, with a signed single-purpose link;
reminders. Automatic sends (triggers) pass ``actor=None`` and a ``trigger_key``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError
from tandem.core.validation import validated

from ..models import LINK_MAX_AGE_DAYS, Survey, SurveyInvitation
from .building import latest_published_version, require_manage
from .questions import esco_labels

TOKEN_SALT = "tandem.surveys.invitation-link"  # noqa: S105 (a salt, not a secret)


def invitation_token(invitation: SurveyInvitation) -> str:
    """A signed, single-purpose token naming one invitation."""
    return signing.dumps({"i": str(invitation.public_id)}, salt=TOKEN_SALT, compress=True)


def invitation_from_token(token: str) -> SurveyInvitation:
    """The invitation a token names; DomainError (code ``expired`` or ``invalid``) otherwise."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=timedelta(days=LINK_MAX_AGE_DAYS))
    except signing.SignatureExpired as exc:
        raise DomainError(_("This link has expired."), code="expired") from exc
    except signing.BadSignature as exc:
        raise DomainError(_("This link is not valid."), code="invalid") from exc
    public_id = payload.get("i") if isinstance(payload, dict) else None
    try:
        public_id = str(uuid.UUID(str(public_id)))
    except ValueError:
        public_id = None
    invitation = (
        SurveyInvitation.objects.select_related("survey", "version")
        .filter(public_id=str(public_id))
        .first()
        if public_id
        else None
    )
    if invitation is None:
        raise DomainError(_("This link is not valid."), code="invalid")
    if invitation.expires_at <= timezone.now():
        raise DomainError(_("This link has expired."), code="expired")
    return invitation


@transaction.atomic
def invitation_create(
    *,
    actor: User | None,
    survey: Survey,
    user: User | None = None,
    email: str = "",
    name: str = "",
    trigger_key: str = "",
    subject_label: str = "",
    skills: Sequence[str] = (),
) -> SurveyInvitation:
    """Invite one person to the current published version and e-mail them (on commit).

    With a ``trigger_key`` the call is idempotent: the existing invitation is returned.
    """
    require_manage(actor, survey)
    if trigger_key:
        existing = SurveyInvitation.objects.filter(survey=survey, trigger_key=trigger_key).first()
        if existing is not None:
            return existing
    if not survey.is_accepting():
        raise ConflictError(_("The survey is not open."))
    version = latest_published_version(survey)
    if version is None:
        raise ConflictError(_("Publish the survey before inviting people."))
    email = email.strip().lower()
    if user is None and not email:
        raise DomainError(_("Give an e-mail address."), fields={"email": _("Required.")})
    if user is None:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        duplicate = SurveyInvitation.objects.filter(
            survey=survey, version=version, user=user, responded_at__isnull=True
        ).exists()
    else:
        duplicate = SurveyInvitation.objects.filter(
            survey=survey, version=version, email=email, responded_at__isnull=True
        ).exists()
    if duplicate and not trigger_key:
        raise ConflictError(
            _("This person already has an open invitation."), fields={"email": _("Invited.")}
        )
    invitation = SurveyInvitation(
        survey=survey,
        version=version,
        user=user,
        email="" if user is not None else email,
        name="" if user is not None else name.strip(),
        trigger_key=trigger_key,
        subject_label=subject_label[:300],
        skills=esco_labels(skills),
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        sent_at=timezone.now(),
    )
    validated(invitation, exclude=["survey", "version", "user", "invited_by"])
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:  # a concurrent send for the same trigger: that one stands
        if not trigger_key:
            raise ConflictError(_("This person already has an open invitation.")) from exc
        return SurveyInvitation.objects.get(survey=survey, trigger_key=trigger_key)
    from ..tasks import invite

    invite(invitation, reminder=False)
    audit_record(
        actor=actor,
        action="survey.invite",
        target=survey,
        organizations=[survey.institution_id],
        changes={"invitation": str(invitation.public_id), "trigger": trigger_key},
    )
    return invitation


@transaction.atomic
def invitation_remind(*, invitation: SurveyInvitation) -> bool:
    """Send one reminder (system action). False if it is answered, expired or closed."""
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.responded_at is not None or locked.expires_at <= timezone.now():
        return False
    if not locked.survey.is_accepting():
        return False
    locked.reminders_sent += 1
    locked.last_reminded_at = timezone.now()
    locked.save(update_fields=["reminders_sent", "last_reminded_at", "updated_at"])
    from ..tasks import invite

    invite(locked, reminder=True)
    return True
