"""The platform search: each kind of result comes from its own app's selector, which applies
that app's visibility rule in the query (the viewer never finds more than its pages show) and
ranks by its full-text index (docs/decisions/0012-platform-search.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, overload

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from tandem.core.fulltext import MAX_QUERY_CHARS, search_words
from tandem.core.pagination import COUNT_CAP, capped_count
from tandem.curricula.selectors import course_search, program_search
from tandem.opportunities.selectors import opportunity_search
from tandem.organizations.selectors import organization_search
from tandem.partnerships.selectors import partnership_search
from tandem.profiles.selectors import student_search
from tandem.skills.selectors import concept_search

SNIPPET_WORDS = 30


@dataclass(frozen=True)
class Hit:
    """One result: what it is, its title, a short text and where it lives."""

    type: str
    title: str
    snippet: str
    url: str
    public_id: str


def _snippet(*parts: str) -> str:
    text = " · ".join(p.strip() for p in parts if p and p.strip())
    return Truncator(" ".join(text.split())).words(SNIPPET_WORDS)


def _opportunity(o: Any) -> Hit:
    url = reverse("opportunities:detail", args=[o.public_id])
    return Hit("opportunity", o.title, _snippet(o.host.name, o.description), url, str(o.public_id))


def _partnership(p: Any) -> Hit:
    url = reverse("partnerships:detail", args=[p.public_id])
    return Hit("partnership", p.title, _snippet(p.summary), url, str(p.public_id))


def _organization(o: Any) -> Hit:
    url = reverse("organizations:detail", args=[o.public_id])
    return Hit("organization", o.name, _snippet(o.city, o.description), url, str(o.public_id))


def _program(p: Any) -> Hit:
    url = reverse("curricula:program", args=[p.public_id])
    title = f"{p.code} {p.title}".strip()
    return Hit("program", title, _snippet(p.institution.name, p.description), url, str(p.public_id))


def _course(c: Any) -> Hit:
    url = reverse("curricula:course", args=[c.public_id])
    title = f"{c.code} {c.title}".strip()
    snippet = _snippet(c.program.title, c.program.institution.name, c.description)
    return Hit("course", title, snippet, url, str(c.public_id))


def _skill(c: Any) -> Hit:
    url = reverse("skills:concept", args=[c.esco_id])
    return Hit("skill", c.preferred_label, _snippet(c.description), url, str(c.esco_id))


def _person(u: Any) -> Hit:
    url = reverse("profiles:student", args=[u.public_id])
    return Hit("person", u.full_name, str(_("Student")), url, str(u.public_id))


def _skills(viewer: Any, text: str) -> QuerySet[Any]:
    words = search_words(text)
    return concept_search(viewer=viewer, query=" ".join(words)) if words else _none(viewer)


def _none(viewer: Any) -> QuerySet[Any]:
    return concept_search(viewer=viewer).none()


@dataclass(frozen=True)
class ResultType:
    key: str
    label: Any
    search: Callable[[Any, str], QuerySet[Any]]
    hit: Callable[[Any], Hit]


#: The kinds of result, in the order the page shows them.
TYPES: tuple[ResultType, ...] = (
    ResultType("opportunity", _("Opportunities"), opportunity_search, _opportunity),
    ResultType("partnership", _("Partnerships"), partnership_search, _partnership),
    ResultType("organization", _("Organizations"), organization_search, _organization),
    ResultType("program", _("Programs"), program_search, _program),
    ResultType("course", _("Courses"), course_search, _course),
    ResultType("skill", _("Skills"), _skills, _skill),
    ResultType("person", _("People"), student_search, _person),
)
TYPE_KEYS = tuple(t.key for t in TYPES)
_BY_KEY = {t.key: t for t in TYPES}


def parse_types(value: str | None) -> list[str]:
    """``"opportunity,course"`` → those keys in page order; empty or unknown only → all."""
    wanted = {v.strip() for v in (value or "").split(",") if v.strip()}
    chosen = [k for k in TYPE_KEYS if k in wanted]
    return chosen or list(TYPE_KEYS)


def clean_query(text: str | None) -> str:
    return (text or "")[:MAX_QUERY_CHARS].strip()


def results_of(viewer: Any, key: str, text: str) -> QuerySet[Any]:
    """The ranked, visible rows of one kind (a query not yet run)."""
    return _BY_KEY[key].search(viewer, text)


def hits(key: str, rows: Any) -> list[Hit]:
    return [_BY_KEY[key].hit(row) for row in rows]


@dataclass(frozen=True)
class Group:
    key: str
    label: Any
    hits: list[Hit]
    more: bool


def search_overview(viewer: Any, text: str, *, types: list[str], per_type: int) -> list[Group]:
    """The best ``per_type`` results of each kind in ``types`` that has any (one query per
    kind, plus the viewer's memberships), and whether there are more."""
    if not search_words(text):
        return []
    groups = []
    for key in types:
        rows = list(results_of(viewer, key, text)[: per_type + 1])
        if rows:
            shown = hits(key, rows[:per_type])
            groups.append(Group(key, _BY_KEY[key].label, shown, len(rows) > per_type))
    return groups


class SearchResults(Sequence[Hit]):
    """Every kind's results one after the other, for the API's pages: its length counts
    each kind up to :data:`COUNT_CAP` (one capped count per kind), a slice reads only the
    kinds it covers."""

    def __init__(self, viewer: Any, text: str, types: list[str]) -> None:
        self.has_words = bool(search_words(text))
        self.parts = [(k, results_of(viewer, k, text)) for k in types] if self.has_words else []

    @cached_property
    def counts(self) -> list[int]:
        return [min(capped_count(qs, COUNT_CAP), COUNT_CAP) for _k, qs in self.parts]

    def __len__(self) -> int:
        return sum(self.counts)

    @overload
    def __getitem__(self, index: int) -> Hit: ...

    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...

    def __getitem__(self, index: int | slice) -> Hit | list[Hit]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        out: list[Hit] = []
        offset = 0
        for (key, qs), count in zip(self.parts, self.counts, strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, count)
            if lo < hi:
                out.extend(hits(key, qs[lo:hi]))
            offset += count
        return out

    def __iter__(self) -> Iterator[Hit]:
        return iter(self[0 : len(self)])
