"""Mentor programs: the fit score of a (mentor, mentee) pair, its reasons, and the
coordinator's hard constraints (:class:`MatchRules`). Pure over the profiles' fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import MenteeProfile, MentorProfile, MentorProgram

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
class MatchRules:
    """The coordinator's matching constraints and weights for one program.

    A pair that breaks a hard constraint gets no edge in the assignment (``allowed`` is
    False) and the constraint's code is in :attr:`PairScore.blocked`:

    - ``language``: they share no language (``require_shared_language``);
    - ``availability``: fewer than ``min_shared_slots`` overlapping weekly slots;
    - ``institution``: the mentor belongs to an institution that is not the mentee's
      (``require_same_institution``; mentors of partner organizations are not concerned).
    """

    require_shared_language: bool = REQUIRE_LANGUAGE
    min_shared_slots: int = 1 if REQUIRE_AVAILABILITY else 0
    require_same_institution: bool = False
    weights: tuple[tuple[str, float], ...] = tuple(WEIGHTS.items())

    @classmethod
    def of(cls, program: MentorProgram) -> MatchRules:
        return cls(
            require_shared_language=program.require_shared_language,
            min_shared_slots=program.min_shared_slots,
            require_same_institution=program.require_same_institution,
            weights=tuple(normalized_weights(program.weights).items()),
        )


def normalized_weights(given: dict[str, Any] | None) -> dict[str, float]:
    """The program's weights (any non-negative numbers, missing ones take the default)
    scaled to sum to 1, so that a score stays in [0, 1]."""
    raw = {k: float((given or {}).get(k, WEIGHTS[k])) for k in WEIGHTS}
    total = sum(raw.values())
    if total <= 0:
        return dict(WEIGHTS)
    return {k: round(v / total, 4) for k, v in raw.items()}


@dataclass(frozen=True)
class PairScore:
    """A pair's score in [0, 1], its components and the reasons shown to people;
    ``blocked`` lists the hard constraints the pair breaks (empty when allowed; a blocked
    pair has no reasons)."""

    score: float
    components: dict[str, float]
    reasons: list[str]
    allowed: bool
    blocked: tuple[str, ...] = ()


def _mentor_institution_id(mentor: MentorProfile) -> int | None:
    org = mentor.membership.organization
    return org.pk if org.is_institution else None


def pair_blocked(
    mentor: MentorProfile,
    mentee: MenteeProfile,
    rules: MatchRules,
    *,
    mentee_institution_id: int | None = None,
) -> tuple[str, ...]:
    """The hard constraints of ``rules`` the pair breaks (see :class:`MatchRules`), without
    scoring it: what the coordinator's list of unpairable mentees needs."""
    blocked: list[str] = []
    if rules.require_shared_language and not (
        _norm(mentor.languages).keys() & _norm(mentee.languages).keys()
    ):
        blocked.append("language")
    if rules.min_shared_slots and (
        len(_norm(mentor.availability).keys() & _norm(mentee.availability).keys())
        < rules.min_shared_slots
    ):
        blocked.append("availability")
    if rules.require_same_institution and mentee_institution_id is not None:
        mentor_inst = _mentor_institution_id(mentor)
        if mentor_inst is not None and mentor_inst != mentee_institution_id:
            blocked.append("institution")
    return tuple(blocked)


def pair_score(
    mentor: MentorProfile,
    mentee: MenteeProfile,
    rules: MatchRules | None = None,
    *,
    mentee_institution_id: int | None = None,
) -> PairScore:
    """Fit of a mentee with a mentor, with human-readable reasons.

    - skills: the mentee's skills (to learn) the mentor has, 3 or more count fully;
    - interests: shared interests, 3 or more count fully;
    - goals: shared goals, 2 or more count fully;
    - availability: overlapping weekly slots, 2 or more count fully;
    - language: 1 when they share a language.

    ``rules`` (default: a shared language and one overlapping slot required) decide which
    pairs are allowed and weigh the components; ``mentee_institution_id`` (the program's
    institution) is needed for the same-institution rule.
    """
    rules = rules or MatchRules()
    weights = dict(rules.weights)
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
    score = round(sum(weights.get(k, 0.0) * v for k, v in components.items()), 4)
    blocked = pair_blocked(mentor, mentee, rules, mentee_institution_id=mentee_institution_id)
    if blocked:  # never paired: its reasons would not be shown (and cost time at scale)
        return PairScore(
            score=score, components=components, reasons=[], allowed=False, blocked=tuple(blocked)
        )
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
    if (
        not blocked
        and rules.require_same_institution
        and mentee_institution_id is not None
        and _mentor_institution_id(mentor) is not None
    ):
        reasons.append(_("same institution"))
    return PairScore(score=score, components=components, reasons=reasons, allowed=True)
