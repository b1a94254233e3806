"""The platform search (issue 14): every kind of result is found by those who may see it and
by nobody else, words match the start of longer words with accents folded, what people type
never breaks the query, the number of queries does not grow with the data, and the full-text
indexes follow every write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.fulltext import index_is_live, search_words
from tandem.curricula.selectors import COURSE_SEARCH_INDEX, PROGRAM_SEARCH_INDEX
from tandem.opportunities.models import Opportunity
from tandem.opportunities.selectors import SEARCH_INDEX as OPPORTUNITY_INDEX
from tandem.opportunities.selectors import opportunity_list
from tandem.organizations.selectors import SEARCH_INDEX as ORGANIZATION_INDEX
from tandem.partnerships.selectors import SEARCH_INDEX as PARTNERSHIP_INDEX
from tandem.search.selectors import SearchResults, search_overview
from tests.factories import (
    CourseFactory,
    InstitutionFactory,
    OpportunityFactory,
    PartnerFactory,
    PartnershipFactory,
    ProgramFactory,
    member,
    published_opportunity,
)
from tests.factories.curricula import small_taxonomy

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:page")
API = "/api/v1/search/"


@pytest.fixture
def world():
    inst = InstitutionFactory(name="Riverside College", description="A college by the river")
    other_inst = InstitutionFactory(name="Hillside University")
    partner = PartnerFactory(name="Zephyr Robotics", city="Montréal")
    stranger = PartnerFactory(name="Quokka Logistics")
    w = {
        "inst": inst,
        "partner": partner,
        "coordinator": member(inst, "coordinator"),
        "educator": member(inst, "educator"),
        "student": member(inst, "student", program=""),
        "other_student": member(other_inst, "student"),
        "other_coordinator": member(other_inst, "coordinator"),
        "recruiter": member(partner, "recruiter"),
        "stranger_recruiter": member(stranger, "recruiter"),
    }
    w["student"].full_name = "Xanthe Quillfeather"
    w["student"].save(update_fields=["full_name"])
    w["opportunity"] = published_opportunity(
        partner,
        [inst],
        title="Python developer apprenticeship",
        description="Build café ordering software with our team.",
        skills_wanted="Django, PostgreSQL",
    )
    w["draft"] = OpportunityFactory(host=partner, title="Python draft posting", status="draft")
    w["unapproved"] = OpportunityFactory(
        host=partner, title="Python unapproved posting", status="awaiting_approval"
    )
    w["partnership"] = PartnershipFactory(
        title="Zephyr robotics partnership", institutions=[inst], partners=[partner]
    )
    w["program"] = ProgramFactory(institution=inst, title="Mechatronics BEng", code="MEC1")
    w["course"] = CourseFactory(program=w["program"], title="Servo control", code="MEC201")
    w["concepts"] = small_taxonomy()
    return w


def _login(client, user):
    client.force_login(user)
    return client


def _found(client, user, q, kind=None):
    params = {"q": q} | ({"type": kind} if kind else {})
    response = _login(client, user).get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


def test_words_are_folded_and_syntax_is_dropped():
    assert search_words('Café "NEAR(python*" -java: x_y') == [
        "cafe",
        "near",
        "python",
        "java",
        "x",
        "y",
    ]
    assert search_words('"*-:()') == []
    assert len(search_words(" ".join(f"w{i}" for i in range(50)))) == 8


@pytest.mark.parametrize(
    ("q", "key"),
    [
        ("pyth", "opportunity"),  # prefix: search-as-you-type
        ("cafe ordering", "opportunity"),  # accents folded, every word must match
        ("postgres", "opportunity"),  # skills wanted
        ("zephyr robot", "partnership"),
        ("montreal", "partner"),  # organization by its city, accents folded
        ("mechatron", "program"),
        ("MEC201", "course"),
        ("servo", "course"),
        ("xanthe quill", "student"),
    ],
)
def test_coordinator_finds_each_kind(client, world, q, key):
    body = _found(client, world["coordinator"], q)
    assert str(world[key].public_id) in body


def test_skill_is_found(client, world):
    concept = next(iter(world["concepts"].values()))
    word = concept.preferred_label.split()[0]
    body = _found(client, world["student"], word[:4])
    assert str(concept.esco_id) in body


def test_student_sees_what_they_may_apply_to_and_nothing_hidden(client, world):
    body = _found(client, world["student"], "python")
    assert str(world["opportunity"].public_id) in body
    for hidden in ("draft", "unapproved"):
        assert str(world[hidden].public_id) not in body
    # A student is nobody's staff: no people, not even themselves.
    assert str(world["student"].public_id) not in _found(client, world["student"], "xanthe")


def test_wrong_viewers_never_find_hidden_rows(client, world):
    opportunities = [str(world[k].public_id) for k in ("opportunity", "draft", "unapproved")]
    other_student = _found(client, world["other_student"], "python")
    assert not [p for p in opportunities if p in other_student]  # not approved for them
    other_coord = _found(client, world["other_coordinator"], "xanthe zephyr mechatronics")
    assert "Xanthe" not in other_coord
    for kind, q in (("person", "xanthe"), ("partnership", "zephyr"), ("program", "mechatron")):
        body = _found(client, world["other_coordinator"], q, kind)
        assert str(world[{"person": "student"}.get(kind, kind)].public_id) not in body
    stranger = world["stranger_recruiter"]
    assert str(world["partnership"].public_id) not in _found(client, stranger, "zephyr")
    stranger_body = _found(client, stranger, "python")
    assert not [p for p in opportunities if p in stranger_body]
    # The host's recruiter sees its draft, as on the opportunity list.
    assert str(world["draft"].public_id) in _found(
        client, world["recruiter"], "python", "opportunity"
    )


def test_api_answers_each_viewer_only_what_they_may_see(client, world):
    def ids(user, q):
        items = _login(client, user).get(API, {"q": q}).json()["items"]
        return {i["public_id"] for i in items}

    hidden = {str(world[k].public_id) for k in ("draft", "unapproved", "student", "partnership")}
    assert str(world["opportunity"].public_id) in ids(world["student"], "python")
    for q in ("python", "xanthe", "zephyr"):
        assert not hidden & ids(world["student"], q), q
    assert not hidden & ids(world["other_coordinator"], "xanthe")
    assert not {str(world["opportunity"].public_id)} & ids(world["other_student"], "python")
    assert str(world["student"].public_id) in ids(world["educator"], "xanthe")


def test_htmx_gets_the_results_only(client, world):
    response = _login(client, world["coordinator"]).get(
        SEARCH, {"q": "zephyr"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body
    assert str(world["partner"].public_id) in body


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(SEARCH, {"q": "python"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(API, {"q": "python"}).status_code == 401


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "*",
        "NEAR(",
        "-",
        ":",
        "python*",
        '"python',
        "-python",
        "title:python",
        "a" * 5000,
        "python AND OR NOT",
        "(",
        "^",
        "'",
        "%",
        "\\",
    ],
)
def test_bad_input_gives_results_or_nothing_never_an_error(client, world, q):
    client = _login(client, world["coordinator"])
    assert client.get(SEARCH, {"q": q}).status_code == 200
    assert client.get(SEARCH, {"q": q, "type": "opportunity"}).status_code == 200
    response = client.get(API, {"q": q})
    assert response.status_code in (200, 400), response.status_code
    assert client.get(reverse("opportunities:list"), {"q": q}).status_code == 200


def test_a_nul_character_is_refused_by_the_input_guard(client, world):
    client = _login(client, world["coordinator"])
    assert client.get(SEARCH, {"q": "python\u0000"}).status_code == 400
    assert client.get(API, {"q": "python\u0000"}).status_code == 400


def test_syntax_characters_around_a_word_still_find_it(client, world):
    for q in ('"python', "python*", "-python", "python:"):
        assert str(world["opportunity"].public_id) in _found(client, world["student"], q)


def test_api_pages_types_and_bad_types(client, world):
    client = _login(client, world["coordinator"])
    body = client.get(API, {"q": "zephyr"}).json()
    kinds = [item["type"] for item in body["items"]]
    assert kinds == ["partnership", "organization"] and body["count"] == 2
    only = client.get(API, {"q": "zephyr", "types": "organization"}).json()
    assert [i["public_id"] for i in only["items"]] == [str(world["partner"].public_id)]
    paged = client.get(API, {"q": "zephyr", "page_size": 1, "page": 2}).json()
    assert [i["type"] for i in paged["items"]] == ["organization"] and paged["count"] == 2
    assert client.get(API, {"q": ""}).json() == {"items": [], "count": 0}
    bad = client.get(API, {"q": "zephyr", "types": "opportunity,spaceships"})
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json" and "types" in bad.json()["errors"]


def test_results_are_ranked_title_first(world):
    partner = world["partner"]
    inst = world["inst"]
    in_text = published_opportunity(
        partner, [inst], title="Warehouse role", description="Some kestrel watching."
    )
    in_title = published_opportunity(partner, [inst], title="Kestrel ranger")
    results = list(SearchResults(world["student"], "kestrel", ["opportunity"]))
    assert [h.public_id for h in results] == [str(in_title.public_id), str(in_text.public_id)]


def test_query_count_does_not_grow_with_the_data(client, world):
    client = _login(client, world["coordinator"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(SEARCH, {"q": "python zephyr"}).status_code == 200
            assert client.get(API, {"q": "python"}).status_code == 200
        return len(ctx)

    def add(i: int) -> None:
        published_opportunity(world["partner"], [world["inst"]], title=f"Python zephyr {i}")
        PartnershipFactory(title=f"Zephyr python {i}", institutions=[world["inst"]])
        member(world["inst"], "student", user__full_name=f"Python Zephyr {i}")

    # A kind with no candidate at all reads no rows (one query fewer), and the API's first
    # page may end before the last kinds: start with one of each; then never more queries.
    add(99)
    before = count()
    for i in range(15):
        add(i)
    assert count() <= before


def test_get_writes_nothing(client, world):
    client = _login(client, world["coordinator"])
    with CaptureQueriesContext(connection) as ctx:
        client.get(SEARCH, {"q": "python"})
        client.get(SEARCH, {"q": "python", "type": "opportunity", "page": "2"})
        client.get(API, {"q": "python"})
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_the_indexes_follow_edits_and_deletes(world):
    viewer = world["coordinator"]
    opp = world["opportunity"]
    assert opportunity_list(viewer, q="apprentice").filter(pk=opp.pk).exists()
    Opportunity.objects.filter(pk=opp.pk).update(title="Gardening assistant")
    assert not list(SearchResults(viewer, "apprenticeship", ["opportunity"]))
    assert [h.public_id for h in SearchResults(viewer, "garden", ["opportunity"])] == [
        str(opp.public_id)
    ]
    opp.delete()
    assert not list(SearchResults(viewer, "garden", ["opportunity"]))


@pytest.mark.parametrize(
    "index",
    [
        OPPORTUNITY_INDEX,
        ORGANIZATION_INDEX,
        PARTNERSHIP_INDEX,
        PROGRAM_SEARCH_INDEX,
        COURSE_SEARCH_INDEX,
    ],
    ids=lambda i: i.table,
)
def test_every_index_is_live_after_all_migrations(index):
    """A later migration that rebuilds one of these tables on SQLite (AlterField copies the
    table) drops its triggers: this fails until the migration re-creates the index."""
    assert index_is_live(index)


def test_opportunity_list_search_keeps_its_meaning(world):
    viewer = world["coordinator"]
    opp = world["opportunity"]
    for q in ("python", "PYTHON", "Python developer", "django", "zephyr robotics", "Robotics"):
        assert list(opportunity_list(viewer, q=q).filter(pk=opp.pk)) == [opp], q
    # SQLite matches the start of words through FTS5 (accents folded); PostgreSQL keeps its
    # trigram-indexed substring match (docs/opportunities.md).
    sqlite = connection.vendor == "sqlite"
    assert opportunity_list(viewer, q="cafe").filter(pk=opp.pk).exists() is sqlite
    assert opportunity_list(viewer, q="ytho").filter(pk=opp.pk).exists() is not sqlite
    assert not opportunity_list(viewer, q="kangaroo").exists()


def test_overview_groups_in_page_order(world):
    groups = search_overview(
        world["coordinator"], "zephyr", types=["organization", "partnership"], per_type=5
    )
    assert [g.key for g in groups] == ["organization", "partnership"]
    assert not any(g.more for g in groups)
