"""Reads never write: every GET page and every GET API operation, requested by each role,
runs under a database guard that fails on any INSERT, UPDATE or DELETE.

The URLs, their path parameters and the seeded world are those of the authorization matrix
(tests/test_authz_matrix.py, tests/authz_matrix_support.py, tests/authz_world.py), so a new
page is walked as soon as it is in the matrix. Excepted by name: the session table (logging
in and out), the login throttling tables and the cache table (Django's database cache, used
when no Redis is configured: a cache fill is not a change of data), and one audited read:
opening an incident report (docs/placements.md, "Incidents") records who read it, an access
log like the session table, on that page and its API operation only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.authz_matrix_support import API_OPS, PAGES, _login, _refs, api_request, page_url
from tests.authz_page_rules import PAGE_QUERY, PAGE_RULES
from tests.test_authz_matrix import (  # noqa: F401 (the module's world fixtures)
    _world_media_root,
    world,
    world_media,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "student",
    "coordinator",
    "educator",
    "recruiter",
    "supervisor",
    "mentor",
    "funder",
    "admin",  # staff
)
ALLOWED_TABLES = {
    "django_session",
    "accounts_usersession",
    "axes_accessattempt",
    "axes_accesslog",
    "tandem_cache",
}
# Reads that are audited by design (who opened a safety or conduct report): the audit row only.
AUDITED_READS = {"placements:incident", "placements_api_visits_incident_detail"}
# The audit row and its link to the organizations it concerns (PostgreSQL writes the link rows
# as their own INSERT).
AUDIT_TABLES = frozenset({"audit_auditevent", "audit_auditevent_organizations"})
WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE)


class Guard:
    """A ``connection.execute_wrapper`` recording every write outside the allowed tables."""

    def __init__(self, allowed: frozenset[str] = frozenset()) -> None:
        self.writes: list[str] = []
        self.allowed = ALLOWED_TABLES | allowed

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any):
        m = WRITE.match(sql)
        if m and m.group(2).lower() not in self.allowed:
            self.writes.append(f"{m.group(1).upper()} {m.group(2)}")
            raise AssertionError(f"write on GET: {sql[:200]}")
        return execute(sql, params, many, ctx)


def _gets(world) -> list[tuple[str, str, dict[str, Any]]]:  # noqa: F811
    out = []
    for pattern in PAGES:
        if "get" in PAGE_RULES[pattern.name].methods:
            query = _refs(world, PAGE_QUERY.get(pattern.name, {}))
            out.append((pattern.name, page_url(world, pattern), query))
    for operation in API_OPS:
        if operation.method == "get":
            url, kwargs = api_request(world, operation)
            out.append((operation.op_id, url, kwargs.get("data") or {}))
    return out


@pytest.mark.parametrize("who", ROLES)
def test_no_get_writes_to_the_database(client, world, who):  # noqa: F811
    _login(client, world, who)
    found = []
    for name, url, query in _gets(world):
        guard = Guard(AUDIT_TABLES if name in AUDITED_READS else frozenset())
        try:
            with connection.execute_wrapper(guard):
                client.get(url, query)
        except AssertionError:
            pass  # recorded in guard.writes
        if guard.writes:
            found.append(f"{name} {url}: {', '.join(sorted(set(guard.writes)))}")
    assert not found, "\n".join(found)


def test_the_guard_catches_a_write(world):  # noqa: F811
    from tandem.skills.models import OpportunityDemand

    guard = Guard()
    with pytest.raises(AssertionError), connection.execute_wrapper(guard):
        OpportunityDemand.objects.filter(pk=0).delete()  # no row: the SQL still runs
    assert guard.writes == ["DELETE FROM curricula_opportunitydemand"]
