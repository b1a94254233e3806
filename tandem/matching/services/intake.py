"""Mentor programs before the pairing: applications, nominations and the coordinator's
decisions (settings and the lifecycle's own steps are in :mod:`.program_settings`).

A person applies (:func:`application_submit`) or is nominated by a coordinator
(:func:`nomination_create`, answered with :func:`nomination_respond`); the coordinator
approves or declines an application (:func:`application_decide`). Approval (or an accepted
nomination) creates the :class:`~tandem.matching.models.MenteeProfile` or
:class:`~tandem.matching.models.MentorProfile` that enters the matching: only approved
profiles are matched. Applicants hear of the decision through
:func:`tandem.notifications.services.notify`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.notifications.services import notify
from tandem.organizations.models import Membership, Role

from ..models import (
    ApplicationKind,
    ApplicationStatus,
    MenteeProfile,
    MentorProfile,
    MentorProgram,
    ProgramApplication,
    ProgramStatus,
)
from ..permissions import (
    MENTOR_INSTITUTION_ROLES,
    MENTOR_PARTNER_ROLES,
    application_window_open,
    can_decide_application,
    mentee_membership_for,
    mentor_membership_for,
    program_application_kinds,
)
from .mentoring import _profile_fields
from .program_settings import JOINABLE, _require_manager

if TYPE_CHECKING:
    from tandem.accounts.models import User

#: Notification kinds (registered in :func:`tandem.matching.tasks.register_kinds`).
NOMINATION_KIND = "matching.program_nomination"
DECISION_KIND = "matching.program_application_decided"

REASON_MAX = 1000


class NotEligibleError(PermissionDeniedError):
    """The person may not apply to this program (403, with the field at fault)."""

    def __init__(self, message: str, *, fields: dict[str, list[str]]) -> None:
        DomainError.__init__(self, message, fields=fields, code="not_eligible")


def _program_link(program: MentorProgram) -> str:
    return reverse("matching:program_detail", kwargs={"public_id": program.public_id})


# --- Applications ---------------------------------------------------------------------------
def _window_refusal(program: MentorProgram) -> ConflictError:
    now = timezone.now()
    if program.status == ProgramStatus.OPEN and program.opens_at and now < program.opens_at:
        message = _("Applications open on %(date)s.") % {
            "date": formats.date_format(timezone.localtime(program.opens_at), "DATETIME_FORMAT")
        }
    elif program.status == ProgramStatus.OPEN and program.closes_at:
        message = _("Applications closed on %(date)s.") % {
            "date": formats.date_format(timezone.localtime(program.closes_at), "DATETIME_FORMAT")
        }
    else:
        message = _("The program does not take applications now.")
    return ConflictError(message, fields={"program": [message]}, code="window_closed")


def _clean_profile(
    data: dict[str, Any], *, kind: str, default_capacity: int
) -> tuple[dict[str, Any], int | None]:
    """The profile fields and the capacity (mentors), with every field's message at once."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for name in ("skills", "interests", "goals", "languages", "availability"):
        try:
            fields.update(_profile_fields({name: data.get(name) or []}))
        except DomainError as exc:
            errors.update({k: list(v) for k, v in exc.fields.items()})
    if "languages" not in errors and not fields.get("languages"):
        errors["languages"] = [_("Give at least one language you can meet in.")]
    if "availability" not in errors and not fields.get("availability"):
        errors["availability"] = [_("Give at least one weekly slot, such as tue-evening.")]
    capacity: int | None = None
    if kind == ApplicationKind.MENTOR:
        raw = data.get("capacity")
        if raw in (None, ""):
            capacity = default_capacity
        else:
            try:
                capacity = int(raw)
            except (TypeError, ValueError):
                capacity = 0
            if not 1 <= capacity <= 20:
                errors["capacity"] = [_("Capacity is 1 to 20 mentees.")]
    if errors:
        raise DomainError(_("Please correct the errors below."), fields=errors)
    return fields, capacity


def _already_in(program: MentorProgram, user_id: int) -> bool:
    return (
        program.mentees.filter(student_id=user_id).exists()
        or program.mentors.filter(membership__user_id=user_id).exists()
    )


@transaction.atomic
def application_submit(
    *,
    actor: User | AnonymousUser,
    program: MentorProgram,
    data: dict[str, Any],
    kind: str | None = None,
) -> ProgramApplication:
    """An eligible person applies as a mentee or mentor while applications are open.

    ``kind`` may be left out when the person is eligible one way only. Refused: not
    eligible (403), outside the window, twice or already in the program (409), a bad
    profile or a capacity outside 1–20 (400); nothing is written then."""
    if isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        raise PermissionDeniedError()
    locked = MentorProgram.objects.select_for_update().get(pk=program.pk)
    kinds = program_application_kinds(actor, locked)
    if not kinds:
        raise NotEligibleError(
            _("You are not eligible for this program."),
            fields={"kind": [_("The program is not open to you.")]},
        )
    if kind in (None, ""):
        if len(kinds) > 1:
            raise DomainError(
                _("Please correct the errors below."),
                fields={"kind": [_("Apply as a mentee or as a mentor.")]},
            )
        kind = kinds[0]
    if kind not in ApplicationKind.values:
        raise DomainError(
            _("Please correct the errors below."),
            fields={"kind": [_("Apply as a mentee or as a mentor.")]},
        )
    if kind not in kinds:
        raise NotEligibleError(
            _("You are not eligible for this program as a %(kind)s.")
            % {"kind": ApplicationKind(kind).label},
            fields={"kind": [_("The program is not open to you in this role.")]},
        )
    if not application_window_open(locked):
        raise _window_refusal(locked)
    if locked.applications.filter(user_id=actor.pk).exists():
        raise ConflictError(
            _("You have already applied to this program."),
            fields={"kind": [_("You have already applied.")]},
            code="duplicate",
        )
    if _already_in(locked, actor.pk):
        raise ConflictError(
            _("You are already in this program."),
            fields={"kind": [_("You are already in this program.")]},
            code="duplicate",
        )
    fields, capacity = _clean_profile(data, kind=kind, default_capacity=locked.default_capacity)
    row = (
        mentee_membership_for(actor, locked)
        if kind == ApplicationKind.MENTEE
        else mentor_membership_for(actor, locked)
    )
    assert row is not None  # the kinds above say so
    try:
        with transaction.atomic():
            application = ProgramApplication.objects.create(
                program=locked,
                user=actor,
                membership_id=row.pk,
                kind=kind,
                status=ApplicationStatus.PENDING,
                capacity=capacity,
                **fields,
            )
    except IntegrityError:
        raise ConflictError(
            _("You have already applied to this program."),
            fields={"kind": [_("You have already applied.")]},
            code="duplicate",
        ) from None
    audit_record(
        actor=actor,
        action="mentor_program.applied",
        target=locked,
        organizations=[locked.institution_id],
        changes={"application": str(application.public_id), "kind": kind},
    )
    return application


def _admit(application: ProgramApplication) -> MenteeProfile | MentorProfile:
    """Create (or refresh) the profile that enters the matching."""
    profile = {
        f: getattr(application, f)
        for f in ("skills", "interests", "goals", "availability", "languages")
    }
    if application.kind == ApplicationKind.MENTEE:
        mentee, _c = MenteeProfile.objects.update_or_create(
            program=application.program, student=application.user, defaults=profile
        )
        return mentee
    mentor, _c = MentorProfile.objects.update_or_create(
        program=application.program,
        membership=application.membership,
        defaults={"capacity": application.capacity or 1, **profile},
    )
    return mentor


@transaction.atomic
def application_decide(
    *,
    actor: User | AnonymousUser,
    application: ProgramApplication,
    approve: bool,
    reason: str = "",
) -> ProgramApplication:
    """A coordinator approves (the person enters the matching) or declines a pending
    application; the applicant is notified, with the reason if one is given."""
    if not can_decide_application(actor, application):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("Please correct the errors below."),
            fields={"reason": [_("At most 1,000 characters.")]},
        )
    locked = (
        ProgramApplication.objects.select_for_update()
        .select_related("program", "membership")
        .get(pk=application.pk)
    )
    if locked.status != ApplicationStatus.PENDING:
        raise ConflictError(
            _("This application has already been decided."),
            fields={"decision": [_("Already decided.")]},
            code="bad_status",
        )
    program = locked.program
    if approve and program.status not in JOINABLE:
        raise ConflictError(_("The program no longer takes new participants."), code="bad_status")
    if approve and not locked.membership.is_active:
        raise ConflictError(
            _("The applicant's membership has ended."),
            fields={"decision": [_("The membership has ended.")]},
            code="membership_ended",
        )
    locked.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.DECLINED
    locked.decided_by = actor if not isinstance(actor, AnonymousUser) else None
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save()
    if approve:
        _admit(locked)
    audit_record(
        actor=actor,
        action="mentor_program.application_decided",
        target=program,
        organizations=[program.institution_id],
        changes={"application": str(locked.public_id), "status": locked.status},
    )
    notify(
        recipients=[locked.user_id],
        kind=DECISION_KIND,
        title=(
            gettext_lazy("Your application to “%(program)s” is approved")
            if approve
            else gettext_lazy("Your application to “%(program)s” is declined")
        ),
        body=gettext_lazy("Reason: %(reason)s") if reason else "",
        params={"program": program.title, "reason": reason},
        link=_program_link(program),
        subject=program,
        dedupe_key=f"{locked.public_id}:decided",
    )
    application.status = locked.status
    return locked


# --- Nominations --------------------------------------------------------------------------
def _nominee_row(membership: Membership, program: MentorProgram, kind: str) -> bool:
    if not membership.is_active or not membership.user.is_active:
        return False
    if kind == ApplicationKind.MENTEE:
        return (
            membership.role == Role.STUDENT and membership.organization_id == program.institution_id
        )
    return membership.role in MENTOR_PARTNER_ROLES or (
        membership.role in MENTOR_INSTITUTION_ROLES
        and membership.organization_id == program.institution_id
    )


@transaction.atomic
def nomination_create(
    *,
    actor: User | AnonymousUser,
    program: MentorProgram,
    membership: Membership,
    kind: str,
    capacity: int | None = None,
) -> ProgramApplication:
    """A coordinator nominates a person (a student of the institution as a mentee; a
    mentor, partner staff or the institution's staff as a mentor). The person is notified
    and accepts (giving their profile) or declines."""
    _require_manager(actor, program)
    locked = MentorProgram.objects.select_for_update().get(pk=program.pk)
    if locked.status not in JOINABLE:
        raise ConflictError(_("The program no longer takes new participants."), code="bad_status")
    if kind not in ApplicationKind.values:
        raise DomainError(
            _("Please correct the errors below."), fields={"kind": [_("Mentee or mentor.")]}
        )
    if not _nominee_row(membership, locked, kind):
        raise DomainError(
            _("This person cannot be nominated as a %(kind)s here.")
            % {"kind": ApplicationKind(kind).label},
            fields={"membership": [_("Not eligible in this role.")]},
        )
    if kind == ApplicationKind.MENTOR:
        cap = locked.default_capacity if capacity in (None, "") else capacity
        try:
            cap = int(cap)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            cap = 0
        if not 1 <= cap <= 20:
            raise DomainError(
                _("Capacity is 1 to 20 mentees."), fields={"capacity": [_("1 to 20.")]}
            )
    else:
        cap = None
    if locked.applications.filter(user_id=membership.user_id).exists() or _already_in(
        locked, membership.user_id
    ):
        raise ConflictError(
            _("This person has already applied, been nominated or joined."),
            fields={"membership": [_("Already applied, nominated or in the program.")]},
            code="duplicate",
        )
    assert not isinstance(actor, AnonymousUser)
    application = ProgramApplication.objects.create(
        program=locked,
        user=membership.user,
        membership=membership,
        kind=kind,
        status=ApplicationStatus.NOMINATED,
        capacity=cap,
        nominated_by=actor,
    )
    audit_record(
        actor=actor,
        action="mentor_program.nominated",
        target=locked,
        organizations=[locked.institution_id, membership.organization_id],
        changes={"application": str(application.public_id), "kind": kind},
    )
    notify(
        recipients=[membership.user_id],
        kind=NOMINATION_KIND,
        title=(
            gettext_lazy("You are nominated as a mentor in “%(program)s”")
            if kind == ApplicationKind.MENTOR
            else gettext_lazy("You are nominated as a mentee in “%(program)s”")
        ),
        body=gettext_lazy("Open the program to accept (with your profile) or decline."),
        params={"program": locked.title},
        link=_program_link(locked),
        subject=locked,
        dedupe_key=f"{application.public_id}:nominated",
    )
    return application


@transaction.atomic
def nomination_respond(
    *,
    actor: User | AnonymousUser,
    application: ProgramApplication,
    accept: bool,
    data: dict[str, Any] | None = None,
) -> ProgramApplication:
    """The nominee accepts (with their profile: they enter the matching) or declines."""
    if getattr(actor, "pk", None) != application.user_id:
        raise PermissionDeniedError()
    locked = (
        ProgramApplication.objects.select_for_update()
        .select_related("program", "membership")
        .get(pk=application.pk)
    )
    if locked.status != ApplicationStatus.NOMINATED:
        raise ConflictError(_("You have already answered this nomination."), code="bad_status")
    program = locked.program
    if accept:
        if program.status not in JOINABLE:
            raise ConflictError(
                _("The program no longer takes new participants."), code="bad_status"
            )
        given = dict(data or {})
        if given.get("capacity") in (None, "") and locked.capacity:
            given["capacity"] = locked.capacity
        fields, capacity = _clean_profile(
            given, kind=locked.kind, default_capacity=program.default_capacity
        )
        for k, v in fields.items():
            setattr(locked, k, v)
        locked.capacity = capacity
        locked.status = ApplicationStatus.APPROVED
    else:
        locked.status = ApplicationStatus.NOMINATION_DECLINED
    locked.decided_at = timezone.now()
    locked.save()
    if accept:
        _admit(locked)
    audit_record(
        actor=actor,
        action="mentor_program.nomination_answered",
        target=program,
        organizations=[program.institution_id],
        changes={"application": str(locked.public_id), "status": locked.status},
    )
    application.status = locked.status
    return locked


__all__ = [
    "DECISION_KIND",
    "NOMINATION_KIND",
    "NotEligibleError",
    "application_decide",
    "application_submit",
    "nomination_create",
    "nomination_respond",
]
