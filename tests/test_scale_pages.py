"""List pages and API lists stay flat as the data grows: the same number of queries with 200
and with 2,000 postings (and ten times the students and applications), and a response under
200 KB whatever the size. The world is the big-world generator's (``bench/bigworld.py``) at
a small scale; the benchmark runs it at 100,000 postings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bigworld import BigWorld, build_big_world

pytestmark = pytest.mark.django_db

MAX_BYTES = 200 * 1024
SMALL = {"opportunities": 200, "students": 40, "applications": 100}
GROWTH = {"opportunities": 1800, "students": 160, "applications": 900}  # → 2,000 / 200 / 1,000


def _pages(world: BigWorld) -> list[tuple[str, str]]:
    """(who, URL) for every list page that grows with the data, and the API lists."""
    from tandem.applications.models import Application

    some = Application.objects.filter(institution=world.institution).order_by("pk").first()
    assert some is not None
    opp = some.opportunity
    return [
        ("student", "/"),
        ("student", "/opportunities/"),
        ("student", "/opportunities/?page=2"),
        ("student", "/opportunities/?page=100000"),
        ("student", "/opportunities/?q=python"),
        ("student", "/opportunities/?q=python&type=internship&work_mode=hybrid"),
        ("student", "/applications/"),
        ("student", "/api/v1/opportunities/"),
        ("student", "/api/v1/opportunities/?page=3"),
        ("student", "/api/v1/opportunities/?q=python"),
        ("student", "/api/v1/applications/"),
        ("coordinator", "/"),
        ("coordinator", "/opportunities/"),
        ("coordinator", "/opportunities/approvals/"),
        ("coordinator", "/applications/"),
        ("coordinator", "/applications/?page=3"),
        ("coordinator", "/applications/?stage=submitted"),
        ("coordinator", "/applications/?q=python"),
        ("coordinator", f"/applications/?opportunity={opp.public_id}"),
        ("coordinator", "/applications/?opportunity_title=python"),
        ("coordinator", "/applications/opportunities/?opportunity_title=python"),
        ("coordinator", "/api/v1/applications/"),
        ("coordinator", "/api/v1/opportunities/"),
        ("coordinator", "/api/v1/opportunities/approvals"),
        ("recruiter", "/"),
        ("recruiter", "/opportunities/"),
        ("recruiter", "/applications/"),
        ("recruiter", "/api/v1/opportunities/"),
    ]


def _measure(client, world: BigWorld) -> dict[tuple[str, str], tuple[int, int]]:
    users = {
        "student": world.student,
        "coordinator": world.coordinator,
        "recruiter": world.recruiter,
    }
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for who, url in _pages(world):
        client.force_login(users[who])
        client.get(url)  # warm caches that are per process, not per data size
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)
        out[(who, url.split("?opportunity=")[0])] = (
            len(ctx.captured_queries),
            len(response.content),
        )
    return out


def test_list_pages_are_flat_as_the_world_grows(client):
    world = build_big_world(**SMALL)
    small = _measure(client, world)
    world = build_big_world(**GROWTH, grow=True, seed=13)
    big = _measure(client, world)
    for key, (queries, size) in big.items():
        assert size < MAX_BYTES, (key, size)
        assert queries == small[key][0], (key, small[key][0], queries)


def test_deep_pages_show_the_last_counted_page(client):
    """Past :data:`~tandem.core.pagination.COUNT_CAP` rows the list says "more than" and
    its pages stop at the cap: a page number past them answers the last page."""
    from tandem.core.pagination import COUNT_CAP

    world = build_big_world(opportunities=2 * COUNT_CAP, students=5, applications=0)
    client.force_login(world.student)
    response = client.get("/opportunities/?page=100000")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"More than {COUNT_CAP} opportunities" in text
    last = COUNT_CAP // 20
    assert f"Page {last} of {last}+" in text
    api = client.get("/api/v1/opportunities/?page=3").json()
    assert api["count"] > COUNT_CAP  # the API counts exactly up to API_COUNT_CAP
    assert len(api["items"]) == 25


def test_memberships_are_read_once_per_request(client):
    """The permission helpers share one read of the viewer's memberships per request."""
    world = build_big_world(**SMALL)
    users = {
        "student": world.student,
        "coordinator": world.coordinator,
        "recruiter": world.recruiter,
    }
    for who, url in _pages(world):
        client.force_login(users[who])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        reads = [q for q in ctx.captured_queries if 'FROM "organizations_membership"' in q["sql"]]
        assert len(reads) == 1, (who, url, [q["sql"][:120] for q in reads])


def test_a_granted_membership_is_seen_on_the_same_user_object():
    from tandem.organizations.models import Role
    from tandem.organizations.permissions import coordinator_institution_ids, roles_of
    from tandem.organizations.services import membership_add

    world = build_big_world(opportunities=5, students=2, applications=0)
    student = world.student
    assert roles_of(student) == {Role.STUDENT}
    assert not coordinator_institution_ids(student)
    membership_add(actor=None, user=student, organization=world.institution, role=Role.COORDINATOR)
    assert coordinator_institution_ids(student) == {world.institution.pk}
    assert roles_of(student) == {Role.STUDENT, Role.COORDINATOR}


def test_pages_of_few_rows_are_sorted_like_the_others(client):
    """A page whose count is under the cap is sorted by the database (not walked along an
    index): same rows, same order."""
    from tandem.core.pagination import sorted_not_walked
    from tandem.opportunities.selectors import opportunity_list

    world = build_big_world(**SMALL)
    for term in ("python", "BW-000007", "data"):
        qs = opportunity_list(world.student, q=term)
        assert list(sorted_not_walked(qs).values_list("pk", flat=True)) == list(
            qs.values_list("pk", flat=True)
        )
    client.force_login(world.student)
    page = client.get("/opportunities/?q=BW-000007").content.decode()
    assert "1 opportunity" in page
    api = client.get("/api/v1/opportunities/?q=BW-000007").json()
    assert api["count"] == 1 and "BW-000007" in api["items"][0]["description"]


def test_for_you_counts_no_further_than_the_cap(client):
    """The "For you" pages count the opportunities after the ranked ones up to the cap, like
    every list, not every visible posting."""
    world = build_big_world(**SMALL)
    client.force_login(world.student)
    url = "/profiles/opportunities/"
    # The first view counts (then the capped count is cached per visibility scope).
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(url)
    assert first.status_code == 200
    assert 0 < first.content.count(b'class="card recommendation"') <= 25
    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if "COUNT(" in q["sql"] and "tandem_cache" not in q["sql"]  # the cache table's culling
    ]
    assert counts and all("LIMIT" in sql for sql in counts), counts


def test_home_lists_open_postings_closing_soonest(client):
    from datetime import timedelta

    from django.utils import timezone

    from tandem.opportunities.models import Opportunity

    world = build_big_world(opportunities=30, students=2, applications=0)
    from tandem.opportunities.selectors import student_visible_opportunities

    visible = list(
        student_visible_opportunities(world.student).order_by("pk").values_list("pk", flat=True)
    )
    assert len(visible) > 6
    now = timezone.now()
    # Four postings without a deadline, the others closing in 1..n days in scrambled order.
    Opportunity.objects.filter(pk__in=visible[:4]).update(application_deadline=None)
    for i, pk in enumerate(visible[4:]):
        days = (i * 5) % len(visible[4:]) + 1
        Opportunity.objects.filter(pk=pk).update(application_deadline=now + timedelta(days=days))
    client.force_login(world.student)
    html = client.get("/").content.decode()
    from tandem.dashboards.selectors import LIMIT
    from tandem.opportunities.selectors import closing_soonest

    shown = closing_soonest(world.student, LIMIT)
    deadlines = [o.application_deadline for o in shown if o.application_deadline]
    assert deadlines == sorted(deadlines)
    assert len(shown) == min(LIMIT, len(visible))
    # With fewer dated postings than the limit, the undated ones follow, newest first.
    short = closing_soonest(world.student, len(visible))
    undated = [o for o in short if o.application_deadline is None]
    assert short[-len(undated) :] == undated and len(undated) == 4
    assert [o.created_at for o in undated] == sorted((o.created_at for o in undated), reverse=True)
    assert all(str(o.public_id) in html for o in shown)
