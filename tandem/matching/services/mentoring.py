"""Mentor programs: participants, the optimal assignment, publishing (scores in
:mod:`.scoring`, the status table in :mod:`.program_rules`, applications in :mod:`.intake`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations.models import Membership, Organization, Role
from tandem.organizations.permissions import coordinator_institution_ids

from ..engine import Mentee, Mentor, ScoredMarket, solve_optimal
from ..models import (
    MenteeProfile,
    MentorPair,
    MentorProfile,
    MentorProgram,
    ProgramStatus,
)
from ..permissions import (
    can_manage_program,
)
from .program_rules import check_transition, clean_constraints
from .rounds import TITLE_MAX
from .scoring import (
    DAYS,
    PARTS,
    REQUIRE_AVAILABILITY,
    REQUIRE_LANGUAGE,
    SLOTS,
    WEIGHTS,
    MatchRules,
    PairScore,
    normalized_weights,
    pair_score,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User


# --- Mentor programs: services ------------------------------------------------------------
def _require_manager(actor: User | AnonymousUser, program: MentorProgram) -> None:
    if not can_manage_program(actor, program):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))


@transaction.atomic
def program_create(
    *,
    actor: User | AnonymousUser,
    institution: Organization,
    title: str,
    description: str = "",
    draft: bool = False,
    **settings: Any,
) -> MentorProgram:
    """A coordinator starts a mentor program for their institution: open for applications
    at once, or a ``draft`` to open later. ``settings`` are those of
    :func:`tandem.matching.services.program_settings.program_settings_update`."""
    if not institution.is_institution or institution.pk not in coordinator_institution_ids(actor):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise DomainError(
            _("Please correct the errors below."),
            fields={"title": [_("Give the program a title (at most 200 characters).")]},
        )
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
    from .program_settings import clean_settings

    fields = clean_settings(settings, institution_id=institution.pk)
    program = MentorProgram.objects.create(
        institution=institution,
        title=title,
        description=description.strip(),
        created_by=actor,
        status=ProgramStatus.DRAFT if draft else ProgramStatus.OPEN,
        **fields,
    )
    audit_record(
        actor=actor,
        action="mentor_program.created",
        target=program,
        organizations=[institution.pk],
        changes={"title": title},
    )
    return program


def _clean_list(
    values: Sequence[str] | None, field: str, *, choices: Sequence[str] | None = None
) -> list[str]:
    out: list[str] = []
    for v in values or []:
        v = str(v).strip()
        if not v:
            continue
        if len(v) > 80:
            raise DomainError(
                _("An entry is too long."), fields={field: [_("At most 80 characters per entry.")]}
            )
        if choices is not None and v.casefold() not in choices:
            raise DomainError(
                _("Unknown weekly slot “%(v)s”.") % {"v": v},
                fields={field: [_("Use slots like tue-evening.")]},
            )
        if v.casefold() not in {o.casefold() for o in out}:
            out.append(v.casefold() if choices is not None else v)
    if len(out) > 30:
        raise DomainError(_("Too many entries."), fields={field: [_("At most 30 entries.")]})
    return out


def _profile_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("skills", "interests", "goals", "languages"):
        if name in data:
            fields[name] = _clean_list(data[name], name)
    if "availability" in data:
        fields["availability"] = _clean_list(data["availability"], "availability", choices=SLOTS)
    return fields


def _program_open(program: MentorProgram) -> None:
    if program.status not in (ProgramStatus.DRAFT, ProgramStatus.OPEN, ProgramStatus.MATCHED):
        raise ConflictError(_("The program no longer takes changes."), code="bad_status")


@transaction.atomic
def mentor_add(
    *,
    actor: User | AnonymousUser,
    program: MentorProgram,
    membership: Membership,
    capacity: int = 1,
    **profile: Any,
) -> MentorProfile:
    """Invite a mentor (any active mentor membership) into the program with a capacity."""
    _require_manager(actor, program)
    _program_open(program)
    if membership.role != Role.MENTOR or not membership.is_active:
        raise DomainError(
            _("Only active mentors can be added."), fields={"membership": [_("Not a mentor.")]}
        )
    if not 1 <= capacity <= 20:
        raise DomainError(_("Capacity is 1 to 20 mentees."), fields={"capacity": [_("1 to 20.")]})
    mentor, _created = MentorProfile.objects.update_or_create(
        program=program,
        membership=membership,
        defaults={"capacity": capacity, **_profile_fields(profile)},
    )
    audit_record(
        actor=actor,
        action="mentor_program.mentor_added",
        target=program,
        organizations=[program.institution_id, membership.organization_id],
        changes={"mentor": str(mentor.public_id)},
    )
    return mentor


@transaction.atomic
def mentee_add(
    *, actor: User | AnonymousUser, program: MentorProgram, student: User, **profile: Any
) -> MenteeProfile:
    """Add a student of the program's institution as a mentee."""
    _require_manager(actor, program)
    _program_open(program)
    if not Membership.objects.filter(
        user=student, organization_id=program.institution_id, role=Role.STUDENT, is_active=True
    ).exists():
        raise DomainError(
            _("Only students of the institution can be mentees."),
            fields={"student": [_("Not a student here.")]},
        )
    mentee, _created = MenteeProfile.objects.update_or_create(
        program=program, student=student, defaults=_profile_fields(profile)
    )
    audit_record(
        actor=actor,
        action="mentor_program.mentee_added",
        target=program,
        organizations=[program.institution_id],
        changes={"mentee": str(mentee.public_id)},
    )
    return mentee


@transaction.atomic
def profile_update(
    *, actor: User | AnonymousUser, profile: MentorProfile | MenteeProfile, data: dict[str, Any]
) -> MentorProfile | MenteeProfile:
    """A participant edits their own profile (or a coordinator edits any) while the program
    is open."""
    program = profile.program
    own = (
        profile.student_id == getattr(actor, "pk", None)
        if isinstance(profile, MenteeProfile)
        else profile.membership.user_id == getattr(actor, "pk", None)
    )
    if not own and not can_manage_program(actor, program):
        raise PermissionDeniedError()
    if program.status != ProgramStatus.OPEN:
        raise ConflictError(
            _("Profiles are closed while pairs are computed or published."), code="bad_status"
        )
    fields = _profile_fields(data)
    if isinstance(profile, MentorProfile) and "capacity" in data:
        try:
            cap = int(data["capacity"])
        except (TypeError, ValueError):
            cap = 0
        if not 1 <= cap <= 20:
            raise DomainError(
                _("Capacity is 1 to 20 mentees."), fields={"capacity": [_("1 to 20.")]}
            )
        fields["capacity"] = cap
    for k, v in fields.items():
        setattr(profile, k, v)
    profile.save()
    return profile


@transaction.atomic
def program_run(
    *,
    actor: User | AnonymousUser,
    program: MentorProgram,
    constraints: dict[str, Any] | None = None,
) -> MentorProgram:
    """Open (or matched, to recompute) → running; the optimal assignment runs as a task.

    ``constraints`` (see :func:`clean_constraints`) are stored on the program first: the
    coordinator sets them on the run form."""
    _require_manager(actor, program)
    locked = MentorProgram.objects.select_for_update().get(pk=program.pk)
    target = check_transition(locked, "run")
    fields = clean_constraints(constraints or {})
    for k, v in fields.items():
        setattr(locked, k, v)
    locked.status = target
    locked.run_message = ""
    locked.save(update_fields=["status", "run_message", "updated_at", *fields])
    audit_record(
        actor=actor,
        action="mentor_program.run",
        target=locked,
        organizations=[locked.institution_id],
        changes=fields,
    )
    from ..tasks import run_mentor_program

    transaction.on_commit(partial(run_mentor_program.enqueue, program_id=locked.pk))
    program.status = locked.status
    return locked


@transaction.atomic
def program_compute(*, program_id: int) -> MentorProgram | None:
    """Score every allowed pair, solve the optimal assignment, store the pairs."""
    locked = MentorProgram.objects.select_for_update().filter(pk=program_id).first()
    if locked is None or locked.status != ProgramStatus.RUNNING:
        return locked
    mentors = list(locked.mentors.select_related("membership__organization"))
    mentees = list(locked.mentees.all())
    rules = MatchRules.of(locked)
    scored: dict[tuple[str, str], PairScore] = {}
    for e in mentees:
        for m in mentors:
            ps = pair_score(m, e, rules, mentee_institution_id=locked.institution_id)
            if ps.allowed:
                scored[(str(e.public_id), str(m.public_id))] = ps
    market = ScoredMarket(
        mentors=tuple(Mentor(str(m.public_id), m.capacity) for m in mentors),
        mentees=tuple(Mentee(str(e.public_id)) for e in mentees),
        scores=tuple((e, m, ps.score) for (e, m), ps in scored.items()),
    )
    locked.pairs.all().delete()
    if not mentors or not mentees:
        result_assign: dict[str, str | None] = {str(e.public_id): None for e in mentees}
        total = 0.0
    else:
        try:
            res = solve_optimal(market, compare_stable=False)
        except ValueError as exc:
            locked.status = ProgramStatus.OPEN
            locked.run_message = str(exc)
            locked.save(update_fields=["status", "run_message", "updated_at"])
            return locked
        result_assign, total = res.assignments, res.total_score
    m_by = {str(m.public_id): m for m in mentors}
    e_by = {str(e.public_id): e for e in mentees}
    MentorPair.objects.bulk_create(
        MentorPair(
            program=locked,
            mentor=m_by[mid],
            mentee=e_by[eid],
            score=scored[(eid, mid)].score,
            reasons=scored[(eid, mid)].reasons,
        )
        for eid, mid in result_assign.items()
        if mid is not None
    )
    paired = sum(1 for v in result_assign.values() if v is not None)
    locked.stats = {
        "mentees": len(mentees),
        "mentors": len(mentors),
        "paired": paired,
        "unpaired": len(mentees) - paired,
        "total_score": round(float(total), 4),
        "allowed_pairs": len(scored),
        "weights": dict(rules.weights),
        "constraints": {
            "require_shared_language": rules.require_shared_language,
            "min_shared_slots": rules.min_shared_slots,
            "require_same_institution": rules.require_same_institution,
        },
    }
    locked.status = check_transition(locked, "computed")
    locked.save(update_fields=["stats", "status", "updated_at"])
    return locked


@transaction.atomic
def program_publish(*, actor: User | AnonymousUser, program: MentorProgram) -> MentorProgram:
    """Pairs under review → published; mentors and mentees are e-mailed after commit."""
    _require_manager(actor, program)
    locked = MentorProgram.objects.select_for_update().get(pk=program.pk)
    locked.status = check_transition(locked, "publish")
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="mentor_program.published",
        target=locked,
        organizations=[locked.institution_id],
        changes={"pairs": locked.pairs.count()},
    )
    from ..tasks import notify_program_published

    transaction.on_commit(partial(notify_program_published.enqueue, program_id=locked.pk))
    program.status = locked.status
    return locked


__all__ = [
    "DAYS",
    "PARTS",
    "REQUIRE_AVAILABILITY",
    "REQUIRE_LANGUAGE",
    "SLOTS",
    "WEIGHTS",
    "MatchRules",
    "PairScore",
    "mentee_add",
    "mentor_add",
    "normalized_weights",
    "pair_score",
    "profile_update",
    "program_compute",
    "program_create",
    "program_publish",
    "program_run",
]
