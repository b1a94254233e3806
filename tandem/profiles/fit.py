"""How well a student's skills fit an opportunity: pure Python over frozen dataclasses.

No Django here (an import-linter contract keeps it so): the selectors build the inputs from
the database, this module scores and ranks, and the tests check it by hand.

The rule, for an opportunity needing skills R (each with a weight, 1 unless said otherwise):

* a required skill the student holds counts in full (``matched``);
* a required skill the student lacks, but for which they hold a *sibling* — another concept
  filed under the same leaf group of the ESCO hierarchy (e.g. "SQL" and "Python (computer
  programming)" both under K0613 "software and applications development and analysis") —
  counts :data:`SIBLING_CREDIT` (half): ESCO puts concepts together in a leaf group because
  they are learned and used together, so a student with one of them is partly prepared for
  the other, but they still lack it, so it stays in ``missing`` (with the related skills
  they hold, for the explanation);
* any other required skill counts nothing (``missing``).

Concepts with the same preferred label (ESCO has a few: the same words filed twice, e.g. as a
skill and as knowledge) count as **one skill**. An opportunity's skills are found in the words
of its posting, and a student's in the words of their CV or of a course's outcomes: the words
cannot tell two concepts with one label apart, so the posting asks for the label once, and a
student who holds either concept has it (``matched``). Otherwise one word would count twice
and the same label could be listed both as matched and as missing. Labels compare
case-insensitively, with runs of spaces folded; a concept without a label stands for itself.

The score is the weighted share ``Σ credit·w / Σ w`` in [0, 1]; an opportunity whose skills
are unknown scores 0. Ranking: higher score first, then more skills matched in full, then
the title, then the key — so equal fits always come out in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SIBLING_CREDIT = 0.5
# Groups at this depth of the ESCO hierarchy or deeper count for siblings ("S5.6.1", "K0613").
# Shallower ones ("S5 working with computers") hold hundreds of unrelated concepts.
SIBLING_GROUP_LEVEL = 3


@dataclass(frozen=True, slots=True)
class Skill:
    """An ESCO concept by URI, with the leaf hierarchy groups it is filed under."""

    uri: str
    label: str = ""
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RequiredSkill:
    skill: Skill
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Target:
    """What an opportunity asks for. ``key`` identifies it; ``title`` orders ties."""

    key: str
    title: str
    required: tuple[RequiredSkill, ...]


@dataclass(frozen=True, slots=True)
class Missing:
    """A required skill the student lacks, with the related skills they do hold."""

    uri: str
    label: str
    related: tuple[str, ...] = ()  # URIs of held siblings, sorted


@dataclass(frozen=True, slots=True)
class Fit:
    key: str
    title: str
    score: float
    matched: tuple[Skill, ...]
    missing: tuple[Missing, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.score)


_KEYS: dict[tuple[str, str], str] = {}


def same_skill_key(skill: Skill) -> str:
    """What makes two concepts one skill here: the folded preferred label, else the URI."""
    key = _KEYS.get((skill.uri, skill.label))
    if key is None:
        label = " ".join(skill.label.casefold().split())
        key = f"label:{label}" if label else f"uri:{skill.uri}"
        if len(_KEYS) < 100_000:  # a cache of the taxonomy's labels, bounded
            _KEYS[(skill.uri, skill.label)] = key
    return key


def _unique(required: Iterable[RequiredSkill]) -> list[RequiredSkill]:
    """One entry per skill — URI or same label (the first wins) — in the given order."""
    seen: set[str] = set()
    out = []
    for r in required:
        keys = {f"uri:{r.skill.uri}", same_skill_key(r.skill)}
        if not keys & seen and r.weight > 0:
            seen |= keys
            out.append(r)
    return out


@dataclass(frozen=True, slots=True)
class _Held:
    """What :func:`fit` derives from the skills held, once for many targets."""

    uris: frozenset[str]
    keys: frozenset[str]
    by_group: dict[str, set[str]]


def _held(held: Iterable[Skill]) -> _Held:
    have = {s.uri: s for s in held}
    by_group: dict[str, set[str]] = {}
    for s in have.values():
        for g in s.groups:
            by_group.setdefault(g, set()).add(s.uri)
    return _Held(
        uris=frozenset(have),
        keys=frozenset(same_skill_key(s) for s in have.values()),
        by_group=by_group,
    )


def fit(held: Iterable[Skill], target: Target, *, sibling_credit: float = SIBLING_CREDIT) -> Fit:
    """The fit of the skills ``held`` to ``target`` (see the module docstring)."""
    return _fit(_held(held), target, sibling_credit)


def _fit(h: _Held, target: Target, sibling_credit: float) -> Fit:
    have, have_keys, by_group = h.uris, h.keys, h.by_group
    required = _unique(target.required)
    total = sum(r.weight for r in required)
    earned = 0.0
    matched: list[Skill] = []
    missing: list[Missing] = []
    for r in required:
        if r.skill.uri in have or same_skill_key(r.skill) in have_keys:
            earned += r.weight
            matched.append(r.skill)
            continue
        related = sorted(set().union(*(by_group.get(g, set()) for g in r.skill.groups)))
        if related:
            earned += sibling_credit * r.weight
        missing.append(Missing(uri=r.skill.uri, label=r.skill.label, related=tuple(related)))
    score = earned / total if total else 0.0
    return Fit(
        key=target.key,
        title=target.title,
        score=score,
        matched=tuple(matched),
        missing=tuple(missing),
    )


def rank(
    held: Iterable[Skill], targets: Iterable[Target], *, sibling_credit: float = SIBLING_CREDIT
) -> tuple[Fit, ...]:
    """Every target's fit, best first; ties broken by full matches, title, then key."""
    h = _held(held)
    # Targets asking for the same skills fit alike: each distinct list is scored once.
    by_required: dict[tuple[RequiredSkill, ...], Fit] = {}
    fits = []
    for t in targets:
        f = by_required.get(t.required)
        if f is None:
            f = by_required[t.required] = _fit(h, t, sibling_credit)
        else:
            f = Fit(key=t.key, title=t.title, score=f.score, matched=f.matched, missing=f.missing)
        fits.append(f)
    return tuple(sorted(fits, key=lambda f: (-f.score, -len(f.matched), f.title, f.key)))


def rank_scores(
    held: Iterable[Skill], targets: Iterable[Target], *, sibling_credit: float = SIBLING_CREDIT
) -> list[tuple[Target, float, int]]:
    """:func:`rank` reduced to what a stored ranking keeps: ``(target, score, number of skills
    matched in full)``, in :func:`rank`'s order, without a :class:`Fit` (and its lists) per
    target — for rankings computed by the thousand. Targets that share one ``required``
    tuple (the same object: see ``RankingBatch``) are looked up without hashing it."""
    h = _held(held)
    by_required: dict[tuple[RequiredSkill, ...], tuple[float, int]] = {}
    by_id: dict[int, tuple[float, int]] = {}  # the targets (and so the ids) live through
    rows = []
    for t in targets:
        got = by_id.get(id(t.required))
        if got is None:
            got = by_required.get(t.required)
            if got is None:
                f = _fit(h, t, sibling_credit)
                got = by_required[t.required] = (f.score, len(f.matched))
            by_id[id(t.required)] = got
        rows.append((t, got[0], got[1]))
    rows.sort(key=lambda r: (-r[1], -r[2], r[0].title, r[0].key))
    return rows
