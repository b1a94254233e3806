"""The notifications and messaging API: the caller's own notifications and preferences; a
conversation with someone outside the partnership refused with the field named; the hourly
limit answered 429."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from tandem.notifications.services import notify
from tests.factories import PartnershipFactory, application_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    c = application_cast()
    c.partnership = PartnershipFactory(institutions=[c.institution], partners=[c.host])
    return c


def test_own_notifications_read_and_preferences(client, cast):
    notify(
        recipients=[cast.student, cast.classmate],
        kind="notifications.announcement",
        title=_("Hello"),
        dedupe_key="api",
    )
    client.force_login(cast.student)
    listed = client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in listed["items"]] == ["Hello"]
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    nid = listed["items"][0]["id"]
    assert client.post(f"/api/v1/notifications/{nid}/read").json()["read_at"]
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
    answer = client.put(
        "/api/v1/notifications/preferences/matching.result",
        {"channel": "digest"},
        content_type="application/json",
    )
    assert answer.json()["channel"] == "digest"
    prefs = {
        p["kind"]: p["channel"] for p in client.get("/api/v1/notifications/preferences").json()
    }
    assert prefs["matching.result"] == "digest"
    assert prefs["messaging.message"] == "email"
    # Someone else's notification is not found.
    client.force_login(cast.classmate)
    assert client.get(f"/api/v1/notifications/{nid}").status_code == 404


def test_conversation_with_an_outsider_refused_and_rate_limited(client, cast, settings):
    client.force_login(cast.coordinator)
    body = {
        "subject_type": "partnership",
        "subject_id": str(cast.partnership.public_id),
        "body": "Hello",
        "participant_ids": [str(cast.other_recruiter.public_id)],
    }
    refused = client.post("/api/v1/messaging/conversations", body, content_type="application/json")
    assert refused.status_code == 400
    problem = refused.json()
    assert "is not part of this partnership" in str(problem)
    body["participant_ids"] = [str(cast.recruiter.public_id)]
    started = client.post("/api/v1/messaging/conversations", body, content_type="application/json")
    assert started.status_code == 201
    conv = started.json()["id"]
    settings.MESSAGING_MESSAGES_PER_HOUR = 2
    sent = client.post(
        f"/api/v1/messaging/conversations/{conv}/messages",
        {"body": "second"},
        content_type="application/json",
    )
    assert sent.status_code == 201
    limited = client.post(
        f"/api/v1/messaging/conversations/{conv}/messages",
        {"body": "third"},
        content_type="application/json",
    )
    assert limited.status_code == 429
    client.force_login(cast.recruiter)
    mine = client.get("/api/v1/messaging/conversations").json()["items"]
    assert [(c["id"], c["unread"]) for c in mine] == [(conv, 2)]
