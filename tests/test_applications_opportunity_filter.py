"""The applications list's opportunity filter at scale: a search-as-you-type field whose
suggestions come from a small permission-scoped endpoint, so that the page stays small
whatever the number of opportunities (issue 12: 4.6 MB of <option>s with 50,000
applications)."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.applications.models import Application
from tandem.applications.selectors import OPPORTUNITY_SUGGESTIONS
from tandem.applications.stage_counts import applications_changed
from tandem.opportunities.models import Opportunity
from tests.factories import (
    ApplicationFactory,
    OpportunityFactory,
    application_at,
    application_cast,
    published_opportunity,
)

pytestmark = pytest.mark.django_db

SEARCH = "applications:opportunity_search"
TITLE = "Marine robotics placement with a long and descriptive title, number {n}"


@pytest.fixture
def cast():
    return application_cast(title="Harbour welding apprenticeship")


def _many(cast, n: int, start: int = 0) -> list[Opportunity]:
    """``n`` opportunities at the cast's host, each with an application by the cast's
    student through the cast's institution (bulk-created: quick even for hundreds)."""
    opps = Opportunity.objects.bulk_create(
        [
            OpportunityFactory.build(host=cast.host, status="published", title=TITLE.format(n=i))
            for i in range(start, start + n)
        ]
    )
    Application.objects.bulk_create(
        [
            ApplicationFactory.build(
                opportunity=opp, student=cast.student, institution=cast.institution
            )
            for opp in opps
        ]
    )
    # bulk_create sends no post_save: say the applications changed, as the big-world
    # generator does, or the list's cached count and page ids stay the earlier ones.
    applications_changed()
    return opps


def _suggest(client, text: str):
    return client.get(reverse(SEARCH), {"opportunity_title": text}, headers={"HX-Request": "true"})


# --- The list page stays small ----------------------------------------------------------------
def _list_page(client) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:list"))
    assert response.status_code == 200
    body = response.content.decode()
    return len(response.content), len(queries), body


def test_list_page_size_and_queries_do_not_grow_with_opportunities(client, cast):
    client.force_login(cast.coordinator)
    _many(cast, 30)
    size_30, queries_30, body = _list_page(client)
    assert body.count("Marine robotics placement") == 25  # a page of rows
    _many(cast, 270, start=30)
    size_300, queries_300, body = _list_page(client)
    assert Application.objects.count() == 300
    assert size_300 < 200_000
    # The 25 rows of the first page, the counts and the pagination: not one byte per
    # opportunity (an <option> for each of 270 more would add about 25 KB).
    assert abs(size_300 - size_30) < 500, (size_30, size_300)
    assert body.count("<option") < 20  # the stage filter only
    assert queries_300 == queries_30


def test_filter_field_is_a_labelled_combobox(client, cast):
    client.force_login(cast.coordinator)
    body = client.get(reverse("applications:list")).content.decode()
    assert '<label for="id_opportunity_title">Opportunity</label>' in body
    assert 'role="combobox"' in body and 'aria-controls="id_opportunity_title_listbox"' in body
    assert 'id="id_opportunity_title_listbox"' in body and 'role="listbox"' in body
    assert f'hx-get="{reverse(SEARCH)}"' in body
    assert 'type="hidden" name="opportunity"' in body
    assert "<script" not in body.split("</head>")[1]  # no inline script (strict CSP)


# --- The list filters by public id, or by a part of the title without JavaScript ------------
def test_list_filters_by_opportunity_id_and_shows_its_title(client, cast):
    mine = application_at(cast, "submitted", with_cv=False)
    other = _many(cast, 1)[0]
    other_app = Application.objects.get(opportunity=other)
    client.force_login(cast.coordinator)
    url = reverse("applications:list")
    # A link from elsewhere: ?opportunity=<public id> only.
    body = client.get(url, {"opportunity": str(other.public_id)}).content.decode()
    assert str(other_app.public_id) in body and str(mine.public_id) not in body
    assert f'value="{html.escape(other.title)}"' in body  # the field shows which one
    # The chosen suggestion: the id and its title.
    body = client.get(
        url, {"opportunity": str(other.public_id), "opportunity_title": other.title}
    ).content.decode()
    assert str(other_app.public_id) in body and str(mine.public_id) not in body
    # Without JavaScript: a part of the title.
    body = client.get(url, {"opportunity_title": "harbour weld"}).content.decode()
    assert str(mine.public_id) in body and str(other_app.public_id) not in body
    # Without JavaScript, the title edited after a choice: the text counts, not the old id.
    body = client.get(
        url, {"opportunity": str(other.public_id), "opportunity_title": "Harbour"}
    ).content.decode()
    assert str(mine.public_id) in body and str(other_app.public_id) not in body
    assert 'name="opportunity" id="id_opportunity"' in body
    assert f'value="{other.public_id}"' not in body
    # ... and emptied: no opportunity filter.
    body = client.get(
        url, {"opportunity": str(other.public_id), "opportunity_title": ""}
    ).content.decode()
    assert str(mine.public_id) in body and str(other_app.public_id) in body


def test_list_with_an_opportunity_someone_else_sees_shows_nothing(client, cast):
    hidden = published_opportunity(cast.host, [cast.other_institution], title="Hidden role")
    ApplicationFactory(
        opportunity=hidden, student=cast.other_student, institution=cast.other_institution
    )
    mine = application_at(cast, "submitted", with_cv=False)
    client.force_login(cast.coordinator)
    body = client.get(
        reverse("applications:list"), {"opportunity": str(hidden.public_id)}
    ).content.decode()
    assert "Hidden role" not in body and str(mine.public_id) not in body
    body = client.get(
        reverse("applications:list"), {"opportunity_title": "Hidden ro"}
    ).content.decode()
    assert (
        "Hidden role" not in body
    )  # the field shows what was typed, no more and str(mine.public_id) not in body


# --- Suggestions ------------------------------------------------------------------------------
def test_coordinator_finds_their_opportunities_by_a_part_of_the_title(client, cast):
    application_at(cast, "submitted", with_cv=False)
    client.force_login(cast.coordinator)
    response = _suggest(client, "WELDING appr")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.count('role="option"') == 1
    assert f'data-value="{cast.opportunity.public_id}"' in body
    assert 'data-label="Harbour welding apprenticeship"' in body
    assert cast.host.name in body
    # Nothing matches: one disabled line says so.
    body = _suggest(client, "astronomy").content.decode()
    assert 'aria-disabled="true"' in body and "data-value" not in body
    # Nothing typed yet: nothing suggested.
    body = _suggest(client, "   ").content.decode()
    assert "role=" not in body


def test_suggestions_are_few_and_the_query_count_is_flat(
    client, cast, django_assert_max_num_queries
):
    _many(cast, 45)
    client.force_login(cast.coordinator)
    # The first time: the EXISTS query and the postings, plus the database cache's reads and
    # writes of the suggestions' ids (tests run on Django's database cache; with Redis those
    # are no queries). Then from the cache: the session, the user, the postings.
    with django_assert_max_num_queries(12):
        _suggest(client, "marine robotics")
    with django_assert_max_num_queries(5):
        body = _suggest(client, "marine robotics").content.decode()
    assert body.count('role="option"') == OPPORTUNITY_SUGGESTIONS
    assert len(body) < 10_000
    # By title: "number 0", "number 1", "number 10", …
    assert body.index(f'data-label="{html.escape(TITLE.format(n=0))}"') < body.index(
        f'data-label="{html.escape(TITLE.format(n=1))}"'
    )
    body = _suggest(client, "number 44").content.decode()
    assert body.count('role="option"') == 1


@pytest.mark.parametrize("who", ["other_coordinator", "classmate", "other_student", "outsider"])
def test_others_find_nothing_of_theirs(client, cast, who):
    application_at(cast, "submitted", with_cv=False)
    client.force_login(getattr(cast, who))
    response = _suggest(client, "welding")
    assert response.status_code == 200
    body = response.content.decode()
    assert str(cast.opportunity.public_id) not in body and "Harbour" not in body


def test_a_student_finds_only_what_they_applied_to(client, cast):
    application_at(cast, "submitted", with_cv=False)
    theirs = published_opportunity(cast.host, [cast.institution], title="Harbour crane operator")
    application_at(cast, "submitted", student=cast.classmate, opportunity=theirs)
    client.force_login(cast.student)
    body = _suggest(client, "harbour").content.decode()
    assert f'data-value="{cast.opportunity.public_id}"' in body
    assert str(theirs.public_id) not in body and "crane" not in body


def test_another_institutions_coordinator_finds_only_their_students_opportunities(client, cast):
    application_at(cast, "submitted", with_cv=False)
    theirs = published_opportunity(
        cast.host, [cast.other_institution], title="Harbour pilot trainee"
    )
    ApplicationFactory(
        opportunity=theirs, student=cast.other_student, institution=cast.other_institution
    )
    client.force_login(cast.other_coordinator)
    body = _suggest(client, "harbour").content.decode()
    assert f'data-value="{theirs.public_id}"' in body
    assert str(cast.opportunity.public_id) not in body and "welding" not in body


def test_anonymous_is_sent_to_sign_in(client, cast):
    application_at(cast, "submitted", with_cv=False)
    response = _suggest(client, "welding")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "query",
    [
        "w" * 101,  # longer than any search
        "w" * 5000,
        "weld\x00ing",  # NUL: refused before any database sees it
    ],
    ids=["101-chars", "5000-chars", "nul"],
)
def test_bad_queries_are_4xx(client, cast, query):
    client.force_login(cast.coordinator)
    response = _suggest(client, query)
    assert 400 <= response.status_code < 500, response.status_code


def test_odd_but_harmless_queries_are_answered(client, cast):
    application_at(cast, "submitted", with_cv=False)
    client.force_login(cast.coordinator)
    for text in ["%", "_", "'; DROP TABLE x; --", "<script>", "Ω≈ç√", "\\"]:
        response = _suggest(client, text)
        assert response.status_code == 200, text
        assert "<script>" not in response.content.decode()
    # Several values of the parameter: the last one counts, as everywhere in Django.
    response = client.get(reverse(SEARCH) + "?opportunity_title=x&opportunity_title=weld")
    assert f'data-value="{cast.opportunity.public_id}"' in response.content.decode()


def test_suggestions_are_read_only(client, cast):
    client.force_login(cast.coordinator)
    assert client.post(reverse(SEARCH), {"opportunity_title": "weld"}).status_code == 405
