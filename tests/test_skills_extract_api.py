"""Skill extraction on demand: ``POST /api/v1/skills/extract`` and the "Try the skill
extractor" page — answers, bad input, anonymous callers, the rate limit, queued semantic
requests and who may read them. No model is loaded here (semantic jobs are only queued)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.skills.models import EscoRelease, SkillConcept, SkillExtraction, SkillLabel
from tandem.skills.services import reset_extractor

URL = "/api/v1/skills/extract"
PASSWORD = "correct-horse-battery"
TEXT = "We need a developer who writes Python daily.\nYou will negotiate contracts with vendors."


@pytest.fixture
def taxonomy(db):
    reset_extractor()
    concepts = {}
    for label, alts in (
        ("negotiate contracts", ["contract bargaining"]),
        ("Python (computer programming)", ["Python"]),
        ("use spreadsheets software", ["work with spreadsheets"]),
    ):
        cid = uuid.uuid4()
        c = SkillConcept.objects.create(
            uri=f"http://data.europa.eu/esco/skill/{cid}",
            esco_id=cid,
            preferred_label=label,
            kind="skill",
        )
        SkillLabel.objects.create(concept=c, label=label, search=label.lower(), is_preferred=True)
        for a in alts:
            SkillLabel.objects.create(concept=c, label=a, search=a.lower())
        concepts[label] = c
    EscoRelease.objects.create(
        version="1.1.1",
        source="test",
        fingerprint="x",
        concept_count=3,
        label_count=6,
        group_count=0,
        occupation_count=0,
    )
    yield concepts
    reset_extractor()


@pytest.fixture
def user(db):
    return User.objects.create_user("reader@example.org", PASSWORD, full_name="Reader")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def _post(client, body, **extra):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


def test_lexical_extraction_answers_at_once_with_evidence(signed_in, taxonomy):
    r = _post(signed_in, {"text": TEXT, "mode": "lexical", "limit": 5})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "done" and body["mode"] == "lexical"
    by_label = {s["label"]: s for s in body["skills"]}
    assert set(by_label) == {"Python (computer programming)", "negotiate contracts"}
    py = by_label["Python (computer programming)"]
    assert py["uri"] == taxonomy["Python (computer programming)"].uri
    assert py["evidence"][0]["text"] == "Python"
    start, end = py["evidence"][0]["start"], py["evidence"][0]["end"]
    assert TEXT[start:end] == "Python"
    assert py["sentence"] == "We need a developer who writes Python daily."
    assert by_label["negotiate contracts"]["sentence"].startswith("You will negotiate contracts")
    assert not SkillExtraction.objects.exists()  # lexical requests store nothing


def test_the_limit_caps_the_answer(signed_in, taxonomy):
    r = _post(signed_in, {"text": TEXT, "limit": 1})
    assert r.status_code == 200
    assert len(r.json()["skills"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "x" * 20_001}, "text"),
        ({"text": "   "}, "text"),
        ({"mode": "lexical"}, "text"),
        ({"text": "Python", "mode": "magic"}, "mode"),
        ({"text": "Python", "limit": 0}, "limit"),
        ({"text": "Python", "limit": 51}, "limit"),
    ],
)
def test_bad_input_is_refused_with_a_field_message(signed_in, taxonomy, body, field):
    r = _post(signed_in, body)
    assert 400 <= r.status_code < 500, r.status_code
    assert r["Content-Type"] == "application/problem+json"
    assert field in r.json()["errors"], r.json()
    assert not SkillExtraction.objects.exists()


def test_anonymous_callers_are_refused(client, taxonomy):
    r = _post(client, {"text": TEXT})
    assert r.status_code == 401
    page = client.get(reverse("skills:try"))
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_requests_are_rate_limited_per_person(signed_in, taxonomy, settings, client):
    settings.SKILLS_EXTRACTIONS_PER_HOUR = 2
    assert _post(signed_in, {"text": TEXT}).status_code == 200
    assert _post(signed_in, {"text": TEXT}).status_code == 200
    r = _post(signed_in, {"text": TEXT})
    assert r.status_code == 429
    assert "times this hour" in r.json()["detail"]
    # The page counts towards the same limit.
    page = signed_in.post(reverse("skills:try"), {"text": TEXT, "mode": "lexical", "limit": 5})
    assert page.status_code == 429
    # Another person has their own allowance.
    other = User.objects.create_user("other@example.org", PASSWORD, full_name="Other")
    client.force_login(other)
    assert _post(client, {"text": TEXT}).status_code == 200


@pytest.fixture
def queued_only(settings):
    """Jobs are stored for a worker, not run (no model is loaded in these tests)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "extraction"],
        }
    }


def test_a_semantic_request_is_queued_and_read_by_its_owner_only(
    signed_in, taxonomy, queued_only, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(signed_in, {"text": TEXT, "mode": "combined", "limit": 3})
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "queued" and body["skills"] == []
    row = SkillExtraction.objects.get()
    assert str(row.public_id) == body["extraction_id"]
    assert (row.mode, row.limit, row.text) == ("combined", 3, TEXT)
    polled = signed_in.get(body["result_url"])
    assert polled.status_code == 200 and polled.json()["status"] == "queued"
    page = signed_in.get(reverse("skills:try") + f"?extraction={row.public_id}")
    assert page.status_code == 200
    assert b"runs in the background" in page.content
    # Someone else cannot read it.
    other = User.objects.create_user("other@example.org", PASSWORD, full_name="Other")
    client.force_login(other)
    assert client.get(body["result_url"]).status_code == 404
    assert client.get(reverse("skills:try") + f"?extraction={row.public_id}").status_code == 404


def test_the_worker_task_stores_the_result(signed_in, taxonomy, user, settings):
    """The task's bookkeeping, run in lexical mode (the worker without the ML extra)."""
    from tandem.skills.services import reset_batch_extractor, skill_extraction_run

    settings.EXTRACTION_JOB_MODE = "lexical"
    reset_batch_extractor()
    row = SkillExtraction.objects.create(
        public_id=uuid.uuid4(), requested_by=user, text=TEXT, mode="lexical", limit=5
    )
    assert skill_extraction_run(row.pk) == "done"
    row.refresh_from_db()
    assert {s["label"] for s in row.skills} == {
        "Python (computer programming)",
        "negotiate contracts",
    }
    assert row.finished_at is not None
    page = signed_in.get(reverse("skills:try") + f"?extraction={row.public_id}")
    assert b"<mark" in page.content
    reset_batch_extractor()


def test_semantic_modes_are_refused_where_the_worker_has_none(signed_in, taxonomy, settings):
    settings.EXTRACTION_JOB_MODE = "lexical"
    r = _post(signed_in, {"text": TEXT, "mode": "semantic"})
    assert r.status_code == 400
    assert "mode" in r.json()["errors"]


def test_the_page_shows_skills_with_highlighted_evidence_and_the_credit(signed_in, taxonomy):
    page = signed_in.get(reverse("skills:try"))
    assert page.status_code == 200
    assert b"This service uses the ESCO classification" in page.content
    r = signed_in.post(reverse("skills:try"), {"text": TEXT, "mode": "lexical", "limit": 5})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Python (computer programming)" in html
    assert '<mark title="Python (computer programming)">Python</mark>' in html
    assert "This service uses the ESCO classification" in html


def test_the_page_refuses_bad_input_with_field_messages(signed_in, taxonomy):
    r = signed_in.post(reverse("skills:try"), {"text": "x" * 20_001, "mode": "lexical", "limit": 5})
    assert r.status_code == 422
    assert b"at most 20000 characters" in r.content or b"at most 20,000" in r.content
