"""The stage counts are cached per viewer scope and never stale after a change of an
application: through a service, a new application, an erasure-style delete."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.applications.services import application_move
from tests.factories import application_at, application_cast, member

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/stage-counts"


def _counts(client, user) -> tuple[dict[str, int], list[str]]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return response.json()["counts"], [q["sql"] for q in ctx.captured_queries]


def _grouped(queries: list[str]) -> bool:
    return any("GROUP BY" in sql and "applications_application" in sql for sql in queries)


def test_counts_are_cached_until_an_application_changes(client):
    cast = application_cast()
    app = application_at(cast, "submitted")
    counts, queries = _counts(client, cast.coordinator)
    assert counts["submitted"] == 1 and counts["under_review"] == 0
    assert _grouped(queries)
    counts, queries = _counts(client, cast.coordinator)  # from the cache
    assert counts["submitted"] == 1
    assert not _grouped(queries)

    application_move(actor=cast.recruiter, application=app, to_stage="under_review")
    counts, queries = _counts(client, cast.coordinator)
    assert counts["submitted"] == 0 and counts["under_review"] == 1
    assert _grouped(queries)

    application_at(cast, "interview", student=cast.classmate)  # a new application
    counts, _queries = _counts(client, cast.coordinator)
    assert counts["interview"] == 1 and counts["under_review"] == 1

    app.delete()
    counts, _queries = _counts(client, cast.coordinator)
    assert counts["under_review"] == 0 and counts["interview"] == 1


def test_each_scope_has_its_own_counts(client):
    cast = application_cast()
    application_at(cast, "submitted")
    assert _counts(client, cast.coordinator)[0]["submitted"] == 1
    # Someone who sees none of them does not get the coordinator's cached counts.
    assert _counts(client, cast.other_coordinator)[0]["submitted"] == 0
    assert _counts(client, cast.classmate)[0]["submitted"] == 0
    # A new role widens the scope: counted again, not the old scope's entry.
    from tandem.organizations.models import Role

    member(cast.institution, Role.COORDINATOR, user=cast.classmate)
    assert _counts(client, cast.classmate)[0]["submitted"] == 1
