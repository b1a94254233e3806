"""Partnership pages: an authorization matrix for every view (writes, transitions, detail,
list, edit, create) and the list's search, filter and pagination. Bad input:
test_partnerships_views_bad_input.py; HTMX partials and what the pages show:
test_partnerships_views_rendering.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.partnerships.models import Partnership, PartnershipTransition
from tests.factories import PartnershipFactory
from tests.partnerships_views_support import (
    ACTIONS,
    EVERYONE,
    _as,
    _fast_settings,  # noqa: F401 (a fixture)
    _rolled_back,
    _url,
    cast,  # noqa: F401 (a fixture)
)
from tests.test_partnerships_support import EDITORS, NON_VIEWERS, READERS, VIEWERS, state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_post_action_matrix(client, cast, action):  # noqa: F811
    """Every role against every write on the detail page. Denied: nothing changes."""
    before = state()
    for who in EVERYONE:
        if who in EDITORS:
            continue
        response = _as(client, cast, who).post(action.url(cast), action.data(cast))
        if who == "anonymous":
            assert response.status_code == 302, who
            assert response["Location"].startswith(reverse("accounts:login"))
        elif who in READERS:
            assert response.status_code == 403, who
        else:
            assert response.status_code == 404, who
        assert state() == before, who
        assert not action.done(cast), who
    for who in EDITORS:
        with _rolled_back():
            response = _as(client, cast, who).post(action.url(cast), action.data(cast))
            assert response.status_code == 302, (who, response.content.decode()[:2000])
            assert action.done(cast), who
        assert state() == before


def test_transition_matrix(client, cast):  # noqa: F811
    before = state()
    expected = {"anonymous": 302, "recruiter": 403, **{r: 403 for r in READERS}}
    for who in EVERYONE:
        _as(client, cast, who)
        data = {"transition-to_status": "under_review", "transition-note": "Q3"}
        if who in ("coordinator", "admin"):
            with _rolled_back():
                assert client.post(_url("transition", cast), data).status_code == 302
                assert Partnership.objects.get(pk=cast.partnership.pk).status == "under_review"
                t = PartnershipTransition.objects.get()
                assert (t.from_status, t.to_status, t.note) == ("active", "under_review", "Q3")
            continue
        response = client.post(_url("transition", cast), data)
        assert response.status_code == expected.get(who, 404), who
        assert state() == before, who


def test_recruiter_may_open_negotiation(client, cast):  # noqa: F811
    Partnership.objects.filter(pk=cast.partnership.pk).update(status="proposed")
    client.force_login(cast.recruiter)
    page = client.get(_url("detail", cast)).content.decode()
    assert "Move to “Negotiating”" in page
    assert "Move to “Concluded”" not in page
    response = client.post(_url("transition", cast), {"transition-to_status": "negotiating"})
    assert response.status_code == 302
    assert Partnership.objects.get(pk=cast.partnership.pk).status == "negotiating"


def test_illegal_transition_is_409_with_message(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    before = state()
    response = client.post(_url("transition", cast), {"transition-to_status": "proposed"})
    assert response.status_code == 409
    assert "cannot move from “Active” to “Proposed”" in response.content.decode()
    assert state() == before


def test_bad_transition_input_is_422(client, cast):  # noqa: F811
    client.force_login(cast.coordinator)
    response = client.post(_url("transition", cast), {"transition-to_status": "paused"})
    assert response.status_code == 422


# --- GET pages --------------------------------------------------------------------------------
def test_detail_matrix(client, cast):  # noqa: F811
    for who in EVERYONE:
        response = _as(client, cast, who).get(_url("detail", cast))
        if who == "anonymous":
            assert response.status_code == 302
        elif who in VIEWERS:
            assert response.status_code == 200, who
            body = response.content.decode()
            assert "Robotics internships" in body
            assert ("Add an objective" in body) == (who in EDITORS), who
            assert ("Move to “Under review”" in body) == (who in ("coordinator", "admin")), who
        else:
            assert response.status_code == 404, who


def test_list_matrix(client, cast):  # noqa: F811
    for who in EVERYONE:
        response = _as(client, cast, who).get(reverse("partnerships:list"))
        if who == "anonymous":
            assert response.status_code == 302
            continue
        assert response.status_code == 200, who
        assert ("Robotics internships" in response.content.decode()) == (who in VIEWERS), who


def test_edit_page_matrix(client, cast):  # noqa: F811
    for who in EVERYONE:
        response = _as(client, cast, who).get(_url("edit", cast))
        expected = 200 if who in EDITORS else 302 if who == "anonymous" else 403
        if who in NON_VIEWERS:
            expected = 404
        assert response.status_code == expected, who


def test_create_matrix(client, cast):  # noqa: F811
    before = state()
    url = reverse("partnerships:create")
    data = {
        "title": "New deal",
        "types": ["research"],
        "institutions": [cast.inst.public_id],
        "partners": [cast.partner.public_id],
    }
    for who in EVERYONE:
        _as(client, cast, who)
        if who in EDITORS:
            with _rolled_back():
                assert client.get(url).status_code == 200
                assert client.post(url, data).status_code == 302
                assert Partnership.objects.filter(title="New deal").exists()
            continue
        get, response = client.get(url), client.post(url, data)
        if who == "anonymous":
            assert (get.status_code, response.status_code) == (302, 302)
        elif who in ("other_coordinator", "other_recruiter"):
            # May create partnerships, but not for organizations they do not belong to.
            assert (get.status_code, response.status_code) == (200, 422), who
            assert "only for an institution you coordinate" in response.content.decode()
        else:
            assert (get.status_code, response.status_code) == (403, 403), who
        assert state() == before, who


def test_list_search_filter_and_pagination(client, cast, django_assert_max_num_queries):  # noqa: F811
    for i in range(25):
        PartnershipFactory(
            title=f"Bulk {i:02}",
            institutions=[cast.inst],
            partners=[cast.partner],
            types=["research"],
            status="proposed",
        )
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(12):
        page1 = client.get(reverse("partnerships:list"), {"type": "research"})
    body = page1.content.decode()
    assert "Bulk 00" in body and "Bulk 19" in body and "Bulk 20" not in body
    assert "Robotics internships" not in body
    assert "Page 1 of 2" in body
    page2 = client.get(reverse("partnerships:list"), {"type": "research", "page": 2})
    assert "Bulk 24" in page2.content.decode()
    assert "type=research&amp;page=1" in page2.content.decode()
    found = client.get(reverse("partnerships:list"), {"q": "robot", "status": "active"})
    assert "Robotics internships" in found.content.decode()
    assert "Bulk" not in found.content.decode()
    bad = client.get(reverse("partnerships:list"), {"status": "nope", "page": "x"})
    assert bad.status_code == 200
