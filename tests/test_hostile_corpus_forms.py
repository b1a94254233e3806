"""The hostile-input corpus over the HTML forms (see tests/test_hostile_corpus.py): every form
that a GET shows, posted with every field at once set to each hostile text: 0 server errors."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.hostile_corpus_support import (
    FORM_VALUES,
    World,
    _quiet_request_logs,  # noqa: F401 (a fixture)
    world,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

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


def _page_url(world: World, route: str) -> str | None:  # noqa: F811
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


def test_no_hostile_form_post_is_a_server_error(client, world):  # noqa: F811
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
