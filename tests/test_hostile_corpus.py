"""A hostile-input corpus over every operation of the OpenAPI document and the HTML forms:
0 server errors, on SQLite and on PostgreSQL.

Signed in as a platform admin (who may see and change everything) in a small world with one
object of each kind, so path parameters carry real ids and requests get past the lookups.
One representative hostile value per class and per parameter (not a cartesian product):

* path and query parameters: NUL, an encoded lone surrogate, broken UTF-8, 20,000
  characters, 9999-12-31, 0001-01-01 and 9999-12-31 with offsets, 1e309, -2**63-1, 2**64;
* each property of a JSON body (from a plausible body built from its schema): NUL, a lone
  surrogate, 100,000 characters, the extreme dates, the extreme numbers, a list and an
  object where a scalar is expected;
* each JSON body as a whole: 10,000 levels of nesting, 2 MB, malformed JSON, a lone
  surrogate in a key, and text/plain, application/xml, form-encoded and multipart bodies;
* each multipart upload: broken CSV (NUL, CR only, a bare CR, a field over 128 KB), deeply
  nested JSON, random bytes, a damaged PDF, under .csv, .json and .pdf names;
* each HTML form that a GET shows: every field at once set to each hostile text.

Each request runs in a savepoint rolled back afterwards, so each meets the same world.
See ``docs/development/api-fuzzing.md`` for the Schemathesis run this complements.

The HTML forms are tests/test_hostile_corpus_forms.py; the values and the world are
tests/hostile_corpus_support.py.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.factories import MINIMAL_PDF
from tests.hostile_corpus_support import (
    BODY_VALUES,
    FILES,
    PARAM_VALUES,
    RAW,
    WHOLE_BODIES,
    World,
    _quiet_request_logs,  # noqa: F401 (a fixture)
    _send,
    world,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


# --- The OpenAPI operations -----------------------------------------------------------------------
def _schema() -> dict[str, Any]:
    from tandem.api.main import api

    return api.get_openapi_schema()


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(
        (method, path, operation)
        for path, operations in _schema()["paths"].items()
        for method, operation in operations.items()
    )


def _tags() -> list[str]:
    return sorted({op.get("tags", ["-"])[0] for _m, _p, op in _operations()})


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        return _resolve(schema, options[0]) if options else {}
    return node


def _plausible(schema: dict[str, Any], node: dict[str, Any], name: str, ids: dict[str, str]):
    node = _resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        return {k: _plausible(schema, v, k, ids) for k, v in props.items()}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    fmt = node.get("format")
    if fmt == "uuid":
        return ids.get(name, str(uuid.uuid4()))
    if fmt == "date":
        return "2027-01-15"
    if fmt == "date-time":
        return "2027-01-15T09:00:00+00:00"
    return "Plausible text"


_TEXT = ("nul", "huge")
_DATES = ("date-max", "date-min-offset", "date-max-offset")
_NUMBERS = ("inf", "below-int64", "over-uint64")


def _kind(schema: dict[str, Any], node: dict[str, Any]) -> str:
    node = _resolve(schema, node)
    if node.get("format") in ("date", "date-time"):
        return "date"
    if node.get("type") in ("integer", "number"):
        return "number"
    if node.get("format") == "uuid" or "enum" in node:
        return "id"
    return node.get("type", "string")


def _param_classes(schema: dict[str, Any], param: dict[str, Any]) -> tuple[str, ...]:
    """One representative per hostile class that fits the parameter's type, plus NUL."""
    kind = _kind(schema, param.get("schema", {}))
    if kind == "date":
        return ("nul", *_DATES)
    if kind == "number":
        return ("nul", *_NUMBERS)
    if kind in ("id", "boolean"):
        return ("nul", "huge")
    return ("nul", "surrogate", "broken-utf8", "huge", "date-max")


def _body_classes(schema: dict[str, Any], node: dict[str, Any]) -> tuple[str, ...]:
    kind = _kind(schema, node)
    if kind == "date":
        return ("nul", *_DATES, "inf")
    if kind == "number":
        return (*_NUMBERS, "list")
    if kind in ("id", "boolean"):
        return ("nul", "below-int64", "object")
    if kind in ("array", "object"):
        return ("nul", "list", "object", "inf")
    return ("nul", "surrogate", "huge", "date-max", "over-uint64", "list")


def _dumps(body: Any) -> bytes:
    text = json.dumps(body)  # lone surrogates are escaped as \ud800: valid JSON text
    return re.sub(r'"\\u0001RAW\\u0001([^"]*)"', r"\1", text).encode()


def _json_body(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _multipart_body(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("multipart/form-data", {}).get("schema")


def _requests(world: World, method: str, path: str, operation: dict[str, Any]) -> Iterator:  # noqa: F811
    """(label, url, body, content type, multipart data) of each hostile request."""
    schema = _schema()
    params = [p for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
    json_schema = _json_body(operation)
    multipart = _multipart_body(operation)
    base_body = _plausible(schema, json_schema, "", world.body_ids) if json_schema else None
    base = _dumps(base_body) if base_body is not None else None

    for param in params:
        for label in _param_classes(schema, param):
            value = PARAM_VALUES[label]
            if param["in"] == "path":
                url = world.url(path, {param["name"]: value})
            else:
                url = world.url(path) + f"?{param['name']}={value}"
            yield f"{param['in']}.{param['name']}={label}", url, base, "application/json", None
    if isinstance(base_body, dict):
        props = _resolve(schema, json_schema).get("properties", {})
        for prop in base_body:
            for label in _body_classes(schema, props.get(prop, {})):
                value = BODY_VALUES[label]
                body = {**base_body, prop: value}
                yield (
                    f"body.{prop}={label}",
                    world.url(path),
                    _dumps(body),
                    "application/json",
                    None,
                )
    if json_schema is not None:
        for label, (content_type, raw) in WHOLE_BODIES.items():
            yield f"body={label}", world.url(path), raw, content_type, None
    if multipart is not None:
        node = _resolve(schema, multipart)
        props = node.get("properties", {})
        fields = {
            k: _plausible(schema, v, k, world.body_ids)
            for k, v in props.items()
            if _resolve(schema, v).get("format") != "binary"
        }
        files = [k for k, v in props.items() if _resolve(schema, v).get("format") == "binary"]
        for file_field in files:
            for label, content in FILES.items():
                for suffix in ("csv", "json", "pdf") if label != "random" else ("csv",):
                    upload = SimpleUploadedFile(f"x.{suffix}", content)
                    yield (
                        f"file.{file_field}={label}.{suffix}",
                        world.url(path),
                        None,
                        None,
                        {**fields, file_field: upload},
                    )
        for prop in fields:
            for label in ("nul", "huge", "date-min-offset", "inf"):
                value = BODY_VALUES[label]
                value = value.replace(RAW, "") if isinstance(value, str) else value
                data = {**fields, prop: value}
                for file_field in files:
                    data[file_field] = SimpleUploadedFile("x.pdf", MINIMAL_PDF)
                yield f"form.{prop}={label}", world.url(path), None, None, data


def test_the_corpus_covers_the_document():
    operations = _operations()
    assert len(operations) >= 120
    assert sum(1 for _m, _p, op in operations if _json_body(op)) >= 40
    # Uploads: partnership documents, applications (CV), clearance evidence, incident
    # evidence, due-diligence evidence, curriculum and roster imports, the CV as PDF.
    assert sum(1 for _m, _p, op in operations if _multipart_body(op)) == 8
    assert len(_tags()) >= 10


@pytest.mark.parametrize("tag", _tags())
def test_no_hostile_input_is_a_server_error_on_any_api_operation(client, world, tag):  # noqa: F811
    client.raise_request_exception = False
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world.raw_token}"}
    failures, sent, reached = [], 0, set()
    for method, path, operation in _operations():
        if operation.get("tags", ["-"])[0] != tag:
            continue
        for label, url, body, content_type, data in _requests(world, method, path, operation):
            if data is not None:
                with transaction.atomic():
                    response = client.generic(method.upper(), url, **_multipart(data), **auth)
                    transaction.set_rollback(True)
            else:
                response = _send(
                    client, method, url, body, content_type or "application/json", **auth
                )
            sent += 1
            if response.status_code < 400:
                reached.add((method, path))
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {path} [{label}] -> {response.status_code}")
    print(f"{tag}: {sent} requests, {len(reached)} operations answered < 400 at least once")
    assert sent > 0
    assert not failures, "\n".join(failures[:50])


def _multipart(data: dict[str, Any]) -> dict[str, Any]:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    clean = {k: v for k, v in data.items() if v is not None}
    for value in clean.values():
        if hasattr(value, "seek"):
            value.seek(0)
    return {"data": encode_multipart(BOUNDARY, clean), "content_type": MULTIPART_CONTENT}
