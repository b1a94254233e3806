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
