"""Reads for match rounds and mentor programs, scoped to the viewer, and the builders of
the engine's frozen inputs from the database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.applications.models import SEAT_HOLDING_STAGES, Application
from tandem.opportunities.models import ApprovalStatus, Opportunity, OpportunityStatus
from tandem.organizations.models import Membership, Organization, Role
from tandem.organizations.permissions import membership_rows
from tandem.partnerships.models import Partnership

from .engine import Market, Placement, Student
from .models import (
    ApplicationStatus,
    MatchResult,
    MatchRound,
    MenteeProfile,
    MentorPair,
    MentorProfile,
    MentorProgram,
    PartnerRanking,
    ProgramApplication,
    ProgramStatus,
    StudentRanking,
)
from .permissions import (
    MENTOR_PARTNER_ROLES,
    application_window_open,
    can_manage_program,
    can_view_program,
    can_view_round,
    program_application_kinds,
    programs_visible_qs,
    rounds_visible_qs,
    staff_host_ids,
)


def round_list(viewer: Any) -> QuerySet[MatchRound]:
    """Rounds the viewer may see, newest first, with their institution."""
    return (
        rounds_visible_qs(viewer)
        .select_related("institution")
        .annotate(n_opportunities=Count("opportunities", distinct=True))
        .order_by("-created_at")
    )


def round_get(viewer: Any, public_id: UUID | str) -> MatchRound:
    """One visible round, or 404 (existence does not leak)."""
    try:
        match_round = MatchRound.objects.select_related("institution").get(public_id=public_id)
    except (MatchRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_round(viewer, match_round):
        raise Http404
    return match_round


def round_opportunities(match_round: MatchRound) -> QuerySet[Opportunity]:
    return match_round.opportunities.select_related("host").order_by("host__name", "title")


def eligible_round_opportunities(institution: Organization) -> QuerySet[Opportunity]:
    """Opportunities a round of ``institution`` may include: published and approved for it."""
    return (
        Opportunity.objects.filter(
            status=OpportunityStatus.PUBLISHED,
            approvals__institution=institution,
            approvals__status=ApprovalStatus.APPROVED,
        )
        .select_related("host")
        .order_by("host__name", "title")
        .distinct()
    )


def student_rank_list(match_round: MatchRound, student: Any) -> list[Opportunity]:
    """The student's rank list, first choice first."""
    rows = (
        StudentRanking.objects.filter(round=match_round, student=student)
        .select_related("opportunity__host")
        .order_by("position")
    )
    return [r.opportunity for r in rows]


def seats_held(opportunity_ids: list[int]) -> dict[int, int]:
    """Seat-holding applications per opportunity (accepted, placed, completed)."""
    rows = (
        Application.objects.filter(
            opportunity_id__in=opportunity_ids, stage__in=list(SEAT_HOLDING_STAGES)
        )
        .values("opportunity_id")
        .annotate(n=Count("pk"))
    )
    held = {r["opportunity_id"]: r["n"] for r in rows}
    return {oid: held.get(oid, 0) for oid in opportunity_ids}


def round_capacities(match_round: MatchRound) -> dict[int, int]:
    """Seats left per opportunity: seats minus seats already held (never below zero). An
    opportunity no longer published (closed or withdrawn by its host) offers none."""
    opps = list(match_round.opportunities.values_list("pk", "seats", "status"))
    held = seats_held([pk for pk, _seats, _status in opps])
    return {
        pk: max(0, seats - held[pk]) if status == OpportunityStatus.PUBLISHED else 0
        for pk, seats, status in opps
    }


def round_students(match_round: MatchRound) -> QuerySet[Any]:
    """Users who are active students of the round's institution and ranked at least one
    opportunity in it."""
    from django.contrib.auth import get_user_model

    student_ids = Membership.objects.filter(
        organization_id=match_round.institution_id, role=Role.STUDENT, is_active=True
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=student_ids)
        .filter(match_rankings__round=match_round)
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class PartnerQueue:
    """For one opportunity of the viewer's hosts: who ranked it, and the current ranking."""

    opportunity: Opportunity
    applicants: list[Any]
    ranked: list[Any]


def partner_queues(viewer: Any, match_round: MatchRound) -> list[PartnerQueue]:
    """For each round opportunity hosted by the viewer's organizations: the students who
    ranked it (alphabetically) and the viewer's host's current ranking."""
    hosts = staff_host_ids(viewer, match_round)
    if not hosts:
        return []
    opps = list(round_opportunities(match_round).filter(host_id__in=hosts))
    students = {u.pk: u for u in round_students(match_round)}
    applicants: dict[int, list[Any]] = defaultdict(list)
    for opp_id, student_id in StudentRanking.objects.filter(
        round=match_round, opportunity__in=opps
    ).values_list("opportunity_id", "student_id"):
        if student_id in students:
            applicants[opp_id].append(students[student_id])
    ranked: dict[int, list[Any]] = defaultdict(list)
    for pr in (
        PartnerRanking.objects.filter(round=match_round, opportunity__in=opps)
        .select_related("student")
        .order_by("opportunity_id", "position")
    ):
        ranked[pr.opportunity_id].append(pr.student)
    return [
        PartnerQueue(
            opportunity=o,
            applicants=sorted(applicants[o.pk], key=lambda u: (u.full_name, u.pk)),
            ranked=ranked[o.pk],
        )
        for o in opps
    ]


def build_market(match_round: MatchRound) -> tuple[Market, dict[str, Any], dict[str, Opportunity]]:
    """The engine's frozen input for a round, plus id → user and id → opportunity maps.

    Student ids are user public ids, placement ids opportunity public ids (strings). Only
    active students of the institution count; capacities are seats minus seats held.
    """
    opps = list(round_opportunities(match_round))
    by_pk = {o.pk: o for o in opps}
    capacities = round_capacities(match_round)
    users = list(round_students(match_round))
    user_by_pk = {u.pk: u for u in users}
    s_rank: dict[int, list[str]] = defaultdict(list)
    for r in StudentRanking.objects.filter(round=match_round, student__in=users).order_by(
        "student_id", "position"
    ):
        if r.opportunity_id in by_pk:
            s_rank[r.student_id].append(str(by_pk[r.opportunity_id].public_id))
    p_rank: dict[int, list[str]] = defaultdict(list)
    for pr in PartnerRanking.objects.filter(round=match_round).order_by(
        "opportunity_id", "position"
    ):
        if pr.student_id in user_by_pk:
            p_rank[pr.opportunity_id].append(str(user_by_pk[pr.student_id].public_id))
    market = Market(
        students=tuple(Student(str(u.public_id), tuple(s_rank[u.pk])) for u in users),
        placements=tuple(
            Placement(str(o.public_id), capacities[o.pk], tuple(p_rank[o.pk])) for o in opps
        ),
    )
    return (
        market,
        {str(u.public_id): u for u in users},
        {str(o.public_id): o for o in opps},
    )


def round_results(match_round: MatchRound) -> QuerySet[MatchResult]:
    return match_round.results.select_related("student", "opportunity__host").order_by(
        "student__full_name", "pk"
    )


def student_result(match_round: MatchRound, student: Any) -> MatchResult | None:
    return match_round.results.select_related("opportunity__host").filter(student=student).first()


def explanation_view(result: MatchResult, match_round: MatchRound) -> dict[str, Any]:
    """A result's explanation with opportunity ids turned into opportunities (for display)."""
    opps = {str(o.public_id): o for o in round_opportunities(match_round)}
    data = result.explanation or {}
    return {
        "reasons": [
            {**r, "opportunity": opps.get(r.get("placement", ""))} for r in data.get("reasons", [])
        ],
        "open_seats": [
            (opps[pid], n) for pid, n in (data.get("open_seats") or {}).items() if pid in opps
        ],
    }


def round_chart(match_round: MatchRound) -> list[dict[str, Any]]:
    """Rows for the unfilled-seats chart: opportunity, seats offered, filled, unfilled."""
    per = (match_round.stats or {}).get("per_opportunity", [])
    biggest = max([row.get("capacity", 0) for row in per] + [1])
    return [{**row, "pct": round(100 * row.get("filled", 0) / biggest)} for row in per]


# --- Mentor programs ----------------------------------------------------------------------
def program_list(viewer: Any) -> QuerySet[MentorProgram]:
    return programs_visible_qs(viewer).select_related("institution").order_by("-created_at")


def program_get(viewer: Any, public_id: UUID | str) -> MentorProgram:
    try:
        program = MentorProgram.objects.select_related("institution").get(public_id=public_id)
    except (MentorProgram.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_program(viewer, program):
        raise Http404
    return program


def program_pairs(program: MentorProgram, viewer: Any | None = None) -> QuerySet[MentorPair]:
    """Pairs of a program; with ``viewer`` only those the viewer is part of."""
    qs = program.pairs.select_related(
        "mentor__membership__user", "mentor__membership__organization", "mentee__student"
    ).order_by("-score", "pk")
    if viewer is not None:
        qs = qs.filter(Q(mentee__student=viewer) | Q(mentor__membership__user=viewer))
    return qs


def program_mentors(program: MentorProgram) -> QuerySet[MentorProfile]:
    return program.mentors.select_related("membership__user", "membership__organization")


def program_mentees(program: MentorProgram) -> QuerySet[MenteeProfile]:
    return program.mentees.select_related("student")


def eligible_mentor_memberships(program: MentorProgram) -> QuerySet[Membership]:
    """Mentor memberships a coordinator may add: mentors at partners in an active mentoring
    partnership with the institution come first; any active mentor membership may be invited."""
    mentoring_partner_ids = mentoring_partner_ids_for(program.institution_id)
    return (
        Membership.objects.filter(role=Role.MENTOR, is_active=True, user__is_active=True)
        .annotate(
            in_partnership=Case(
                When(organization_id__in=mentoring_partner_ids, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .select_related("user", "organization")
        .order_by("-in_partnership", "organization__name", "user__full_name")
    )


def mentoring_partner_ids_for(institution_id: int) -> set[int]:
    """Partners in an active or proposed partnership of type "mentoring" with the institution
    (JSON ``types`` is filtered in Python: SQLite has no JSON ``contains``)."""
    ids: set[int] = set()
    for partnership in Partnership.objects.filter(institutions=institution_id).prefetch_related(
        "partners"
    ):
        if "mentoring" in (partnership.types or []):
            ids.update(p.pk for p in partnership.partners.all())
    return ids


def eligible_mentee_memberships(program: MentorProgram) -> QuerySet[Membership]:
    return Membership.objects.filter(
        organization_id=program.institution_id,
        role=Role.STUDENT,
        is_active=True,
        user__is_active=True,
    ).select_related("user")


def eligible_round_opportunities_any(institutions: QuerySet[Organization]) -> QuerySet[Opportunity]:
    """Opportunities approved for any of ``institutions`` (the round form's choices; the
    service checks the chosen institution)."""
    return (
        Opportunity.objects.filter(
            status=OpportunityStatus.PUBLISHED,
            approvals__institution__in=institutions,
            approvals__status=ApprovalStatus.APPROVED,
        )
        .select_related("host")
        .order_by("host__name", "title")
        .distinct()
    )


#: At most this many names are listed in one reason; the rest are counted.
UNPAIRED_NAMES_SHOWN = 10


def _names(people: list[str]) -> str:
    shown = ", ".join(people[:UNPAIRED_NAMES_SHOWN])
    rest = len(people) - UNPAIRED_NAMES_SHOWN
    if rest > 0:
        shown += " " + ngettext("and %(n)d more", "and %(n)d more", rest) % {"n": rest}
    return shown


def _has_profile(profile: MentorProfile | MenteeProfile) -> bool:
    """A pair needs a common language and an overlapping weekly slot (see ``pair_score``)."""
    return bool(profile.languages) and bool(profile.availability)


def program_unpaired_reasons(program: MentorProgram) -> list[str]:
    """Why the program's computed pairing leaves mentees unpaired, as sentences for its
    coordinators, one per cause with a count and the names: mentees or mentors whose profile
    lacks a language or weekly availability, no mentors at all, mentees who share no
    language and slot with any mentor, and mentees whose fitting mentors are full.

    Read from the profiles as they are now (a profile completed since the run shows up as
    fixed before the next run). Empty before pairs are computed or when everyone is paired.
    """
    from .services.scoring import MatchRules, pair_score

    if program.status not in ("matched", "published") or not program.stats:
        return []
    mentors = list(program_mentors(program))
    mentees = list(program_mentees(program).order_by("student__full_name", "pk"))
    paired = set(program.pairs.values_list("mentee_id", flat=True))
    unpaired = [e for e in mentees if e.pk not in paired]
    reasons: list[str] = []
    if not unpaired:
        return reasons
    incomplete_mentors = [m for m in mentors if not _has_profile(m)]
    if incomplete_mentors:
        n = len(incomplete_mentors)
        reasons.append(
            ngettext(
                "%(n)d mentor has no mentor profile yet (languages and weekly availability "
                "are needed to pair anyone with them): %(names)s.",
                "%(n)d mentors have no mentor profile yet (languages and weekly availability "
                "are needed to pair anyone with them): %(names)s.",
                n,
            )
            % {"n": n, "names": _names([m.membership.user.full_name for m in incomplete_mentors])}
        )
    no_profile = [e for e in unpaired if not _has_profile(e)]
    if no_profile:
        n = len(no_profile)
        reasons.append(
            ngettext(
                "%(n)d mentee has no mentee profile yet (languages and weekly availability "
                "are needed to pair them): %(names)s.",
                "%(n)d mentees have no mentee profile yet (languages and weekly availability "
                "are needed to pair them): %(names)s.",
                n,
            )
            % {"n": n, "names": _names([e.student.full_name for e in no_profile])}
        )
    rest = [e for e in unpaired if _has_profile(e)]
    if not mentors:
        if rest:
            reasons.append(_("The program has no mentors yet: add mentors, then compute again."))
        return reasons
    rules = MatchRules.of(program)
    no_fit = [
        e
        for e in rest
        if not any(
            pair_score(m, e, rules, mentee_institution_id=program.institution_id).allowed
            for m in mentors
        )
    ]
    if no_fit:
        n = len(no_fit)
        reasons.append(
            ngettext(
                "%(n)d mentee fits no mentor under the matching constraints: %(names)s.",
                "%(n)d mentees fit no mentor under the matching constraints: %(names)s.",
                n,
            )
            % {"n": n, "names": _names([e.student.full_name for e in no_fit])}
        )
    full = [e for e in rest if e not in no_fit]
    if full:
        n = len(full)
        capacity = sum(m.capacity for m in mentors)
        reasons.append(
            ngettext(
                "%(n)d mentee fits only mentors who are already full (the mentors take "
                "%(capacity)d mentees in all for %(mentees)d mentees): %(names)s.",
                "%(n)d mentees fit only mentors who are already full (the mentors take "
                "%(capacity)d mentees in all for %(mentees)d mentees): %(names)s.",
                n,
            )
            % {
                "n": n,
                "capacity": capacity,
                "mentees": len(mentees),
                "names": _names([e.student.full_name for e in full]),
            }
        )
    return reasons


def my_published_pairs(viewer: Any) -> QuerySet[MentorPair]:
    """The viewer's pairs in published programs: as a mentor (their mentees) or a mentee."""
    if not getattr(viewer, "is_authenticated", False):
        return MentorPair.objects.none()
    return (
        MentorPair.objects.filter(program__status="published")
        .filter(
            Q(mentor__membership__user=viewer, mentor__membership__is_active=True)
            | Q(mentee__student=viewer)
        )
        .select_related("program", "mentee__student", "mentor__membership__user")
        .order_by("program__title", "-score", "pk")
    )


# --- Mentor programs: intake ---------------------------------------------------------------
@dataclass(frozen=True)
class OpenProgram:
    """A program the viewer may apply to (or has applied to / been nominated for)."""

    program: MentorProgram
    kinds: tuple[str, ...]
    application: ProgramApplication | None
    window_open: bool


def programs_open_to(viewer: Any) -> list[OpenProgram]:
    """Programs accepting applications that the viewer is eligible for, and every program
    where they have an application or a nomination, newest first."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    rows = membership_rows(viewer)
    inst_ids = {r.organization_id for r in rows if r.organization_kind == "institution"}
    partner_ids = {r.organization_id for r in rows if r.role in MENTOR_PARTNER_ROLES}
    if partner_ids:
        inst_ids |= set(
            Partnership.objects.filter(partners__in=partner_ids).values_list(
                "institutions", flat=True
            )
        ) - {None}
    own = {
        a.program_id: a
        for a in ProgramApplication.objects.filter(user=viewer).select_related("program")
    }
    candidates = (
        MentorProgram.objects.filter(
            Q(status=ProgramStatus.OPEN, institution_id__in=inst_ids) | Q(pk__in=list(own))
        )
        .select_related("institution")
        .order_by("-created_at")
    )
    out = []
    for program in candidates:
        kinds = tuple(program_application_kinds(viewer, program))
        application = own.get(program.pk)
        if kinds or application is not None:
            out.append(
                OpenProgram(
                    program=program,
                    kinds=kinds,
                    application=application,
                    window_open=application_window_open(program),
                )
            )
    return out


def own_application(viewer: Any, program: MentorProgram) -> ProgramApplication | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return program.applications.filter(user=viewer).first()


def program_applications(
    program: MentorProgram, *, status: str | None = None
) -> QuerySet[ProgramApplication]:
    """The coordinator's queue: applications and nominations, pending first."""
    qs = program.applications.select_related(
        "user", "membership__organization", "nominated_by", "decided_by"
    ).annotate(
        pending_first=Case(
            When(status=ApplicationStatus.PENDING, then=Value(0)),
            When(status=ApplicationStatus.NOMINATED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("pending_first", "created_at", "pk")


def program_application_get(
    viewer: Any, program: MentorProgram, public_id: UUID | str
) -> ProgramApplication:
    """One application of the program, for its coordinators or the applicant; else 404."""
    try:
        application = program.applications.select_related("program", "membership", "user").get(
            public_id=public_id
        )
    except (ProgramApplication.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if application.user_id != getattr(viewer, "pk", None) and not can_manage_program(
        viewer, program
    ):
        raise Http404
    return application


@dataclass(frozen=True)
class Unmatchable:
    """A mentee no mentor may be paired with under the program's constraints, and why."""

    name: str
    reasons: tuple[str, ...]


def _blocked_reason(code: str, rules: Any) -> str:
    if code == "language":
        return _("no mentor shares a language")
    if code == "availability":
        return ngettext(
            "no mentor has %(n)d overlapping weekly slot",
            "no mentor has %(n)d overlapping weekly slots",
            rules.min_shared_slots,
        ) % {"n": rules.min_shared_slots}
    return _("every mentor belongs to another institution")


def program_unmatchable(program: MentorProgram) -> list[Unmatchable]:
    """Mentees (with a profile) who cannot be paired with any mentor under the program's
    constraints as they are set now, each with the constraints that rule every mentor out
    ("no mentor shares a language"), or, when each constraint alone leaves someone, that no
    mentor meets them all at once. Empty without mentors (the page says so itself)."""
    from .services.scoring import MatchRules, pair_blocked

    mentors = list(program_mentors(program))
    if not mentors:
        return []
    rules = MatchRules.of(program)
    out = []
    for e in program_mentees(program).order_by("student__full_name", "pk"):
        if not _has_profile(e):
            continue
        blocked = [
            pair_blocked(m, e, rules, mentee_institution_id=program.institution_id) for m in mentors
        ]
        if not all(blocked):
            continue
        every = [
            c for c in ("language", "availability", "institution") if all(c in b for b in blocked)
        ]
        reasons = tuple(_blocked_reason(c, rules) for c in every) or (
            _("no mentor meets every constraint at once"),
        )
        out.append(Unmatchable(name=e.student.full_name, reasons=reasons))
    return out


def profile_skill_labels(user: Any) -> list[str]:
    """The ESCO skills on the person's skills profile (the profiles app's own read), as the
    labels a mentor program profile holds; empty for people without a skills profile."""
    from tandem.profiles.selectors import held_concepts

    return [c.preferred_label for c in held_concepts(user)][:30]
