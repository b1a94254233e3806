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
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tandem.accounts.services import api_token_create
from tests.factories import (
    MINIMAL_PDF,
    LearningOutcomeFactory,
    OutcomeSkillFactory,
    application_at,
    application_cast,
    match_round_cast,
    small_taxonomy,
    survey_cast,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db

# --- Hostile values ---------------------------------------------------------------------------
PARAM_VALUES = {  # already URL-encoded
    "nul": "a%00b",
    "surrogate": "%ED%A0%80",
    "broken-utf8": "%FF%FE",
    "huge": "x" * 20_000,
    "date-max": "9999-12-31",
    "date-min-offset": "0001-01-01T00:00:00%2B14:00",
    "date-max-offset": "9999-12-31T23:59:59-14:00",
    "inf": "1e309",
    "below-int64": str(-(2**63) - 1),
    "over-uint64": str(2**64),
}
RAW = "\x01RAW\x01"  # marks a value spliced into the JSON text as is
BODY_VALUES: dict[str, Any] = {
    "nul": "a\x00b",
    "surrogate": "x\ud800",
    "huge": "x" * 100_000,
    "date-max": "9999-12-31",
    "date-min-offset": "0001-01-01T00:00:00+14:00",
    "date-max-offset": "9999-12-31T23:59:59-14:00",
    "inf": RAW + "1e309",
    "below-int64": -(2**63) - 1,
    "over-uint64": 2**64,
    "list": ["a\x00b", -(2**63) - 1],
    "object": {"a": "9999-12-31"},
}
WHOLE_BODIES: dict[str, tuple[str, bytes]] = {
    "deep": ("application/json", b'{"a": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"),
    "2MB": ("application/json", json.dumps({"x": "y" * (2 * 1024 * 1024)}).encode()),
    "malformed": ("application/json", b'{"a": '),
    "surrogate-key": ("application/json", b'{"\\udfff": 1}'),
    "text/plain": ("text/plain", b'{"name": "x"}'),
    "xml": ("application/xml", b"<name>x</name>"),
    "form": ("application/x-www-form-urlencoded", b"name=x&title=y"),
    "multipart": (
        "multipart/form-data; boundary=XX",
        b'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XX--\r\n',
    ),
}
BIG = b"x" * (140 * 1024)
FILES: dict[str, bytes] = {
    "nul": b"title,description,date,sector,region,email,completed_on\na\x00,b,,c,d,e,f\n",
    "cr-only": b"title,description,date,sector,region\rA,d,2026-01-01,s,r\r",
    "bare-cr": b"title,description,date,sector,region\nA\rB,d,,s,r\n",
    "huge-field": b"title,description,date,sector,region\nA," + BIG + b",,s,r\n",
    "deep-json": b"[" * 100_000,
    "random": bytes(range(256)) * 4,
    "damaged-pdf": MINIMAL_PDF[: len(MINIMAL_PDF) // 2] + b"\x00" * 64,
}
FORM_VALUES = {
    "nul": "a\x00b",
    "huge": "x" * 100_000,
    "date-max": "9999-12-31",
    "date-min-offset": "0001-01-01T00:00:00+14:00",
    "number": "1e309",
    "big-int": str(2**64),
}


# --- The world ----------------------------------------------------------------------------------
class World:
    """One object of each kind and the ids the paths need, consistent where nested."""

    def __init__(self) -> None:
        from tandem.curricula.models import ExtractionJob, PostingImport
        from tandem.matching import services as matching
        from tandem.organizations.models import Membership
        from tandem.partnerships import services as partnerships
        from tandem.partnerships.models import KPI
        from tandem.surveys import services as surveys

        concepts = small_taxonomy()
        mc = match_round_cast()
        ac = application_cast()
        sc = survey_cast()
        self.admin = ac.admin
        now = timezone.now()
        match_round = matching.round_create(
            actor=mc.coordinator,
            institution=mc.institution,
            title="Round",
            opportunities=[mc.a, mc.b, mc.c],
            student_deadline=now + dt.timedelta(days=1),
            partner_deadline=now + dt.timedelta(days=2),
        )
        kpi = KPI.objects.select_related("objective__partnership").get(pk=mc.kpi.pk)
        partnership = kpi.objective.partnership
        commitment = partnerships.commitment_create(
            actor=self.admin,
            partnership=partnership,
            organization=mc.h1,
            kind="funding",
            description="Bursaries",
            amount=1000,
            currency="GBP",
        )
        item = partnerships.action_item_create(
            actor=self.admin, partnership=partnership, description="Book rooms"
        )
        application = application_at(ac, "submitted")
        survey = survey_with_questions(sc.institution)
        invitation = surveys.invitation_create(actor=None, survey=survey, user=sc.student)
        mapping = OutcomeSkillFactory(
            outcome=LearningOutcomeFactory(), concept=next(iter(concepts.values()))
        )
        outcome = mapping.outcome
        course = outcome.course
        program = course.program
        posting_import = PostingImport.objects.create(
            institution=program.institution, filename="jobs.csv", format="csv"
        )
        job = ExtractionJob.objects.filter().first()
        token, self.raw_token = api_token_create(actor=self.admin, name="corpus")
        other_token, _raw = api_token_create(actor=self.admin, name="other")
        membership = Membership.objects.filter(organization=mc.institution).first()
        assert membership is not None
        self.ids: dict[str, str] = {
            "token_id": str(other_token.public_id),
            "org_id": str(mc.institution.public_id),
            "membership_id": str(membership.public_id),
            "partner_id": str(mc.h1.public_id),
            "institution_id": str(mc.institution.public_id),
            "partnership_id": str(partnership.public_id),
            "objective_id": str(kpi.objective.public_id),
            "kpi_id": str(kpi.public_id),
            "commitment_id": str(commitment.public_id),
            "item_id": str(item.public_id),
            "opp_id": str(application.opportunity.public_id),
            "application_id": str(application.public_id),
            "survey_id": str(survey.public_id),
            "invitation_id": str(invitation.public_id),
            "program": "Computer Science",
            "round_id": str(match_round.public_id),
            "opportunity_id": str(mc.a.public_id),
            "program_id": str(program.public_id),
            "course_id": str(course.public_id),
            "outcome_id": str(outcome.public_id),
            "mapping_id": str(mapping.public_id),
            "import_id": str(posting_import.public_id),
            "job_id": str(job.public_id) if job else str(uuid.uuid4()),
            "student_id": str(ac.student.public_id),
        }
        # Body fields that name objects (see scripts/api_fuzz.py BINDINGS).
        self.body_ids = {
            "institution_id": str(mc.institution.public_id),
            "institution": str(mc.institution.public_id),
            "host_id": str(mc.h1.public_id),
            "organization_id": str(mc.h1.public_id),
            "partnership_id": str(partnership.public_id),
            "program_id": str(program.public_id),
            "course_id": str(course.public_id),
            "student_id": str(ac.student.public_id),
            "user_id": str(ac.coordinator.public_id),
            "opportunity_id": str(mc.a.public_id),
            "import_id": str(posting_import.public_id),
        }
        self.token = token

    def url(self, path: str, replace: dict[str, str] | None = None) -> str:
        replace = replace or {}
        return re.sub(
            r"\{(\w+)\}",
            lambda m: replace.get(m.group(1), self.ids.get(m.group(1), str(uuid.uuid4()))),
            path,
        )


@pytest.fixture(autouse=True)
def _quiet_request_logs():
    """Thousands of 4xx answers are expected: don't spend the run formatting their logs."""
    loggers = [logging.getLogger(n) for n in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def world(settings) -> World:
    # Queued work (extraction, notifications) is not under test: a backend that keeps it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "whitenoise" not in m]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    return World()


def _send(client, method: str, url: str, body: bytes | None, content_type: str, **extra):
    """One request in a savepoint that is rolled back: every request meets the same world."""
    with transaction.atomic():
        response = client.generic(
            method.upper(), url, body or b"", content_type=content_type, **extra
        )
        transaction.set_rollback(True)
    return response


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


def _requests(world: World, method: str, path: str, operation: dict[str, Any]) -> Iterator:
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
    assert sum(1 for _m, _p, op in operations if _multipart_body(op)) == 4
    assert len(_tags()) >= 10


@pytest.mark.parametrize("tag", _tags())
def test_no_hostile_input_is_a_server_error_on_any_api_operation(client, world, tag):
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


# --- The HTML forms -------------------------------------------------------------------------------
_FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"[^>]*>')
_FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
_ACTION = re.compile(r'<form\b[^>]*action="([^"]*)"', re.I)


def _page_paths(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every page URL pattern outside /api/ and the admin, with ``<converter:name>`` kept."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(("api/", "admin/", "django-admin/")):
                continue
            found.extend(_page_paths(entry, route))
        elif isinstance(entry, URLPattern):
            found.append("/" + route.lstrip("^").rstrip("$"))
    return sorted(set(found))


# Pages name their object ``<uuid:public_id>``; the segment before it says what it is.
_PAGE_OBJECTS = {
    "partnerships": "partnership_id",
    "surveys": "survey_id",
    "programs": "program_id",
    "opportunities": "opp_id",
    "outcomes": "outcome_id",
    "courses": "course_id",
    "organizations": "org_id",
    "institutions": "institution_id",
    "partners": "partner_id",
    "applications": "application_id",
    "rounds": "round_id",
    "extraction-jobs": "job_id",
    "imports": "import_id",
    "mappings": "mapping_id",
    "students": "student_id",
}


def _page_url(world: World, route: str) -> str | None:
    url = route
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        key = name
        if name == "public_id":
            before = re.search(r"([\w-]+)/<uuid:public_id>", route)
            key = _PAGE_OBJECTS.get(before.group(1), "") if before else ""
        value = world.ids.get(key)
        if value is None:
            return None
        url = url.replace(f"<{converter}:{name}>" if converter else f"<{name}>", value)
    return None if re.search(r"[\^\\(\[]", url) else url


def test_no_hostile_form_post_is_a_server_error(client, world):
    client.raise_request_exception = False
    client.force_login(world.admin)
    failures, forms = [], 0
    for route in _page_paths():
        url = _page_url(world, route)
        if url is None or "logout" in url or "erase" in url:
            continue
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        html = page.content.decode()
        for form_match in _FORM.finditer(html):
            action = _ACTION.search(form_match.group(0))
            target = action.group(1) if action and action.group(1) else url
            names = [n for n in _FIELD.findall(form_match.group(1)) if n != "csrfmiddlewaretoken"]
            if not names or not target.startswith("/"):
                continue
            forms += 1
            for label, value in FORM_VALUES.items():
                data = {n: value for n in names}
                with transaction.atomic():
                    response = client.post(target.replace("&amp;", "&"), data)
                    transaction.set_rollback(True)
                if response.status_code >= 500:
                    failures.append(f"POST {target} [{label}] -> {response.status_code}")
    print(f"forms: {forms}")
    assert forms >= 5
    assert not failures, "\n".join(failures[:50])
