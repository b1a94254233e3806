"""Build the frozen inputs of :mod:`tandem.curricula.gap` from the database and run it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.opportunities.models import Opportunity
from tandem.skills.models import SkillConcept, SkillGroup, SkillKind
from tandem.skills.selectors import opportunity_skills

from . import gap
from .models import JobPosting, MappingStatus, OutcomeSkill, Program

DEMAND_STATUSES = ("published", "closed", "filled")
SOURCES = ("all", "imports", "opportunities")


@dataclass(frozen=True, slots=True)
class GapResult:
    report: gap.GapReport
    postings: dict[str, gap.Posting]  # id → posting, for the drill-down
    outcomes: dict[str, tuple[str, str]]  # outcome public id → (course, outcome text)


def _group_paths() -> tuple[dict[int, tuple[str, ...]], dict[str, str]]:
    rows = list(SkillGroup.objects.values_list("pk", "code", "name", "parent_id"))
    by_pk = {pk: (code, parent) for pk, code, _, parent in rows}
    names = {code: name for _, code, name, _ in rows}
    paths: dict[int, tuple[str, ...]] = {}
    for pk in by_pk:
        chain: list[str] = []
        node: int | None = pk
        while node is not None and len(chain) < 10:
            code, parent = by_pk[node]
            chain.append(code)
            node = parent
        paths[pk] = tuple(reversed(chain))
    return paths, names


def kind_group(kind: str) -> str:
    """The roll-up group code of a concept with no hierarchy path: one per known kind
    (``kind:transversal``, ``kind:attitude``, …), else :data:`gap.UNPLACED`."""
    return f"kind:{kind}" if kind else gap.UNPLACED


def _kind_group_names() -> dict[str, str]:
    names = {kind_group(k.value): str(k.label) for k in SkillKind if k.value}
    names[gap.UNPLACED] = _("Not placed in the ESCO hierarchy")
    return names


def skill_infos(uris: Iterable[str]) -> tuple[dict[str, gap.SkillInfo], dict[str, str]]:
    """Labels, hierarchy paths and (for concepts with no path) kind groups of ``uris``, and the
    names of every group code. A URI unknown to the taxonomy is unplaced."""
    paths, names = _group_paths()
    names.update(_kind_group_names())
    wanted = list(set(uris))
    groups: dict[str, list[tuple[str, ...]]] = {}
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for i in range(0, len(wanted), 5000):
        part = wanted[i : i + 5000]
        for uri, label, kind in SkillConcept.objects.filter(uri__in=part).values_list(
            "uri", "preferred_label", "kind"
        ):
            labels[uri] = label
            kinds[uri] = kind
        through = SkillConcept.groups.through.objects.filter(skillconcept__uri__in=part)
        for uri, gid in through.values_list("skillconcept__uri", "skillgroup_id"):
            groups.setdefault(uri, []).append(paths.get(gid, ()))
    infos = {
        uri: gap.SkillInfo(
            uri,
            labels.get(uri, uri),
            tuple(sorted(groups.get(uri, []))),
            kind_group(kinds.get(uri, "")),
        )
        for uri in wanted
    }
    return infos, names


def demand_postings(institution_id: int, source: str = "all") -> list[gap.Posting]:
    """Imported postings of the institution and the platform's opportunities."""
    out: list[gap.Posting] = []
    if source in ("all", "imports"):
        for pk, title, d, sector, region, occupation, skills in JobPosting.objects.filter(
            institution_id=institution_id, extracted=True
        ).values_list("pk", "title", "date", "sector", "region", "occupation", "skills"):
            out.append(gap.Posting(f"j{pk}", title, tuple(skills), d, sector, region, occupation))
    if source in ("all", "opportunities"):
        opps = list(Opportunity.objects.filter(status__in=DEMAND_STATUSES).select_related("host"))
        # Stored skills only (extracted in the background when an opportunity changes); an
        # opportunity not extracted yet counts with no skills until its task has run.
        skills_of = opportunity_skills(opps)
        for o in opps:
            out.append(
                gap.Posting(
                    f"o{o.public_id}",
                    o.title,
                    tuple(skills_of.get(o.pk, ())),
                    timezone.localdate(o.created_at),
                    o.host.sector,
                    o.location,
                    "",
                )
            )
    return out


def program_gap(
    program: Program,
    *,
    filters: gap.Filters,
    source: str = "all",
    level: int = 1,
    half_life_days: float = gap.DEFAULT_HALF_LIFE_DAYS,
    today: date | None = None,
) -> GapResult:
    postings = demand_postings(program.institution_id, source)
    taught: list[gap.Taught] = []
    outcomes: dict[str, tuple[str, str]] = {}
    for uri, oid, course, text in OutcomeSkill.objects.filter(
        outcome__course__program=program, status=MappingStatus.CONFIRMED
    ).values_list("concept__uri", "outcome__public_id", "outcome__course__title", "outcome__text"):
        taught.append(gap.Taught(uri, str(oid), course))
        outcomes[str(oid)] = (course, text)
    uris = {t.uri for t in taught} | {u for p in postings for u in p.skills}
    infos, names = skill_infos(uris)
    report = gap.analyse(
        postings,
        taught,
        infos,
        today=today or timezone.localdate(),
        group_names=names,
        filters=filters,
        half_life_days=half_life_days,
        level=level,
    )
    return GapResult(report, {p.id: p for p in postings}, outcomes)
