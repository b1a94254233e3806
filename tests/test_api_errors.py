"""API errors are application/problem+json (RFC 9457) with field messages."""

from __future__ import annotations

import re
import uuid

import pytest

from tandem.accounts.models import ApiToken
from tandem.accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
TOKENS = "/api/v1/accounts/tokens"


@pytest.fixture
def auth():
    user = UserFactory()
    _token, raw = api_token_create(actor=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, auth, body, raw: str | None = None):
    data = raw if raw is not None else body
    return client.post(TOKENS, data, content_type="application/json", **auth)


def test_missing_field_is_422_with_field_message(client, auth):
    response = post(client, auth, {})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422 and body["title"] == "Invalid input"
    assert body["errors"] == {"name": ["Field required"]}


def test_wrong_type_is_422_naming_the_field(client, auth):
    response = post(client, auth, {"name": "ci", "expires_in_days": "soon"})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == ["expires_in_days"]


@pytest.mark.parametrize("raw", ["{not json", "[]", '"text"', ""])
def test_malformed_body_is_a_4xx_problem_never_500(client, auth, raw):
    response = post(client, auth, None, raw=raw)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == PROBLEM
    assert ApiToken.objects.count() == 1


def test_domain_rule_violation_is_400_with_field_message(client, auth):
    response = post(client, auth, {"name": "ci", "expires_in_days": 999})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == {"expires_in_days": ["Must be between 1 and 365."]}
    assert ApiToken.objects.count() == 1


def test_unknown_id_is_404_problem(client, auth):
    response = client.delete(f"{TOKENS}/{uuid.uuid4()}", **auth)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "No such object, or you may not see it.",
    }


def test_malformed_id_is_422_problem(client, auth):
    response = client.delete(f"{TOKENS}/42", **auth)
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert "token_id" in response.json()["errors"]


def test_unauthenticated_is_401_problem_with_www_authenticate(client):
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["title"] == "Unauthorized"


def test_unknown_api_path_is_404(client, auth):
    response = client.get("/api/v1/no-such-thing", **auth)
    assert response.status_code == 404


def test_wrong_method_is_405(client, auth):
    response = client.put("/api/v1/accounts/me", {}, content_type="application/json", **auth)
    assert response.status_code == 405


# --- Bodies Django cannot parse (found by the Schemathesis run, docs/development/api-fuzzing.md)
@pytest.fixture
def cast():
    from tests.factories import application_cast

    return application_cast()


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("endpoint", ["applications", "cv", "documents"])
def test_multipart_without_boundary_is_400_problem_never_500(
    client, settings, cast, endpoint, debug
):
    from tandem.applications.models import Application
    from tandem.partnerships.models import PartnershipDocument
    from tests.factories import PartnershipFactory

    settings.DEBUG = debug  # in debug mode django-ninja answered 500 with a traceback
    partnership = PartnershipFactory(institutions=[cast.institution], partners=[cast.host])
    url, user = {
        "applications": ("/api/v1/applications/", cast.student),
        "cv": ("/api/v1/profiles/me/cv/pdf", cast.student),
        "documents": (
            f"/api/v1/partnerships/{partnership.public_id}/documents",
            cast.coordinator,
        ),
    }[endpoint]
    response = client.post(url, "cv=x", content_type="multipart/form-data", **_bearer(user))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == (
        "The multipart/form-data body could not be read: Invalid boundary in multipart: None"
    )
    assert Application.objects.count() == 0
    assert PartnershipDocument.objects.count() == 0


@pytest.mark.parametrize("debug", [True, False])
def test_body_over_the_upload_limit_is_413_problem(client, settings, auth, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, auth, None, raw='{"name": "' + "x" * 2000 + '"}')
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert ApiToken.objects.count() == 1


def _paginated_operations() -> list[tuple[str, str]]:
    """(path, page parameter) of every paginated GET in the OpenAPI document."""
    from tandem.api.main import api

    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        names = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        for name in ("page", "offset"):
            if name in names:
                found.append((path, name))
    return sorted(found)


def test_every_paginated_operation_is_bounded():
    operations = _paginated_operations()
    assert len(operations) >= 12
    assert ("/api/v1/organizations/", "page") in operations
    assert ("/api/v1/partnerships/", "offset") in operations


@pytest.mark.parametrize("value", ["1000001", "37048790014591326224384"])
@pytest.mark.parametrize(("path", "name"), _paginated_operations())
def test_page_or_offset_past_the_bound_is_422_naming_the_field(client, path, name, value):
    """A page number no 64-bit OFFSET holds was a 500 (SQLite: datatype mismatch)."""
    from tandem.core.pagination import MAX_OFFSET

    admin = UserFactory(is_staff=True, is_superuser=True)
    if name == "offset" and value == "1000001":
        value = str(MAX_OFFSET + 1)
    url = re.sub(r"\{\w+_id\}", lambda _m: str(uuid.uuid4()), path)  # checked before lookup
    response = client.get(url, {name: value}, **_bearer(admin))
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == [name]


# Lists under an object (``/…/{id}/…``) need that object to answer 200; the bound itself is
# checked for them too, before the lookup, by the 422 test above.
@pytest.mark.parametrize(
    ("path", "name"), [(p, n) for p, n in _paginated_operations() if "{" not in p]
)
def test_the_last_allowed_page_or_offset_answers_an_empty_list(client, path, name):
    from tandem.core.pagination import MAX_OFFSET, MAX_PAGE

    admin = UserFactory(is_staff=True, is_superuser=True)
    value = MAX_PAGE if name == "page" else MAX_OFFSET
    response = client.get(path, {name: value, "page_size": 100}, **_bearer(admin))
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- A JSON body that is not an object (found by the Schemathesis run, `--checks all`) ---------
@pytest.mark.parametrize("raw", ['"AAA"', "[null, null]", "0", "null", "true"])
def test_a_json_body_that_is_not_an_object_is_400_and_creates_nothing(client, raw):
    """django-ninja schemas read attributes from any value: "AAA" created a course titled
    "Aaa" (str.title) before bodies had to be objects."""
    from tandem.curricula.models import Course
    from tandem.organizations.models import Role
    from tests.factories import InstitutionFactory, ProgramFactory, member

    school = InstitutionFactory()
    program = ProgramFactory(institution=school)
    coordinator = member(school, Role.COORDINATOR)
    response = client.post(
        f"/api/v1/curriculum/programs/{program.public_id}/courses",
        raw,
        content_type="application/json",
        **_bearer(coordinator),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Error"
    assert Course.objects.count() == 0


def test_a_list_body_is_no_empty_patch(client, settings):
    from tandem.organizations.models import Role
    from tandem.partnerships.models import Partnership
    from tests.factories import InstitutionFactory, PartnershipFactory, member

    settings.DEBUG = True  # the reason is shown in debug mode only, as for malformed JSON
    school = InstitutionFactory()
    partnership = PartnershipFactory(institutions=[school], title="Cloud operations")
    coordinator = member(school, Role.COORDINATOR)
    before = Partnership.objects.filter(pk=partnership.pk).values().get()
    response = client.patch(
        f"/api/v1/partnerships/{partnership.public_id}",
        "[null, null]",
        content_type="application/json",
        **_bearer(coordinator),
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Cannot parse request body (the body must be a JSON object)"
    )
    assert Partnership.objects.filter(pk=partnership.pk).values().get() == before


def test_nul_characters_in_a_body_are_a_400(client, settings):
    from tandem.organizations.models import Role
    from tandem.partnerships.models import Partnership
    from tests.factories import InstitutionFactory, PartnershipFactory, member

    settings.DEBUG = True  # the reason is shown in debug mode only, as for malformed JSON
    school = InstitutionFactory()
    partnership = PartnershipFactory(institutions=[school], title="Cloud operations")
    coordinator = member(school, Role.COORDINATOR)
    before = Partnership.objects.filter(pk=partnership.pk).values().get()
    for body in ({"title": "Cloud\x00ops"}, {"tags": ["a", {"b\x00": 1}]}):
        response = client.patch(
            f"/api/v1/partnerships/{partnership.public_id}",
            body,
            content_type="application/json",
            **_bearer(coordinator),
        )
        assert response.status_code == 400, body
        assert response.json()["detail"] == (
            "Cannot parse request body (text must not contain NUL characters)"
        )
    assert Partnership.objects.filter(pk=partnership.pk).values().get() == before
