"""The search ranks a bounded candidate set (docs/decisions/0021): the newest ``candidates``
matches the viewer may see are ranked, a posting the viewer may not see never takes a place
among them nor shows, and a query matching fewer rows than the bound is ranked as if every
match were. Runs on both engines (FTS5 on SQLite, tsvector on PostgreSQL)."""

from __future__ import annotations

import pytest

from tandem.core.fulltext import ranked_matches
from tandem.opportunities.selectors import SEARCH_INDEX, opportunities_visible_to
from tandem.search.selectors import SearchResults
from tests.factories import (
    InstitutionFactory,
    OpportunityFactory,
    PartnerFactory,
    member,
    published_opportunity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    inst, other = InstitutionFactory(), InstitutionFactory()
    partner = PartnerFactory(name="Acme")
    student = member(inst, "student", program="")
    visible = [
        published_opportunity(partner, [inst], title=f"Kestrel role {i}", description="Plain")
        for i in range(4)
    ]
    # Newer than all of them, matching, but for another institution's students only.
    hidden = published_opportunity(partner, [other], title="Kestrel kestrel secret")
    draft = OpportunityFactory(host=partner, title="Kestrel draft", status="draft")
    return {"student": student, "visible": visible, "hidden": hidden, "draft": draft}


def _search(viewer, text, candidates):
    qs = opportunities_visible_to(viewer).select_related("host")
    return list(ranked_matches(qs, SEARCH_INDEX, text, candidates=candidates))


def test_the_newest_visible_matches_are_the_candidates(world):
    student, visible = world["student"], world["visible"]
    found = _search(student, "kestrel", candidates=2)
    # The two newest postings the student may see: not the hidden or draft ones, newer still.
    assert {o.pk for o in found} == {visible[3].pk, visible[2].pk}
    # Loaded as the queryset loads them (the host in the same query), with their rank.
    assert all(hasattr(o, "search_rank") for o in found)
    assert found[0]._state.fields_cache["host"].name == "Acme"


def test_under_the_bound_every_match_is_ranked_best_first(world):
    student, visible = world["student"], world["visible"]
    visible[0].description = "Kestrel kestrel kestrel watching"
    visible[0].save()
    found = _search(student, "kestrel", candidates=1000)
    assert {o.pk for o in found} == {o.pk for o in visible}
    assert found[0].pk == visible[0].pk  # the best match first, though the oldest
    assert world["hidden"].pk not in {o.pk for o in found}


def test_the_api_counts_what_the_viewer_may_see(world, client):
    student = world["student"]
    results = SearchResults(student, "kestrel", ["opportunity"])
    assert len(results) == 4
    assert {h.title for h in results} == {o.title for o in world["visible"]}
    client.force_login(student)
    answer = client.get("/api/v1/search/", {"q": "kestrel"}).json()
    assert answer["count"] == 4
    assert "Kestrel kestrel secret" not in {item["title"] for item in answer["items"]}
