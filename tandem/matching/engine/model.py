"""Frozen inputs and results of the matching engine.

Everything here is plain data: the platform builds these from its database, the command
line builds them from JSON or CSV, and the tests build them by hand. Identifiers are
strings chosen by the caller; the engine never invents them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Proposing = Literal["students", "placements"]

#: One entry of a placement's ranking: a student id, or a tuple of ids that the placement
#: ranks equally (a tie, broken by the seeded lottery, see ``docs/matching.md``).
RankEntry = str | tuple[str, ...]


class MarketError(ValueError):
    """Bad input: the message names the record (or file line) at fault.

    The command line turns it into a message on stderr and exit status 2.
    """


@dataclass(frozen=True, slots=True)
class Student:
    """A student (applicant) and the placements they rank, most wanted first."""

    id: str
    ranking: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Placement:
    """A placement (program, host) with a number of seats and its ranking of students.

    ``ranking`` entries are student ids, best first; a tuple entry is a group of students
    the placement ranks equally.
    """

    id: str
    capacity: int
    ranking: tuple[RankEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Couple:
    """Two students who are placed together or not at all.

    ``ranking`` lists placement pairs ``(placement of members[0], placement of members[1])``,
    best first; the same placement twice means both at the same site. The members' own
    student rankings are ignored while they apply as a couple.
    """

    members: tuple[str, str]
    ranking: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Market:
    """A whole two-sided market."""

    students: tuple[Student, ...]
    placements: tuple[Placement, ...]
    couples: tuple[Couple, ...] = ()


@dataclass(frozen=True, slots=True)
class BlockingPair:
    """A student (or couple) and a placement (or pair) that would both rather be matched.

    For a single student ``placement`` is one id; for a couple, ``student`` is
    ``"a+b"`` and ``placement`` is ``"p1+p2"``.
    """

    student: str
    placement: str

    def as_list(self) -> list[str]:
        return [self.student, self.placement]


@dataclass(frozen=True, slots=True)
class Verification:
    """What the independent checker found; empty lists mean a valid stable matching."""

    blocking_pairs: tuple[BlockingPair, ...] = ()
    capacity_violations: tuple[str, ...] = ()
    unacceptable_assignments: tuple[tuple[str, str], ...] = ()
    couple_violations: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        """No capacity, acceptability or couple-togetherness problem."""
        return not (
            self.capacity_violations or self.unacceptable_assignments or self.couple_violations
        )

    @property
    def is_stable(self) -> bool:
        return self.is_valid and not self.blocking_pairs


@dataclass(frozen=True, slots=True)
class StableResult:
    """Outcome of a stable match.

    ``assignments`` lists every student (``None`` = unmatched). ``stable`` is what the
    independent checker found; with couples it can be ``False`` and then ``message`` says
    that no stable matching was found.
    """

    assignments: dict[str, str | None]
    stable: bool
    blocking_pairs: tuple[BlockingPair, ...]
    stats: dict[str, float | int | str | None]
    proposing: Proposing = "students"
    seed: int = 0
    message: str = ""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a student did not get one placement they ranked higher than their result."""

    placement: str
    code: Literal[
        "filled_with_higher_ranked",
        "lottery",
        "not_ranked_by_placement",
        "no_seats",
        "couple",
        "other",
    ]
    text: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """For one student: what they got, why not each placement they wanted more, and, when
    unmatched, the placements that still had open seats after the match."""

    student: str
    placement: str | None
    rank: int | None
    reasons: tuple[Reason, ...] = ()
    open_seats: dict[str, int] = field(default_factory=dict)


# --- optimal assignment ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mentor:
    """A host of mentees (a mentor, or a placement scored by fit) with a capacity."""

    id: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Mentee:
    """A mentee; ``institution`` and ``priority`` feed the optional constraints."""

    id: str
    institution: str | None = None
    priority: bool = False


@dataclass(frozen=True, slots=True)
class Constraints:
    """Optional side constraints of the optimal assignment.

    ``max_per_institution``: at most this many mentees of one institution with one mentor.
    ``min_priority_share``: at least this share of the assigned mentees belong to the
    priority group, over the whole assignment (``priority_scope="global"``) or at every
    mentor (``"mentor"``).
    """

    max_per_institution: int | None = None
    min_priority_share: float | None = None
    priority_scope: Literal["global", "mentor"] = "global"


@dataclass(frozen=True, slots=True)
class ScoredMarket:
    """Input of the optimal assignment: only the listed (mentee, mentor) pairs are allowed."""

    mentors: tuple[Mentor, ...]
    mentees: tuple[Mentee, ...]
    scores: tuple[tuple[str, str, float], ...]
    constraints: Constraints = Constraints()


@dataclass(frozen=True, slots=True)
class OptimalResult:
    """The assignment maximising total score, and how it compares with a stable one."""

    assignments: dict[str, str | None]
    total_score: float
    status: str
    stats: dict[str, float | int | str | None]
