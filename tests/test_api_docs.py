"""Interactive docs at /api/v1/docs, the OpenAPI document at /api/v1/openapi.json, and the
committed copy in docs/api/openapi.json (``make schema``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tandem.api.main import api

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "docs" / "api" / "openapi.json"


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_openapi_document_is_openapi_3_with_security_schemes(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Tandem API"
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Personal access token created on your account page.",
    }
    assert schemes["SessionAuth"]["type"] == "apiKey"
    assert schemes["SessionAuth"]["in"] == "cookie"
    me = schema["paths"]["/api/v1/accounts/me"]["get"]
    assert {"TokenAuth": []} in me["security"]


def test_openapi_lists_every_operation_of_every_mounted_router(schema):
    api.urls  # noqa: B018 - building the URLs binds every router
    expected: set[str] = set()
    prefixes: set[str] = set()
    for prefix, router in api._routers:
        if not prefix:
            continue
        prefixes.add(prefix.strip("/"))
        for path in router.path_operations:
            full = "/api/v1/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
            expected.add(re.sub(r"\{(\w+:)?(\w+)\}", r"{\2}", full))
    for required in (
        "accounts",
        "organizations",
        "partnerships",
        "opportunities",
        "applications",
        "audit",
    ):
        assert required in prefixes
    paths = {p.rstrip("/") for p in schema["paths"]}
    assert {p.rstrip("/") for p in expected} - paths == set()
    assert "/api/v1/accounts/me" in paths
    assert "/api/v1/audit" in paths


def test_every_operation_documents_its_errors_as_problem_json(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("operationId"), (method, path)
            assert operation.get("tags"), (method, path)


def test_interactive_docs_are_served_locally(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="swagger-ui"' in html
    assert "cdn." not in html and "https://" not in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts
    for src in scripts:
        assert src.startswith("/static/"), src
        assert client.get(src).status_code == 200


def test_export_openapi_command_writes_what_the_api_serves(client, tmp_path):
    output = tmp_path / "openapi.json"
    call_command("export_openapi", output=str(output))
    assert json.loads(output.read_text()) == client.get("/api/v1/openapi.json").json()
    assert output.read_text().endswith("}\n")


def test_committed_schema_is_up_to_date(tmp_path):
    output = tmp_path / "openapi.json"
    call_command("export_openapi", output=str(output))
    assert COMMITTED.exists(), "docs/api/openapi.json is missing: run `make schema`"
    assert COMMITTED.read_text() == output.read_text(), (
        "docs/api/openapi.json differs from the API the code serves: run `make schema` and "
        "commit the result"
    )


def _schema_classes() -> list[type]:
    from ninja import Schema

    found, todo = [], list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("tandem."):
            found.append(cls)
    return found


def test_no_two_response_or_body_schemas_share_a_component_name(schema):
    """django-ninja names a component after the class; two classes of one name (matching's
    and applications' ``OpportunityRef``) silently became one, and the API answered what its
    document contradicts (Schemathesis: 'seats is a required property')."""
    components = schema["components"]["schemas"]
    by_name: dict[str, set[str]] = {}
    for cls in _schema_classes():
        if cls.__name__ in components:
            by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}


def test_application_and_health_components_describe_what_they_answer(schema):
    components = schema["components"]["schemas"]
    assert sorted(components["OpportunityRef"]["required"]) == ["host", "id", "title"]
    assert sorted(components["ReasonOut"]["required"]) == [
        "code",
        "component",
        "counted",
        "points",
        "text",
        "weight",
    ]
    assert "seats" in components["RoundOpportunityRef"]["required"]
    assert "opportunity" in components["MatchReasonOut"]["required"]
