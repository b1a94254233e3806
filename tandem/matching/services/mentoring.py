"""Mentor programs: the scoring function, participants, the optimal assignment, publishing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
from .rounds import TITLE_MAX

if TYPE_CHECKING:
    from tandem.accounts.models import User


# --- Mentor programs: scoring -------------------------------------------------------------
#: Weight of each component of the fit score; the components are each in [0, 1], so a pair's
#: score is in [0, 1] too. See docs/match-rounds.md ("How mentor pairs are scored").
WEIGHTS: dict[str, float] = {
    "skills": 0.30,  # skills the mentee wants to learn that the mentor has
    "interests": 0.25,
    "goals": 0.15,
    "availability": 0.20,
    "language": 0.10,
}
#: A pair without a common language, or without one overlapping weekly slot, is not allowed.
REQUIRE_LANGUAGE = True
REQUIRE_AVAILABILITY = True
#: Weekly slots: day + part of day, e.g. ``tue-evening``.
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "afternoon", "evening")
SLOTS = tuple(f"{d}-{p}" for d in DAYS for p in PARTS)


def _norm(items: Sequence[str]) -> dict[str, str]:
    return {str(i).strip().casefold(): str(i).strip() for i in items if str(i).strip()}


def _overlap(a: Sequence[str], b: Sequence[str], *, cap: int) -> tuple[float, list[str]]:
    na, nb = _norm(a), _norm(b)
    common = sorted(nb[k] for k in na.keys() & nb.keys())
    return (min(len(common), cap) / cap if cap else 0.0), common


def _slot_label(slot: str) -> str:
    day, _sep, part = slot.partition("-")
    return f"{day.capitalize()} {part}"


@dataclass(frozen=True)
class PairScore:
    """A pair's score in [0, 1], its components and the reasons shown to people."""

    score: float
    components: dict[str, float]
    reasons: list[str]
    allowed: bool


def pair_score(mentor: MentorProfile, mentee: MenteeProfile) -> PairScore:
    """Fit of a mentee with a mentor, with human-readable reasons.

    - skills: the mentee's skills (to learn) the mentor has, 3 or more count fully;
    - interests: shared interests, 3 or more count fully;
    - goals: shared goals, 2 or more count fully;
    - availability: overlapping weekly slots, 2 or more count fully;
    - language: 1 when they share a language.
    """
    s_skills, skills = _overlap(mentor.skills, mentee.skills, cap=3)
    s_int, interests = _overlap(mentor.interests, mentee.interests, cap=3)
    s_goals, goals = _overlap(mentor.goals, mentee.goals, cap=2)
    s_av, slots = _overlap(mentor.availability, mentee.availability, cap=2)
    s_lang, langs = _overlap(mentor.languages, mentee.languages, cap=1)
    components = {
        "skills": s_skills,
        "interests": s_int,
        "goals": s_goals,
        "availability": s_av,
        "language": s_lang,
    }
    score = round(sum(WEIGHTS[k] * v for k, v in components.items()), 4)
    reasons: list[str] = []
    if skills:
        reasons.append(
            ngettext(
                "can teach %(n)d skill the mentee wants: %(list)s",
                "can teach %(n)d skills the mentee wants: %(list)s",
                len(skills),
            )
            % {"n": len(skills), "list": ", ".join(skills)}
        )
    if interests:
        reasons.append(
            ngettext(
                "shares %(n)d interest: %(list)s",
                "shares %(n)d interests: %(list)s",
                len(interests),
            )
            % {"n": len(interests), "list": ", ".join(interests)}
        )
    if goals:
        reasons.append(_("shared goals: %(list)s") % {"list": ", ".join(goals)})
    if langs:
        reasons.append(_("both speak %(list)s") % {"list": ", ".join(langs)})
    if slots:
        reasons.append(
            _("availability overlaps %(list)s")
            % {"list": ", ".join(_slot_label(s.casefold()) for s in slots)}
        )
    allowed = (not REQUIRE_LANGUAGE or bool(langs)) and (not REQUIRE_AVAILABILITY or bool(slots))
    return PairScore(score=score, components=components, reasons=reasons, allowed=allowed)


# --- Mentor programs: services ------------------------------------------------------------
def _require_manager(actor: User | AnonymousUser, program: MentorProgram) -> None:
    if not can_manage_program(actor, program):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))


@transaction.atomic
def program_create(
    *, actor: User | AnonymousUser, institution: Organization, title: str, description: str = ""
) -> MentorProgram:
    """A coordinator starts a mentor program for their institution."""
    if not institution.is_institution or institution.pk not in coordinator_institution_ids(actor):
        raise PermissionDeniedError(_("Only the institution's coordinators can do this."))
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise DomainError(
            _("Please correct the errors below."),
            fields={"title": [_("Give the program a title (at most 200 characters).")]},
        )
    assert not isinstance(actor, AnonymousUser)  # the check above admits signed-in users
    program = MentorProgram.objects.create(
        institution=institution, title=title, description=description.strip(), created_by=actor
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
    if program.status not in (ProgramStatus.OPEN, ProgramStatus.MATCHED):
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
def program_run(*, actor: User | AnonymousUser, program: MentorProgram) -> MentorProgram:
    """Open (or matched, to recompute) → running; the optimal assignment runs as a task."""
    _require_manager(actor, program)
    locked = MentorProgram.objects.select_for_update().get(pk=program.pk)
    if locked.status not in (ProgramStatus.OPEN, ProgramStatus.MATCHED):
        raise ConflictError(_("The program cannot be run now."), code="bad_status")
    locked.status = ProgramStatus.RUNNING
    locked.run_message = ""
    locked.save(update_fields=["status", "run_message", "updated_at"])
    audit_record(
        actor=actor,
        action="mentor_program.run",
        target=locked,
        organizations=[locked.institution_id],
        changes={},
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
    mentors = list(locked.mentors.all())
    mentees = list(locked.mentees.all())
    scored: dict[tuple[str, str], PairScore] = {}
    for e in mentees:
        for m in mentors:
            ps = pair_score(m, e)
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
        "weights": WEIGHTS,
    }
    locked.status = ProgramStatus.MATCHED
    locked.save(update_fields=["stats", "status", "updated_at"])
    return locked


@transaction.atomic
def program_publish(*, actor: User | AnonymousUser, program: MentorProgram) -> MentorProgram:
    """Pairs under review → published; mentors and mentees are e-mailed after commit."""
    _require_manager(actor, program)
    locked = MentorProgram.objects.select_for_update().get(pk=program.pk)
    if locked.status != ProgramStatus.MATCHED:
        raise ConflictError(_("Only computed pairs can be published."), code="bad_status")
    locked.status = ProgramStatus.PUBLISHED
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
