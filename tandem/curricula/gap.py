"""Skills gap analysis: demand (skills in job postings) against supply (skills a program's
confirmed learning outcomes teach). Pure Python over frozen dataclasses: no Django, so that it
can be tested and benchmarked on its own (``bench/gap_analysis_bench.py``).

Weighting (documented in ``docs/curriculum.md``):

* A posting dated ``age`` days before ``today`` weighs ``0.5 ** (age / half_life_days)``
  (default half-life 365 days: a posting from a year ago counts half as much as today's).
  Undated postings weigh 1; postings dated in the future weigh 1.
* A skill's demand is the sum of the weights of the postings that ask for it; each posting
  counts a skill once however often it names it.
* Coverage share = demand of the skills the program teaches / demand of all skills asked for.

Roll-up: every demanded skill counts in the roll-up at every level. A skill whose hierarchy
branch ends above the level counts under its deepest group; a skill with no hierarchy path at
all counts under its ``SkillInfo.fallback_group`` (the caller names it by the skill's kind,
e.g. transversal skill or attitude) or, without one, under :data:`UNPLACED`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

DEFAULT_HALF_LIFE_DAYS = 365.0
UNPLACED = "unplaced"  # roll-up group of a skill with no hierarchy path and no fallback group


@dataclass(frozen=True, slots=True)
class Posting:
    """One source of demand: an imported job posting or a platform opportunity."""

    id: str
    title: str
    skills: tuple[str, ...]  # ESCO URIs
    date: date | None = None
    sector: str = ""
    region: str = ""
    occupation: str = ""


@dataclass(frozen=True, slots=True)
class Taught:
    """One confirmed outcome ↔ skill mapping of the program (supply)."""

    uri: str
    outcome_id: str
    course: str


@dataclass(frozen=True, slots=True)
class SkillInfo:
    """Label and hierarchy groups of a skill; ``groups`` are ancestor chains, top first,
    e.g. (("S", "S5", "S5.1"),). ``fallback_group`` is the roll-up group code of a skill with
    no hierarchy path (e.g. one per kind: transversal skill, attitude, language); empty means
    :data:`UNPLACED`."""

    uri: str
    label: str
    groups: tuple[tuple[str, ...], ...] = ()
    fallback_group: str = ""


@dataclass(frozen=True, slots=True)
class Filters:
    sector: str = ""
    region: str = ""
    occupation: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def keep(self, p: Posting) -> bool:
        if self.sector and p.sector.casefold() != self.sector.casefold():
            return False
        if self.region and p.region.casefold() != self.region.casefold():
            return False
        if self.occupation and p.occupation.casefold() != self.occupation.casefold():
            return False
        if self.date_from and (p.date is None or p.date < self.date_from):
            return False
        return not (self.date_to and (p.date is None or p.date > self.date_to))


@dataclass(frozen=True, slots=True)
class SkillRow:
    uri: str
    label: str
    postings: int  # how many postings ask for it
    demand: float  # recency-weighted
    share: float  # of all demand, 0..1
    taught: bool
    posting_ids: tuple[str, ...]  # drill-down: the postings behind the number
    outcome_ids: tuple[str, ...]  # drill-down: the outcomes that teach it


@dataclass(frozen=True, slots=True)
class MonthRow:
    month: str  # YYYY-MM
    postings: int
    mentions: int
    covered_mentions: int

    @property
    def coverage(self) -> float:
        return self.covered_mentions / self.mentions if self.mentions else 0.0


@dataclass(frozen=True, slots=True)
class GroupRow:
    code: str
    name: str
    demand: float
    covered: float
    skills: int
    skills_taught: int
    placed: bool = True  # False: a group outside the ESCO hierarchy (kind or unplaced)

    @property
    def coverage(self) -> float:
        return self.covered / self.demand if self.demand else 0.0


@dataclass(frozen=True, slots=True)
class GapReport:
    postings: int  # postings that passed the filters
    postings_with_skills: int
    demand_total: float
    covered_demand: float
    demanded: tuple[SkillRow, ...]  # every demanded skill, most demanded first
    missing: tuple[SkillRow, ...]  # most demanded skills the program does not teach
    taught_not_demanded: tuple[SkillRow, ...]  # taught skills no posting asks for
    trend: tuple[MonthRow, ...]
    groups: tuple[GroupRow, ...]
    level: int
    half_life_days: float
    taught_skills: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def coverage(self) -> float:
        return self.covered_demand / self.demand_total if self.demand_total else 0.0


def recency_weight(posted: date | None, today: date, half_life_days: float) -> float:
    if posted is None or half_life_days <= 0:
        return 1.0
    age = (today - posted).days
    if age <= 0:
        return 1.0
    return float(0.5 ** (age / half_life_days))


def analyse(
    postings: Iterable[Posting],
    taught: Iterable[Taught],
    skills: Mapping[str, SkillInfo],
    *,
    today: date,
    group_names: Mapping[str, str] | None = None,
    filters: Filters | None = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    level: int = 1,
    top: int = 20,
) -> GapReport:
    """The gap report. ``level`` is the depth of the hierarchy roll-up (0 = the ESCO roots
    such as "S", 1 = "S5 working with computers", …)."""
    filters = filters or Filters()
    group_names = group_names or {}

    outcomes_of: dict[str, list[str]] = defaultdict(list)
    for t in taught:
        if t.outcome_id not in outcomes_of[t.uri]:
            outcomes_of[t.uri].append(t.outcome_id)
    supply = set(outcomes_of)

    demand: dict[str, float] = defaultdict(float)
    posting_ids: dict[str, list[str]] = defaultdict(list)
    months: dict[str, list[int]] = {}
    n = with_skills = 0
    weights: dict[date | None, float] = {}
    for p in postings:
        if not filters.keep(p):
            continue
        n += 1
        uris = set(p.skills)
        if not uris:
            continue
        with_skills += 1
        w = weights.get(p.date)
        if w is None:
            w = weights[p.date] = recency_weight(p.date, today, half_life_days)
        for uri in uris:
            demand[uri] += w
            posting_ids[uri].append(p.id)
        if p.date is not None:
            key = f"{p.date.year:04d}-{p.date.month:02d}"
            row = months.setdefault(key, [0, 0, 0])
            row[0] += 1
            row[1] += len(uris)
            row[2] += len(uris & supply)

    total = sum(demand.values())
    covered = sum(v for uri, v in demand.items() if uri in supply)

    def label(uri: str) -> str:
        info = skills.get(uri)
        return info.label if info else uri

    rows = tuple(
        SkillRow(
            uri=uri,
            label=label(uri),
            postings=len(posting_ids[uri]),
            demand=d,
            share=d / total if total else 0.0,
            taught=uri in supply,
            posting_ids=tuple(posting_ids[uri]),
            outcome_ids=tuple(outcomes_of.get(uri, ())),
        )
        for uri, d in sorted(demand.items(), key=lambda kv: (-kv[1], label(kv[0]), kv[0]))
    )
    missing = tuple(r for r in rows if not r.taught)[:top]
    not_demanded = tuple(
        SkillRow(uri, label(uri), 0, 0.0, 0.0, True, (), tuple(outcomes_of[uri]))
        for uri in sorted(supply - demand.keys(), key=lambda u: (label(u), u))
    )
    trend = tuple(MonthRow(m, *months[m]) for m in sorted(months))
    return GapReport(
        postings=n,
        postings_with_skills=with_skills,
        demand_total=total,
        covered_demand=covered,
        demanded=rows,
        missing=missing,
        taught_not_demanded=not_demanded,
        trend=trend,
        groups=_roll_up(rows, supply, skills, group_names, level),
        level=level,
        half_life_days=half_life_days,
        taught_skills=len(supply),
    )


def _roll_up(
    rows: Sequence[SkillRow],
    supply: set[str],
    skills: Mapping[str, SkillInfo],
    group_names: Mapping[str, str],
    level: int,
) -> tuple[GroupRow, ...]:
    """Demand and covered demand per hierarchy group at ``level``. A skill under several
    groups counts in each; a skill whose branch ends above ``level`` counts under its deepest
    group; a skill with no hierarchy path counts under its fallback group (or
    :data:`UNPLACED`), so that every demanded skill is in the roll-up at every level."""
    acc: dict[str, list[float]] = {}
    unplaced: set[str] = set()
    for row in rows:
        info = skills.get(row.uri)
        paths = [path for path in (info.groups if info else ()) if path]
        if paths:
            codes = {path[min(level, len(path) - 1)] for path in paths}
        else:
            code = (info.fallback_group if info else "") or UNPLACED
            unplaced.add(code)
            codes = {code}
        for code in codes:
            a = acc.setdefault(code, [0.0, 0.0, 0, 0])
            a[0] += row.demand
            a[2] += 1
            if row.uri in supply:
                a[1] += row.demand
                a[3] += 1
    return tuple(
        GroupRow(
            code, group_names.get(code, code), d, c, int(k), int(t), placed=code not in unplaced
        )
        for code, (d, c, k, t) in sorted(acc.items(), key=lambda kv: (-kv[1][0], kv[0]))
    )
