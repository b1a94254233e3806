"""The pair workspace and the API as each person sees them: members work in their own pair;
the coordinator sees dates and lengths, notes only when shared, and every rematch reason;
the other member never sees a rematch reason; bad input answers 400 with the field's message
and writes nothing; an ended pair offers no forms and refuses writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.mentoring import services
from tandem.mentoring.models import PairGoal, PairSession
from tests.mentoring_support import mentoring_cast

pytestmark = pytest.mark.django_db


def _page(client, user, pair) -> str:
    client.force_login(user)
    response = client.get(f"/mentoring/pairs/{pair.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_who_sees_what_on_the_workspace(client):
    cast = mentoring_cast(2)
    pair = cast.pair
    services.session_log(
        actor=cast.mentee(),
        pair=pair,
        starts_at=timezone.now() - dt.timedelta(days=1),
        minutes=55,
        topics="Exam nerves",
        notes="Talked about the exam",
    )
    services.rematch_request_create(actor=cast.mentee(), pair=pair, reason="Hours clash")

    mentee = _page(client, cast.mentee(), pair)
    assert "Talked about the exam" in mentee and "Hours clash" in mentee
    mentor = _page(client, cast.mentor(), pair)
    assert "Talked about the exam" in mentor
    assert "Hours clash" not in mentor and "asked for a rematch" not in mentor
    coordinator = _page(client, cast.coordinator, pair)
    assert "55 min" in coordinator and "Private to the pair" in coordinator
    assert "Talked about the exam" not in coordinator and "Exam nerves" not in coordinator
    assert "Hours clash" in coordinator and "End the pair" in coordinator
    assert 'data-testid="log-form"' not in coordinator  # coordinators do not log sessions

    for user in (cast.mentor(1), cast.other_coordinator, cast.stranger):
        client.force_login(user)
        assert client.get(f"/mentoring/pairs/{pair.public_id}/").status_code == 404
    client.force_login(cast.mentor(1))
    listing = client.get("/mentoring/").content.decode()
    assert str(cast.pairs[1].public_id) in listing and str(pair.public_id) not in listing
    assert 'data-testid="health-links"' not in listing
    client.force_login(cast.coordinator)
    listing = client.get("/mentoring/").content.decode()
    assert all(str(p.public_id) in listing for p in cast.pairs)
    assert f"/mentoring/programs/{cast.program.public_id}/health/" in listing


def test_bad_input_answers_400_with_the_fields_message_and_writes_nothing(client):
    cast = mentoring_cast(1)
    client.force_login(cast.mentor())
    base = f"/mentoring/pairs/{cast.pair.public_id}"
    response = client.post(
        f"{base}/sessions/",
        {"starts_at": "2026-01-05T10:00", "minutes": "900", "notes": "x"},
    )
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 600." in response.content.decode()
    response = client.post(f"{base}/schedule/", {"starts_at": "", "minutes": "30"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"{base}/schedule/", {"starts_at": when, "minutes": "30"})
    assert response.status_code == 400
    assert "Give a place or a video link." in response.content.decode()
    response = client.post(f"{base}/goals/", {"title": "", "progress": "20"})
    assert response.status_code == 400
    assert not PairSession.objects.exists() and not PairGoal.objects.exists()

    response = client.post(
        f"{base}/schedule/", {"starts_at": when, "minutes": "30", "place": "Lab"}
    )
    assert response.status_code == 302
    assert PairSession.objects.get().status == "scheduled"


def test_an_ended_pair_shows_no_forms_and_refuses_writes(client):
    cast = mentoring_cast(1)
    services.pair_close(actor=cast.coordinator, pair=cast.pair, reason="Program ended")
    html = _page(client, cast.mentee(), cast.pair)
    assert 'data-testid="pair-ended"' in html and "Program ended" in html
    assert 'data-testid="schedule-form"' not in html and "Add the goal" not in html
    assert "Closing reflection" in html
    response = client.post(f"/mentoring/pairs/{cast.pair.public_id}/goals/", {"title": "Late"})
    assert response.status_code == 400 and "read-only" in response.content.decode()
    assert not PairGoal.objects.exists()
    response = client.post(
        f"/mentoring/pairs/{cast.pair.public_id}/reflection/", {"rating": "4", "went_well": "Yes"}
    )
    assert response.status_code == 302


def test_api_goals_sessions_and_privacy(client):
    cast = mentoring_cast(1)
    api = f"/api/v1/mentoring/pairs/{cast.pair.public_id}"
    client.force_login(cast.mentee())
    response = client.post(
        f"{api}/goals", {"title": "Apply", "progress": 30}, content_type="application/json"
    )
    assert response.status_code == 201
    goal_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/mentoring/goals/{goal_id}", {"status": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400 and "status" in response.json()["errors"]
    response = client.patch(
        f"/api/v1/mentoring/goals/{goal_id}", {"progress": 60}, content_type="application/json"
    )
    assert response.json()["progress"] == 60
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"{api}/sessions", {"starts_at": past, "minutes": 3}, content_type="application/json"
    )
    assert response.status_code == 400 and "minutes" in response.json()["errors"]
    for notes, shared in (("Secret", False), ("Open", True)):
        response = client.post(
            f"{api}/sessions",
            {"starts_at": past, "minutes": 30, "notes": notes, "shared_with_coordinator": shared},
            content_type="application/json",
        )
        assert response.status_code == 201
    client.force_login(cast.coordinator)
    seen = sorted((s["notes"] or "") for s in client.get(f"{api}/sessions").json())
    assert seen == ["", "Open"]
    response = client.post(f"{api}/goals", {"title": "Mine"}, content_type="application/json")
    assert response.status_code == 403
    client.force_login(cast.stranger)
    assert client.get(api).status_code == 404
    assert client.get("/api/v1/mentoring/pairs").json() == []
