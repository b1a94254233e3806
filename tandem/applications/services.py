"""Every write to applications goes through here.

- :func:`application_submit`: a student applies, with a statement and a PDF CV.
- :func:`application_move`: the one transition service; the table of legal moves and who may
  make them is :data:`tandem.applications.permissions.TRANSITIONS`.
- :func:`application_place`: the one placement rule (a seat taken, under the opportunity's
  lock), used by :func:`application_move` for an accepted offer and by match-round publishing.
- :func:`application_record_hire`: what became of a completed placement (hired or not).
- :func:`application_personal_data_erase`: the eraser registered for personal-data requests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
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
    *,
    actor: Any,
    application: Application,
    to_stage: str,
    note: str = "",
    notify: bool = True,
) -> Application:
    """Move an application to ``to_stage``, if the move is in the table and ``actor`` is a
    party allowed to make it.

    ``application`` is the caller's view of it: if its stage is no longer the stored one
    (moved concurrently), the move is refused with :class:`ConflictError`.

    Accepting an offer takes a seat through :func:`application_place`: the opportunity row is
    locked (``SELECT … FOR UPDATE``; SQLite serializes writers with IMMEDIATE transactions),
    seat-holding applications are counted, and the move is refused with
    :class:`ConflictError` when all seats are taken. When the last seat fills the opportunity
    is marked filled; whenever the number of seat-holding applications changes, the
    partnership's ``placements`` KPI is recorded.
    Records a :class:`StageChange` and an audit event, and with ``notify`` (the default)
    e-mails the student (and the host's staff for the student's own moves) after commit.
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

    if target == Stage.ACCEPTED:
        # Taking a seat: the one placement rule (seat count, "filled", KPI).
        placed = application_place(
            actor=actor,
            opportunity=opportunity,
            student=locked.student,
            institution=locked.institution,
            note=note,
            notify=notify,
        )
        locked.stage = placed.stage
        locked.stage_changed_at = placed.stage_changed_at
        locked.updated_at = placed.updated_at
    else:
        locked.stage = target
        locked.stage_changed_at = timezone.now()
        locked.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        _stage_changed(
            actor=actor,
            application=locked,
            opportunity=opportunity,
            from_stage=from_stage,
            target=target,
            note=note,
            institution_id=locked.institution_id,
            notify=notify,
        )
        if target == Stage.COMPLETED:
            # The student's skills profile gains the opportunity's skills (after commit).
            placement_completed(application_id=locked.pk)
    # Keep the caller's instance in step with the database.
    application.stage = locked.stage
    application.stage_changed_at = locked.stage_changed_at
    application.updated_at = locked.updated_at
    return locked


@transaction.atomic
def application_place(
    *,
    actor: Any,
    opportunity: Opportunity,
    student: Any,
    institution: Organization,
    note: str = "",
    audit_context: Mapping[str, str] | None = None,
    notify: bool = True,
    placements_batch: set[int] | None = None,
) -> Application:
    """Place ``student`` on ``opportunity``: their application moves to "accepted" and takes
    a seat. The one placement rule, used by :func:`application_move` (a student accepts an
    offer) and by match-round publishing (the system placement path).

    The caller has decided that ``actor`` may place (the transition table, a round's
    coordinator). The opportunity row is locked (``SELECT … FOR UPDATE``; SQLite serializes
    writers with IMMEDIATE transactions) and its seat-holding applications counted; when all
    seats are taken the placement is refused with :class:`ConflictError` (code
    ``seats_full``). A student who already holds a seat on it keeps it: nothing changes.
    Without an application one is created through ``institution`` (``note`` as its
    statement), straight to "accepted".

    Records a :class:`StageChange` (with ``note``) and an ``application.stage_changed`` audit
    event for ``institution`` and the host (``audit_context`` is added to its changes), marks
    the opportunity filled when its last seat goes, and records the partnership's
    ``placements`` KPI — or, with ``placements_batch``, adds the partnership to it for the
    caller to record once with :func:`application_placements_record`. With ``notify`` the
    student (and the host's staff, when the student acted) are e-mailed after commit.
    """
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    application = (
        Application.objects.select_for_update()
        .filter(opportunity=opportunity, student=student)
        .first()
    )
    if application is not None and application.stage in SEAT_HOLDING_STAGES:
        return application
    taken = seats_taken(opportunity)
    if taken >= opportunity.seats:
        raise ConflictError(_("All seats are taken."), code="seats_full")

    if application is None:
        application = Application.objects.create(
            opportunity=opportunity,
            student=student,
            institution=institution,
            statement=note,
            stage=Stage.ACCEPTED,
        )
        from_stage = ""
    else:
        application.opportunity = opportunity
        from_stage = application.stage
        application.stage = Stage.ACCEPTED
        application.stage_changed_at = timezone.now()
        application.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    _stage_changed(
        actor=actor,
        application=application,
        opportunity=opportunity,
        from_stage=from_stage,
        target=Stage.ACCEPTED,
        note=note,
        institution_id=institution.pk,
        audit_context=audit_context,
        notify=notify,
        placements_batch=placements_batch,
        seats_taken_before=taken,
    )
    return application


def _stage_changed(
    *,
    actor: Any,
    application: Application,
    opportunity: Opportunity,
    from_stage: str,
    target: Stage,
    note: str,
    institution_id: int,
    audit_context: Mapping[str, str] | None = None,
    notify: bool = True,
    placements_batch: set[int] | None = None,
    seats_taken_before: int = 0,
) -> None:
    """What follows every stage change: its history row, the audit event, the opportunity
    marked filled when an acceptance takes its last seat, the partnership's placements KPI
    when a seat was taken or freed, the log line and the e-mails."""
    StageChange.objects.create(
        application=application, from_stage=from_stage, to_stage=target, actor=actor, note=note
    )
    audit_record(
        actor=actor,
        action="application.stage_changed",
        target=application,
        organizations=[opportunity.host_id, institution_id],
        changes={"stage": [from_stage, target.value], **(audit_context or {})},
    )
    if (from_stage in SEAT_HOLDING_STAGES) != (target in SEAT_HOLDING_STAGES):
        if (
            target == Stage.ACCEPTED
            and seats_taken_before + 1 >= opportunity.seats
            and opportunity.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED)
        ):
            opportunity_mark_filled(actor=None, opportunity=opportunity)
        if placements_batch is None:
            _record_placements(opportunity, actor)
        elif opportunity.partnership_id is not None:
            placements_batch.add(opportunity.partnership_id)
    logger.info(
        "application %s moved %s -> %s", application.public_id, from_stage or "-", target.value
    )
    if notify:
        _notify_on_commit(
            application,
            from_stage,
            target,
            student_acted=application.student_id == getattr(actor, "pk", None),
        )


@transaction.atomic
def application_placements_record(*, actor: Any, partnership_ids: Iterable[int]) -> None:
    """Record the ``placements`` KPI of each partnership (after a batch of placements made
    with ``placements_batch``), in id order. Each partnership row is locked so that
    concurrent moves on its opportunities record their counts in order."""
    for pk in sorted(set(partnership_ids)):
        partnership = Partnership.objects.select_for_update().get(pk=pk)
        kpi_record_metric(
            partnership=partnership,
            metric=PLACEMENTS_METRIC,
            value=placements_for_partnership(pk),
            actor=actor,
        )


def _record_placements(opportunity: Opportunity, actor: Any) -> None:
    if opportunity.partnership_id is None:
        return
    application_placements_record(actor=actor, partnership_ids=[opportunity.partnership_id])


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
    "application_place",
    "application_placements_record",
    "application_record_hire",
    "application_stage_options",
    "application_submit",
]
