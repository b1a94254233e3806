"""A student applies: :func:`application_submit` (a statement, a PDF CV, the institution
applied through)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity, OpportunityStatus
from tandem.opportunities.permissions import can_apply_to_opportunity
from tandem.organizations.models import Organization

from ..models import (
    Application,
    Stage,
    StageChange,
)
from ..selectors import apply_institutions_for
from .pipeline import _notify_stage_change

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


logger = logging.getLogger(__name__)

STATEMENT_MIN_CHARS = 20
STATEMENT_MAX_CHARS = 5000
PDF_MIME = "application/pdf"


# --- Submission -------------------------------------------------------------------------------
def _statement_errors(statement: str) -> list[str]:
    if not statement:
        return [_("Write a personal statement.")]
    if len(statement) < STATEMENT_MIN_CHARS:
        return [
            _("The statement is too short: write at least %(n)d characters.")
            % {"n": STATEMENT_MIN_CHARS}
        ]
    if len(statement) > STATEMENT_MAX_CHARS:
        return [
            _("The statement is too long: at most %(n)d characters.") % {"n": STATEMENT_MAX_CHARS}
        ]
    return []


def _cv_errors(cv: UploadedFile | None) -> list[str]:
    """A CV is a non-empty PDF (recognised by its content, not its name) within the size limit."""
    if cv is None:
        return [_("Upload your CV as a PDF file.")]
    size = cv.size or 0
    if size == 0:
        return [_("The uploaded file is empty.")]
    if size > settings.UPLOAD_MAX_BYTES:
        return [
            _("The file is too large: the limit is %(limit)s.")
            % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        ]
    cv.seek(0)
    head = cv.read(2048)
    cv.seek(0)
    kind = filetype.guess(head) if head else None
    if kind is None or kind.mime != PDF_MIME:
        return [_("The CV must be a PDF document.")]
    return []


def _resolve_institution(
    actor: User | AnonymousUser, opportunity: Opportunity, institution: Organization | None
) -> Organization:
    choices = list(apply_institutions_for(actor, opportunity))
    if institution is not None:
        if institution.pk not in {c.pk for c in choices}:
            raise DomainError(
                _("You cannot apply through this institution."),
                fields={"institution": [_("Choose an institution where you study.")]},
            )
        return institution
    if len(choices) == 1:
        return choices[0]
    if not choices:
        raise PermissionDeniedError(_("You cannot apply to this opportunity."))
    raise DomainError(
        _("Choose the institution you are applying through."),
        fields={"institution": [_("Choose the institution you are applying through.")]},
    )


@transaction.atomic
def application_submit(
    *,
    actor: User | AnonymousUser,
    opportunity: Opportunity,
    institution: Organization | None = None,
    statement: str,
    cv: UploadedFile | None,
    notify: bool = True,
) -> Application:
    """A student applies to an opportunity, through one of their institutions.

    One application per student and opportunity. The statement is required (20–5000
    characters); the CV must be a PDF (checked by content) no larger than
    ``settings.UPLOAD_MAX_BYTES``. The CV is stored under ``MEDIA_ROOT`` with a random name.
    With ``notify`` (the default) the student is e-mailed after commit; without, for history
    that is recorded after the fact (the demo world), nobody is.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDeniedError(_("Sign in to apply."))
    if Application.objects.filter(opportunity=opportunity, student=actor).exists():
        raise ConflictError(_("You have already applied to this opportunity."), code="duplicate")
    if not can_apply_to_opportunity(actor, opportunity):
        if _is_closed(opportunity) and apply_institutions_for(actor, opportunity).exists():
            raise DomainError(
                _("This opportunity is no longer open for applications."), code="closed"
            )
        raise PermissionDeniedError(_("You cannot apply to this opportunity."))
    chosen = _resolve_institution(actor, opportunity, institution)

    statement = (statement or "").strip()
    fields: dict[str, list[str]] = {}
    if errors := _statement_errors(statement):
        fields["statement"] = errors
    if errors := _cv_errors(cv):
        fields["cv"] = errors
    if fields:
        raise DomainError(_("Please correct the errors below."), fields=fields)
    assert cv is not None

    application = Application(
        opportunity=opportunity,
        student=actor,
        institution=chosen,
        statement=statement,
        cv_content_type=PDF_MIME,
        stage=Stage.SUBMITTED,
    )
    application.cv.save("cv.pdf", cv, save=False)
    try:
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise ConflictError(
                _("You have already applied to this opportunity."), code="duplicate"
            ) from None
        StageChange.objects.create(
            application=application, from_stage="", to_stage=Stage.SUBMITTED, actor=actor
        )
        audit_record(
            actor=actor,
            action="application.submitted",
            target=application,
            organizations=[opportunity.host_id, chosen.pk],
            changes={"stage": Stage.SUBMITTED.value},
        )
    except BaseException:
        application.cv.delete(save=False)
        raise
    logger.info("application %s submitted", application.public_id)
    if notify:
        _notify_stage_change(
            application,
            "",
            Stage.SUBMITTED,
            student_acted=True,
            key=f"{application.public_id}:submitted",
        )
    return application


def _is_closed(opportunity: Opportunity) -> bool:
    if opportunity.status != OpportunityStatus.PUBLISHED:
        return True
    deadline = opportunity.application_deadline
    return deadline is not None and deadline < timezone.now()
