"""Hostile request text is a 4xx, never a 500 — on SQLite and on PostgreSQL.

NUL characters in the path, the query string or a form field (``tandem.core.input_guard``),
lone surrogates in JSON bodies, JSON bodies declared as another media type, and dates at the
edges of the calendar (``tandem.core.dates``). Each operation of the OpenAPI document gets a
NUL in each of its path and query parameters.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tandem.accounts.models import ApiToken
from tandem.accounts.services import api_token_create
from tandem.organizations.models import Role
from tests.factories import (
    InstitutionFactory,
    PartnershipFactory,
    UserFactory,
    member,
    opportunity_cast,
    opportunity_fields,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
TOKENS = "/api/v1/accounts/tokens"


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def admin():
    return UserFactory(is_staff=True, is_superuser=True)


# --- NUL in the query string, the path, form fields -------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organizations/?q=a%00b",
        "/api/v1/partnerships/?q=a%00b",
        "/api/v1/opportunities/?q=a%00b",
        "/api/v1/applications/?q=a%00b",
        "/api/v1/curriculum/programs?q=a%00b",
        "/api/v1/audit?target_type=a%00b",
    ],
)
def test_nul_in_an_api_query_is_a_400_problem_naming_the_parameter(client, admin, url):
    response = client.get(url, **_bearer(admin))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Invalid request"
    assert list(body["errors"]) == [url.rsplit("?", 1)[1].split("=")[0]]
    assert body["errors"][url.rsplit("?", 1)[1].split("=")[0]] == [
        "Must not contain NUL characters."
    ]


def test_nul_in_a_query_parameter_name_is_refused_too(client, admin):
    response = client.get("/api/v1/organizations/?a%00b=1", **_bearer(admin))
    assert response.status_code == 400
    assert response.json()["errors"] == {"ab": ["Must not contain NUL characters."]}


def test_nul_in_an_api_path_is_a_400_problem(client):
    inst = InstitutionFactory()
    user = member(inst, Role.COORDINATOR)
    url = f"/api/v1/analytics/institutions/{inst.public_id}/programs/a%00b/dashboard"
    response = client.get(url, **_bearer(user))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == {"path": ["Must not contain NUL characters."]}


def test_nul_in_a_page_query_is_a_400_page(client, admin):
    client.force_login(admin)
    response = client.get("/curriculum/?q=a%00b")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert client.get("/curriculum/?q=ab").status_code == 200


def test_nul_in_a_posted_form_field_is_a_400_and_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/", {"name": "lap\x00top", "expires_in_days": "9"})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0
    response = client.post("/accounts/", {"name": "laptop", "expires_in_days": "9"})
    assert response.status_code in (200, 302)
    assert ApiToken.objects.count() == 1


def test_nul_in_a_multipart_field_of_an_api_upload_is_a_400_problem(client):
    from tandem.partnerships.models import PartnershipDocument
    from tests.factories import pdf_upload

    school = InstitutionFactory()
    partnership = PartnershipFactory(institutions=[school])
    coordinator = member(school, Role.COORDINATOR)
    response = client.post(
        f"/api/v1/partnerships/{partnership.public_id}/documents",
        {"title": "Plan\x00", "kind": "mou", "file": pdf_upload()},
        **_bearer(coordinator),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"title": ["Must not contain NUL characters."]}
    assert PartnershipDocument.objects.count() == 0


def _operations() -> list[tuple[str, str, list[dict]]]:
    """(method, path, parameters) of every operation in the live OpenAPI document."""
    from tandem.api.main import api

    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            params = [p for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
            found.append((method, path, params))
    return sorted(found, key=lambda o: (o[1], o[0]))


def _with_ids(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(uuid.uuid4()), path)


def test_the_document_has_operations_with_parameters():
    operations = _operations()
    assert len(operations) >= 100
    assert sum(1 for _m, _p, params in operations if params) >= 50


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [o for o in _operations() if o[2]],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_nul_in_each_parameter_of_every_operation_is_a_400_problem(
    client, admin, method, path, params
):
    auth = _bearer(admin)
    for param in params:
        url = _with_ids(path)
        query = ""
        if param["in"] == "path":
            url = _with_ids(path.replace("{" + param["name"] + "}", "a%00b"))
        else:
            query = f"?{param['name']}=a%00b"
        response = client.generic(
            method.upper(), url + query, "{}", content_type="application/json", **auth
        )
        assert response.status_code == 400, (method, path, param["name"])
        assert response["Content-Type"] == PROBLEM
        field = "path" if param["in"] == "path" else param["name"]
        assert response.json()["errors"] == {field: ["Must not contain NUL characters."]}


# --- Lone surrogates in JSON bodies ------------------------------------------------------------
@pytest.mark.parametrize("raw", ['{"name": "x\\ud800"}', '{"name": "ok", "x\\udfff": 1}'])
def test_a_lone_surrogate_in_a_json_body_is_a_400(client, settings, admin, raw):
    settings.DEBUG = True  # the reason is shown in debug mode only, as for malformed JSON
    auth = _bearer(admin)
    response = client.post(TOKENS, raw, content_type="application/json", **auth)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "lone surrogates" in response.json()["detail"]
    assert ApiToken.objects.count() == 1


def test_a_deeply_nested_json_body_is_a_400(client, admin):
    auth = _bearer(admin)
    for raw in ("[" * 100_000, '{"name": ' + "[" * 900 + "]" * 900 + "}"):
        response = client.post(TOKENS, raw, content_type="application/json", **auth)
        assert response.status_code in (400, 422)
    assert ApiToken.objects.count() == 1


# --- JSON bodies declared as something else ----------------------------------------------------
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data"],
)
def test_a_json_body_with_another_content_type_is_415(client, admin, content_type):
    auth = _bearer(admin)
    body = '{"name": "ci"}'
    if content_type == "multipart/form-data":
        content_type = "multipart/form-data; boundary=XX"
        body = '--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nci\r\n--XX--\r\n'
    response = client.post(TOKENS, body, content_type=content_type, **auth)
    assert response.status_code == 415
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Unsupported media type"
    assert ApiToken.objects.count() == 1


def test_json_and_json_suffixed_types_are_accepted(client, admin):
    auth = _bearer(admin)
    for content_type in ("application/json", "application/json; charset=utf-8"):
        response = client.post(TOKENS, '{"name": "ci"}', content_type=content_type, **auth)
        assert response.status_code == 201
    response = client.post(
        TOKENS, '{"name": "ci"}', content_type="application/merge-patch+json", **auth
    )
    assert response.status_code == 201


def test_multipart_uploads_still_accept_multipart(client):
    from tandem.partnerships.models import PartnershipDocument
    from tests.factories import pdf_upload

    school = InstitutionFactory()
    partnership = PartnershipFactory(institutions=[school])
    coordinator = member(school, Role.COORDINATOR)
    response = client.post(
        f"/api/v1/partnerships/{partnership.public_id}/documents",
        {"title": "Plan", "kind": "mou", "file": pdf_upload()},
        **_bearer(coordinator),
    )
    assert response.status_code == 201, response.content
    assert PartnershipDocument.objects.count() == 1


# --- Dates at the edges of the calendar --------------------------------------------------------
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_an_audit_date_at_the_edge_is_a_422_naming_the_field(client, admin, value):
    for name in ("date_to", "date_from"):
        response = client.get(f"/api/v1/audit?{name}={value}", **_bearer(admin))
        assert response.status_code == 422
        assert response["Content-Type"] == PROBLEM
        assert list(response.json()["errors"]) == [name]
    assert client.get("/api/v1/audit?date_to=9999-12-30", **_bearer(admin)).status_code == 200


def test_the_audit_page_shows_a_field_error_for_9999_12_31(client, admin):
    client.force_login(admin)
    response = client.get("/audit/?date_to=9999-12-31")
    assert response.status_code < 500
    assert "Enter a date between 0001-01-02 and 9999-12-30." in response.content.decode()


def test_a_measurement_at_year_one_with_an_offset_is_a_422(client):
    from tandem.partnerships.models import KPIMeasurement
    from tests.test_partnerships_support import build_cast, objective_with_kpi

    cast = build_cast(status="active")
    _objective, kpi = objective_with_kpi(cast)
    response = client.post(
        f"/api/v1/partnerships/{cast.partnership.public_id}/kpis/{kpi.public_id}/measurements",
        {"value": "1", "measured_at": "0001-01-01T00:00:00+14:00"},
        content_type="application/json",
        **_bearer(cast.admin),
    )
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == ["measured_at"]
    assert KPIMeasurement.objects.count() == 0


def test_an_application_deadline_past_year_9999_in_utc_is_a_422(client):
    from tandem.opportunities.models import Opportunity

    cast = opportunity_cast()
    payload = {
        k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if k == "pay_amount" else v)
        for k, v in opportunity_fields().items()
    }
    valid_deadline = payload["application_deadline"]
    payload["host_id"] = str(cast.host.public_id)
    payload["application_deadline"] = "9999-12-31T23:59:59-14:00"
    response = client.post(
        "/api/v1/opportunities/",
        payload,
        content_type="application/json",
        **_bearer(cast.recruiter),
    )
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == ["application_deadline"]
    assert Opportunity.objects.count() == 0
    payload["application_deadline"] = valid_deadline
    response = client.post(
        "/api/v1/opportunities/",
        payload,
        content_type="application/json",
        **_bearer(cast.recruiter),
    )
    assert response.status_code == 201, response.content


def test_a_choice_too_large_for_a_64_bit_key_is_a_form_error(client):
    """Found by the hostile corpus: the submit form's ``pk__in`` lookup with 2**64 was a
    500 on SQLite (OverflowError)."""
    from tandem.opportunities.models import OpportunityApproval
    from tests.factories import OpportunityFactory

    cast = opportunity_cast()
    opp = OpportunityFactory(host=cast.host)
    client.force_login(cast.recruiter)
    for value in (str(2**64), str(-(2**63) - 1)):
        response = client.post(f"/opportunities/{opp.public_id}/submit/", {"institutions": value})
        assert response.status_code == 422
        assert "is not one of the available choices" in response.content.decode()
    assert OpportunityApproval.objects.count() == 0
