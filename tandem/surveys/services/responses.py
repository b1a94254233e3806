"""Responses: one per invitation, validated against the version's questions, counted once
(the database refuses a second use of an invitation)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError

from .. import answers as answer_rules
from ..context import placement_context
from ..models import (
    LINK_MAX_AGE_DAYS,
    Answer,
    InvitationUse,
    Question,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
)
from ..permissions import can_answer_invitation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User

LATE_GRACE = timedelta(hours=24)  # answers started before closing are accepted this long
STARTED_SALT = "tandem.surveys.started"


def started_stamp() -> str:
    """A signed time stamp put in the answer form, so late submissions can be recognised."""
    return signing.dumps(timezone.now().timestamp(), salt=STARTED_SALT)


def started_from_stamp(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        value = signing.loads(stamp, salt=STARTED_SALT, max_age=timedelta(days=LINK_MAX_AGE_DAYS))
    except signing.BadSignature:
        return None
    return datetime.fromtimestamp(float(value), tz=timezone.get_current_timezone())


def version_questions(version: SurveyVersion) -> list[Question]:
    return list(
        version.questions.select_related("section").order_by("section__position", "position", "id")
    )


@transaction.atomic
def response_submit(
    *,
    actor: User | AnonymousUser | None,
    invitation: SurveyInvitation,
    data: Mapping[str, Any],
    by_link: bool = False,
    started_at: datetime | None = None,
) -> SurveyResponse:
    """Record one response for an invitation: validated, conditional questions evaluated,
    once only (a second submission is refused by the database, nothing is counted twice).

    ``by_link``: the caller proved possession of the signed link; otherwise ``actor`` must be
    the invited user. A survey closed while the person was answering still accepts their
    answers for a short grace period (``LATE_GRACE``).
    """
    if not by_link and not can_answer_invitation(actor, invitation):
        raise PermissionDeniedError(_("This invitation is not addressed to you."))
    locked = (
        SurveyInvitation.objects.select_for_update()
        .select_related("survey", "version")
        .get(pk=invitation.pk)
    )
    survey = locked.survey
    if locked.responded_at is not None or InvitationUse.objects.filter(invitation=locked).exists():
        raise ConflictError(
            _("You have already answered this survey. Thank you — your answers were counted once."),
            code="already_answered",
        )
    now = timezone.now()
    if locked.expires_at <= now:
        raise ConflictError(_("This invitation has expired."), code="expired")
    if not survey.is_accepting(now):
        closed = survey.closed_moment()
        late_ok = (
            closed is not None
            and started_at is not None
            and started_at < closed
            and now - closed <= LATE_GRACE
        )
        if not late_ok:
            raise ConflictError(
                _("This survey closed before your answers arrived. They were not recorded."),
                code="closed",
            )
    cleaned, errors = answer_rules.clean_answers(
        version_questions(locked.version), data, locked.skills or []
    )
    if errors:
        raise DomainError(_("Some answers need attention."), fields=errors)
    try:
        with transaction.atomic():
            InvitationUse.objects.create(invitation=locked)
    except IntegrityError as exc:
        raise ConflictError(
            _("You have already answered this survey. Thank you — your answers were counted once."),
            code="already_answered",
        ) from exc
    anonymous = survey.is_anonymous
    # What the response is about (a placement's partnership and host), never who gave it.
    partnership_id, host_id = placement_context(locked.trigger_key)
    response = SurveyResponse.objects.create(
        survey=survey,
        version=locked.version,
        invitation=None if anonymous else locked,
        respondent=None if anonymous else locked.user,
        about_partnership_id=partnership_id,
        about_host_id=host_id,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=question, value=value, number=number)
        for question, value, number in cleaned.values()
    )
    # Anonymous: only the day, so the moment of use cannot be matched to a response.
    locked.responded_at = (
        now.replace(hour=0, minute=0, second=0, microsecond=0) if anonymous else now
    )
    locked.save(update_fields=["responded_at", "updated_at"])
    return response
