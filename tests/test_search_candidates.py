"""The search ranks a bounded candidate set (docs/decisions/0021): the newest ``candidates``
matches the viewer may see are ranked, a posting the viewer may not see never takes a place
among them nor shows, and a query matching fewer rows than the bound is ranked as if every
match were. Runs on both engines (FTS5 on SQLite, tsvector on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from tandem.core import fulltext
from tandem.core.fulltext import ranked_matches, search_words
from tandem.opportunities.models import OpportunityApproval
from tandem.opportunities.selectors import (
    SEARCH_INDEX,
    opportunities_visible_parts,
    opportunities_visible_to,
    opportunity_search,
)
from tandem.search.selectors import SearchResults
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    OpportunityFactory,
    PartnerFactory,
    UserFactory,
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


@pytest.fixture
def mixed():
    """Postings in every state a viewer's rule looks at, all matching "heron", and a viewer
    of each kind (one holding several roles at once)."""
    inst, other = InstitutionFactory(), InstitutionFactory()
    partner, stranger = PartnerFactory(), PartnerFactory()
    rows = [
        published_opportunity(partner, [inst], title="Heron approved here"),
        published_opportunity(partner, [other], title="Heron approved elsewhere"),
        published_opportunity(stranger, [inst, other], title="Heron approved by both"),
        OpportunityFactory(host=partner, title="Heron partner draft", status="draft"),
        OpportunityFactory(host=inst, title="Heron hosted by the college", status="draft"),
        OpportunityFactory(host=inst, title="Heron hosted, published", status="published"),
        OpportunityFactory(host=stranger, title="Heron awaiting", status="awaiting_approval"),
    ]
    # Submitted to the institution but still a draft (a coordinator may not see it), and one
    # awaiting the institution's decision (a coordinator may).
    OpportunityApproval.objects.create(opportunity=rows[3], institution=inst, status="pending")
    OpportunityApproval.objects.create(opportunity=rows[6], institution=inst, status="pending")
    several = member(inst, "coordinator")
    MembershipFactory(user=several, organization=partner, role="recruiter")
    MembershipFactory(user=several, organization=other, role="student", program="")
    viewers = {
        "student": member(inst, "student", program=""),
        "other student": member(other, "student", program=""),
        "coordinator": member(inst, "coordinator"),
        "educator": member(inst, "educator"),
        "recruiter": member(partner, "recruiter"),
        "stranger recruiter": member(stranger, "recruiter"),
        "several roles": several,
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "nobody": UserFactory(),
    }
    return rows, viewers


def test_the_parts_of_the_rule_are_exactly_what_the_viewer_may_see(mixed):
    """The search finds candidates part by part of the visibility rule: the parts' union is
    the rule's postings, never one more, for every kind of viewer."""
    _rows, viewers = mixed
    for name, viewer in viewers.items():
        visible = set(opportunities_visible_to(viewer).values_list("pk", flat=True))
        union: set[int] = set()
        for part in opportunities_visible_parts(viewer):
            union |= set(part.values_list("pk", flat=True))
        assert union == visible, name
        found = {o.pk for o in opportunity_search(viewer, "heron")}
        assert found == visible, name


def test_a_viewer_with_several_roles_gets_the_newest_of_all_parts(mixed):
    _rows, viewers = mixed
    viewer = viewers["several roles"]
    visible = opportunities_visible_to(viewer).order_by("-pk").values_list("pk", flat=True)
    # The bound taken over the union: the newest two visible, whichever part holds them.
    qs = opportunities_visible_to(viewer).select_related("host")
    parts = opportunities_visible_parts(viewer)
    assert len(parts) > 1
    bounded = ranked_matches(qs, SEARCH_INDEX, "heron", candidates=2, parts=parts)
    assert {o.pk for o in bounded} == set(list(visible)[:2])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's newest-rows walk")
@pytest.mark.parametrize("window", [1, 2, 3, 5, 100])
@pytest.mark.parametrize("n", [1, 2, 4, 1000])
def test_walking_the_newest_rows_first_finds_the_same_candidates(mixed, window, n):
    """Several words on PostgreSQL may be searched in the newest ``window`` rows first
    (walked newest first), then in the older rows only if fewer than ``n`` were found: the
    same candidates as the plain search, for every viewer, whatever the window."""
    _rows, viewers = mixed
    for name, viewer in viewers.items():
        parts = opportunities_visible_parts(viewer)
        words = search_words("heron approved")
        plain = _ids(fulltext._candidates_of_parts(parts, SEARCH_INDEX, words, n))
        windowed = fulltext._windowed(parts, SEARCH_INDEX, words, n, window)
        assert windowed is not None
        assert _ids(windowed) == plain, name
        visible = opportunities_visible_to(viewer).filter(title__icontains="heron approved")
        assert set(plain) == set(visible.order_by("-pk").values_list("pk", flat=True)[:n]), name


def _ids(compiled):
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return [row[0] for row in cursor.fetchall() if row[0] is not None]
