"""Every write to applications goes through here.

- :func:`application_submit`: a student applies, with a statement and a PDF CV.
- :func:`application_move`: the one transition service; the table of legal moves and who may
  make them is :data:`tandem.applications.permissions.TRANSITIONS`.
- :func:`application_record_hire`: what became of a completed placement (hired or not).
- :func:`application_personal_data_erase`: the eraser registered for personal-data requests.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial
from typing import Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.opportunities.models import Opportunity, OpportunityStatus
from tandem.opportunities.permissions import can_apply_to_opportunity
from tandem.opportunities.services import opportunity_mark_filled
from tandem.organizations.models import Organization
from tandem.partnerships.models import Partnership
from tandem.partnerships.services import kpi_record_metric
from tandem.profiles.refresh import placement_completed

from .models import (
    SEAT_HOLDING_STAGES,
    Application,
    HireOutcome,
    HireRecord,
    RecordedBy,
    Stage,
    StageChange,
)
from .permissions import (
    HIRE_RECORDERS,
    Party,
    allowed_parties,
    can_view_application,
    next_stages_for,
    parties_of,
)
from .selectors import (
    apply_institutions_for,
    current_hire_record,
    placements_for_partnership,
    seats_taken,
)
from .tasks import notify_stage_change

logger = logging.getLogger(__name__)

STATEMENT_MIN_CHARS = 20
STATEMENT_MAX_CHARS = 5000
NOTE_MAX_CHARS = 2000
PDF_MIME = "application/pdf"
PLACEMENTS_METRIC = "placements"
JOB_TITLE_MAX_CHARS = 200
# A job that starts later than this after the placement ended is not its outcome.
HIRE_START_MAX_DAYS = 2 * 366


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
    actor: Any, opportunity: Opportunity, institution: Organization | None
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
    actor: Any,
    opportunity: Opportunity,
    institution: Organization | None = None,
    statement: str,
    cv: UploadedFile | None,
) -> Application:
    """A student applies to an opportunity, through one of their institutions.

    One application per student and opportunity. The statement is required (20–5000
    characters); the CV must be a PDF (checked by content) no larger than
    ``settings.UPLOAD_MAX_BYTES``. The CV is stored under ``MEDIA_ROOT`` with a random name.
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
    _notify_on_commit(application, "", Stage.SUBMITTED, student_acted=True)
    return application


def _is_closed(opportunity: Opportunity) -> bool:
    if opportunity.status != OpportunityStatus.PUBLISHED:
        return True
    deadline = opportunity.application_deadline
    return deadline is not None and deadline < timezone.now()


# --- Stage transitions ------------------------------------------------------------------------
def _stage_label(value: str) -> str:
    try:
        return str(Stage(value).label)
    except ValueError:
        return value


def application_stage_options(user: Any, application: Application) -> list[Stage]:
    """The stages ``user`` may move ``application`` to next (for buttons in the UI)."""
    return next_stages_for(user, application)


@transaction.atomic
def application_move(
    *, actor: Any, application: Application, to_stage: str, note: str = ""
) -> Application:
    """Move an application to ``to_stage``, if the move is in the table and ``actor`` is a
    party allowed to make it.

    ``application`` is the caller's view of it: if its stage is no longer the stored one
    (moved concurrently), the move is refused with :class:`ConflictError`.

    Accepting an offer takes a seat: the opportunity row is locked (``SELECT … FOR UPDATE``;
    SQLite serializes writers with IMMEDIATE transactions), seat-holding applications are
    counted, and the move is refused with :class:`ConflictError` when all seats are taken.
    When the last seat fills the opportunity is marked filled; whenever the number of
    seat-holding applications changes, the partnership's ``placements`` KPI is recorded.
    Records a :class:`StageChange` and an audit event, and e-mails the student (and the host's
    staff for the student's own moves) after commit.
    """
    try:
        target = Stage(to_stage)
    except ValueError:
        raise DomainError(
            _("Unknown stage."), fields={"to_stage": [_("Choose a valid stage.")]}
        ) from None
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise DomainError(
            _("The note is too long."),
            fields={"note": [_("At most %(n)d characters.") % {"n": NOTE_MAX_CHARS}]},
        )
    if not can_view_application(actor, application):
        raise PermissionDeniedError()

    # Lock in one order everywhere (opportunity, then application, then partnership) so that
    # concurrent moves queue instead of deadlocking.
    opportunity = Opportunity.objects.select_for_update().get(pk=application.opportunity_id)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    locked.opportunity = opportunity
    from_stage = locked.stage
    if application.stage != from_stage:
        # Someone moved it while the caller was deciding (a double click, two staff at
        # once): the caller chose from a stage that is gone. A conflict, not a bad request.
        raise ConflictError(
            _("This application was moved to “%(now)s” meanwhile; reload it and choose again.")
            % {"now": _stage_label(from_stage)},
            code="stale_stage",
        )

    who = allowed_parties(from_stage, target)
    if who is None:
        raise DomainError(
            _("An application cannot move from “%(from)s” to “%(to)s”.")
            % {"from": _stage_label(from_stage), "to": target.label},
            code="illegal_transition",
        )
    if not parties_of(actor, locked) & who:
        raise PermissionDeniedError(_("You may not move this application to that stage."))

    taken = seats_taken(opportunity)
    if target == Stage.ACCEPTED and taken >= opportunity.seats:
        raise ConflictError(_("All seats are taken."), code="seats_full")

    now = timezone.now()
    locked.stage = target
    locked.stage_changed_at = now
    locked.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    StageChange.objects.create(
        application=locked, from_stage=from_stage, to_stage=target, actor=actor, note=note
    )
    audit_record(
        actor=actor,
        action="application.stage_changed",
        target=locked,
        organizations=[opportunity.host_id, locked.institution_id],
        changes={"stage": [from_stage, target.value]},
    )

    holds_before = from_stage in SEAT_HOLDING_STAGES
    holds_after = target in SEAT_HOLDING_STAGES
    if holds_before != holds_after:
        taken_now = taken + (1 if holds_after else -1)
        if (
            target == Stage.ACCEPTED
            and taken_now >= opportunity.seats
            and opportunity.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED)
        ):
            opportunity_mark_filled(actor=None, opportunity=opportunity)
        _record_placements(opportunity, actor)

    logger.info("application %s moved %s -> %s", locked.public_id, from_stage, target.value)
    _notify_on_commit(
        locked, from_stage, target, student_acted=locked.student_id == getattr(actor, "pk", None)
    )
    if target == Stage.COMPLETED:
        # The student's skills profile gains the opportunity's skills (after commit).
        placement_completed(application_id=locked.pk)
    # Keep the caller's instance in step with the database.
    application.stage = locked.stage
    application.stage_changed_at = locked.stage_changed_at
    application.updated_at = locked.updated_at
    return locked


def _record_placements(opportunity: Opportunity, actor: Any) -> None:
    if opportunity.partnership_id is None:
        return
    # Lock the partnership so concurrent moves on its opportunities record counts in order.
    partnership = Partnership.objects.select_for_update().get(pk=opportunity.partnership_id)
    kpi_record_metric(
        partnership=partnership,
        metric=PLACEMENTS_METRIC,
        value=placements_for_partnership(partnership.pk),
        actor=actor,
    )


def _notify_on_commit(
    application: Application, from_stage: str, to_stage: str, *, student_acted: bool
) -> None:
    transaction.on_commit(
        partial(
            notify_stage_change.enqueue,
            application_id=application.pk,
            from_stage=str(from_stage),
            to_stage=str(to_stage),
            notify_host=student_acted,
        )
    )


# --- Outcome after the placement ---------------------------------------------------------------
def completion_date(application: Application) -> date:
    """The day the placement was completed (the latest move to "completed")."""
    moved = (
        application.stage_changes.filter(to_stage=Stage.COMPLETED)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(moved or application.stage_changed_at)


def _hire_errors(
    outcome: str, start_date: date | None, job_title: str, note: str, completed_on: date
) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if outcome not in HireOutcome.values:
        fields["outcome"] = [_("Choose hired or not hired.")]
    elif outcome == HireOutcome.HIRED:
        if start_date is None:
            fields["start_date"] = [_("Give the date the job starts.")]
        elif start_date < completed_on:
            fields["start_date"] = [
                _("The job cannot start before the placement was completed (%(date)s).")
                % {"date": date_format(completed_on, "DATE_FORMAT")}
            ]
        elif start_date > completed_on + timedelta(days=HIRE_START_MAX_DAYS):
            fields["start_date"] = [
                _("The job must start within two years of the end of the placement.")
            ]
    else:
        if start_date is not None:
            fields["start_date"] = [_("Leave the start date empty when there was no hire.")]
        if job_title:
            fields["job_title"] = [_("Leave the job title empty when there was no hire.")]
    if len(job_title) > JOB_TITLE_MAX_CHARS:
        fields["job_title"] = [_("At most %(n)d characters.") % {"n": JOB_TITLE_MAX_CHARS}]
    if len(note) > NOTE_MAX_CHARS:
        fields["note"] = [_("At most %(n)d characters.") % {"n": NOTE_MAX_CHARS}]
    return fields


@transaction.atomic
def application_record_hire(
    *,
    actor: Any,
    application: Application,
    outcome: str,
    start_date: date | None = None,
    job_title: str = "",
    note: str = "",
) -> HireRecord:
    """Record (or correct) what became of a completed placement: ``hired`` (a job offer
    accepted, with the start date and optionally the job title) or ``not_hired``.

    Made by the host's recruiters or workplace supervisors, or by a coordinator of the
    student's institution. Only for completed placements; a job cannot start before the
    placement was completed. Every recording is kept (:class:`HireRecord`, the latest is
    current) and audited; recording the same outcome again changes nothing.
    """
    if not can_view_application(actor, application):
        raise PermissionDeniedError()
    locked = (
        Application.objects.select_for_update().select_related("opportunity").get(pk=application.pk)
    )
    parties = parties_of(actor, locked)
    if not parties & HIRE_RECORDERS:
        raise PermissionDeniedError(_("You may not record the outcome of this placement."))
    if locked.stage != Stage.COMPLETED:
        raise ConflictError(
            _("An outcome can only be recorded once the placement is completed."),
            code="not_completed",
        )
    job_title = (job_title or "").strip()
    note = (note or "").strip()
    outcome = str(outcome or "")
    fields = _hire_errors(outcome, start_date, job_title, note, completion_date(locked))
    if fields:
        raise DomainError(_("Please correct the errors below."), fields=fields)

    current = current_hire_record(locked)
    if current is not None and (current.outcome, current.start_date, current.job_title) == (
        outcome,
        start_date,
        job_title,
    ):
        return current
    record = HireRecord.objects.create(
        application=locked,
        outcome=outcome,
        start_date=start_date,
        job_title=job_title,
        note=note,
        recorded_by=RecordedBy.HOST if Party.HOST_STAFF in parties else RecordedBy.INSTITUTION,
        actor=actor,
    )
    previous = locked.hire_outcome
    locked.hire_outcome = outcome
    locked.save(update_fields=["hire_outcome", "updated_at"])
    audit_record(
        actor=actor,
        action="application.hire_recorded" if current is None else "application.hire_corrected",
        target=locked,
        organizations=[locked.opportunity.host_id, locked.institution_id],
        changes={
            "hire_outcome": [previous, outcome],
            "start_date": [
                current.start_date.isoformat() if current and current.start_date else None,
                start_date.isoformat() if start_date else None,
            ],
            "job_title_changed": (current.job_title if current else "") != job_title,
        },
    )
    logger.info("application %s outcome recorded: %s", locked.public_id, outcome)
    application.hire_outcome = outcome
    return record


# --- Personal data ---------------------------------------------------------------------------
def application_personal_data_export(user: Any) -> list[dict[str, Any]]:
    """Everything the applications app holds about ``user`` as a student."""
    apps = (
        Application.objects.filter(student=user)
        .select_related("opportunity__host", "institution")
        .prefetch_related("stage_changes", "hire_records")
        .order_by("created_at")
    )
    return [
        {
            "id": str(a.public_id),
            "opportunity": a.opportunity.title,
            "host": a.opportunity.host.name,
            "institution": a.institution.name,
            "stage": a.stage,
            "statement": a.statement,
            "has_cv": bool(a.cv),
            "submitted_at": a.created_at.isoformat(),
            "history": [
                {
                    "from": c.from_stage,
                    "to": c.to_stage,
                    "at": c.created_at.isoformat(),
                    "note": c.note,
                }
                for c in a.stage_changes.all()
            ],
            "outcome_after_placement": [
                {
                    "outcome": r.outcome,
                    "start_date": r.start_date.isoformat() if r.start_date else None,
                    "job_title": r.job_title,
                    "note": r.note,
                    "recorded_by": r.recorded_by,
                    "at": r.created_at.isoformat(),
                }
                for r in a.hire_records.all()
            ],
        }
        for a in apps
    ]


@transaction.atomic
def application_personal_data_erase(user: Any) -> None:
    """Erase a student's application content: delete CV files, blank statements and notes,
    blank job titles and notes of recorded outcomes.

    The applications themselves stay (stage, dates, hired or not) so that seat counts,
    partnership KPIs and the hiring funnel remain true.
    """
    for application in Application.objects.select_for_update().filter(student=user):
        if application.cv:
            name = application.cv.name
            storage = application.cv.storage
            transaction.on_commit(partial(storage.delete, name))
        application.cv = ""  # type: ignore[assignment]
        application.cv_content_type = ""
        application.statement = ""
        application.save(update_fields=["cv", "cv_content_type", "statement", "updated_at"])
        application.stage_changes.exclude(note="").update(note="")
    HireRecord.objects.filter(application__student=user).exclude(job_title="", note="").update(
        job_title="", note=""
    )
    logger.info("application personal data erased for one user")


__all__ = [
    "NOTE_MAX_CHARS",
    "STATEMENT_MAX_CHARS",
    "STATEMENT_MIN_CHARS",
    "Party",
    "application_move",
    "application_personal_data_erase",
    "application_personal_data_export",
    "application_record_hire",
    "application_stage_options",
    "application_submit",
]
