"""The authorization matrix: every API operation (from the live /api/v1/openapi.json) and
every page URL pattern (from Django's URL resolver) × {anonymous, a member of another
organization, every role of the owning organizations}. See
docs/development/authorization-matrix.md.

One world (tests/authz_world.py) is built per module; each test runs in a savepoint, so what
an allowed role changes is rolled back. Refused requests must change nothing (row counts
and the newest ``updated_at`` of every model), queue nothing to run on commit (e-mails,
tasks) and send no e-mail.

The tables of who may do what are tests/authz_rules.py (``API_RULES``, ``API_PARAMS``,
imported here) and tests/authz_page_rules.py (``PAGE_RULES``); the discovery, URLs, request
bodies and calls are tests/authz_matrix_support.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tests.authz_matrix_support import (
    API_OPS,
    PAGES,
    PagePattern,
    _body,
    _found,
    call_api,
    call_page,
    fingerprint,
    live_schema,
)
from tests.authz_page_rules import PAGE_RULES
from tests.authz_rules import ALL, API_PARAMS, API_RULES, SELF, Rule
from tests.authz_world import OUTSIDERS, ROLES, build_world


# --- The world -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("authz-uploads")


@pytest.fixture(autouse=True)
def _world_media_root(_media_root, settings, world_media):
    """The world's files (CV, partnership document) live in one folder for the module."""
    settings.MEDIA_ROOT = world_media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    with (
        override_settings(MEDIA_ROOT=world_media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        w = build_world()
        yield w
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db

UNSAFE = {"post", "put", "patch", "delete"}
AUTHZ_REFUSALS = {401, 403, 404}


# --- The tables cover everything ---------------------------------------------------------
def test_the_schema_is_the_served_one(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"] == live_schema()["paths"]


def test_every_api_operation_is_in_the_table():
    ops = {o.op_id for o in API_OPS}
    missing = sorted(ops - API_RULES.keys())
    stale = sorted(API_RULES.keys() - ops)
    assert not missing, f"add these operations to API_RULES: {missing}"
    assert not stale, f"these API_RULES entries name no operation: {stale}"
    params = {p for o in API_OPS for p in re.findall(r"\{(\w+)\}", o.path)}
    assert not sorted(params - API_PARAMS.keys()), (
        f"add these path parameters to API_PARAMS: {sorted(params - API_PARAMS.keys())}"
    )


def test_every_page_is_in_the_table():
    names = {p.name for p in PAGES}
    assert "" not in names, [p.route for p in PAGES if not p.name]
    missing = sorted(names - PAGE_RULES.keys())
    stale = sorted(PAGE_RULES.keys() - names)
    assert not missing, f"add these URL names to PAGE_RULES (or PAGE_EXCLUDED): {missing}"
    assert not stale, f"these PAGE_RULES entries name no URL: {stale}"
    lacking = []
    for p in PAGES:
        have = dict(PAGE_RULES[p.name].params)
        for param in re.findall(r"<(?:\w+:)?(\w+)>", p.route):
            if param not in have:
                lacking.append(f"{p.name}: {param}")
    assert not lacking, f"PAGE_RULES entries lack these URL parameters: {lacking}"


# --- Anonymous -----------------------------------------------------------------------------
@pytest.mark.parametrize("operation", API_OPS, ids=str)
def test_api_anonymous(client, world, operation):
    response, before = call_api(client, world, operation, "anonymous")
    allowed = {401, 403} if operation.method in UNSAFE else {401}
    assert response.status_code in allowed, response.status_code
    assert response["Content-Type"] == "application/problem+json"
    assert fingerprint() == before


PAGE_CALLS = [(p, m) for p in PAGES for m in PAGE_RULES.get(p.name, Rule(ALL)).methods]


def _page_id(param: Any) -> str:
    return str(param) if isinstance(param, (PagePattern, str)) else ""


@pytest.mark.parametrize(("pattern", "method"), PAGE_CALLS, ids=_page_id)
def test_page_anonymous(client, world, pattern, method):
    response, before = call_page(client, world, pattern, method, "anonymous")
    if response.status_code in (404, 405):
        pass
    else:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    assert fingerprint() == before


# --- Another organization --------------------------------------------------------------------
def _check_outsider(world, rule, method, response, before, has_params):
    body = _body(response)
    status = response.status_code
    if rule.directory and method == "get":
        assert status == 200, status
    elif has_params and not rule.directory:
        assert status in (403, 404), status
    elif method == "get":
        assert status in (200, 403, 404), status
        found = _found(world, body, list(world.secrets)) if status == 200 else []
        assert not found, f"A/P's objects in the answer: {found}"
    else:
        # Creating things that name A/P's objects (institution A, host P, …).
        assert status in (400, 403, 404, 422), status
    assert status < 500
    assert fingerprint() == before


# Not asked of outsiders: writes that act only on the caller's own data (their tokens,
# their profile), and page forms without a URL parameter (an empty form names no A/P object;
# the API's create operations, whose bodies name A/P's objects, are asked).
OUTSIDER_API_OPS = [
    o for o in API_OPS if not (API_RULES.get(o.op_id, SELF).self_service and o.method in UNSAFE)
]
OUTSIDER_PAGE_CALLS = [
    (p, m)
    for p, m in PAGE_CALLS
    if not (m in UNSAFE and (PAGE_RULES.get(p.name, Rule(ALL)).self_service or "<" not in p.route))
]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("operation", OUTSIDER_API_OPS, ids=str)
def test_api_other_organization(client, world, operation, who):
    rule = API_RULES[operation.op_id]
    response, before = call_api(client, world, operation, who)
    _check_outsider(world, rule, operation.method, response, before, "{" in operation.path)


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("pattern", "method"), OUTSIDER_PAGE_CALLS, ids=_page_id)
def test_page_other_organization(client, world, pattern, method, who):
    rule = PAGE_RULES[pattern.name]
    response, before = call_page(client, world, pattern, method, who)
    _check_outsider(world, rule, method, response, before, "<" in pattern.route)


# --- Wrong role and right role ------------------------------------------------------------
def _check_role(world, rule, method, who, response, before):
    status = response.status_code
    body = _body(response)
    assert status < 500, status
    if who in rule.roles:
        assert status not in AUTHZ_REFUSALS, status
        if rule.lists and status == 200:
            assert world.secrets[rule.lists] in body, f"{rule.lists} missing from the list"
        return
    if rule.lists and method == "get" and status == 200:
        assert not _found(world, body, [rule.lists]), f"{rule.lists} shown to {who}"
    else:
        assert status in (403, 404), status
    assert fingerprint() == before


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("operation", API_OPS, ids=str)
def test_api_roles(client, world, operation, who):
    rule = API_RULES[operation.op_id]
    response, before = call_api(client, world, operation, who)
    _check_role(world, rule, operation.method, who, response, before)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("pattern", "method"), PAGE_CALLS, ids=_page_id)
def test_page_roles(client, world, pattern, method, who):
    rule = PAGE_RULES[pattern.name]
    response, before = call_page(client, world, pattern, method, who)
    _check_role(world, rule, method, who, response, before)
