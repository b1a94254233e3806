"""Events' pages: list, detail with the waiting-list position and the QR code, register twice
refused, check-in page messages, create, speaker requests and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.events import services
from tandem.events.models import Event, Registration
from tests.factories import event_cast, small_taxonomy

pytestmark = pytest.mark.django_db


def test_student_registers_and_sees_waitlist_position(client):
    cast = event_cast(capacity=1, students=3)
    services.registration_create(actor=cast.students[0], event=cast.event)
    services.registration_create(actor=cast.students[1], event=cast.event)
    student = cast.students[2]
    client.force_login(student)
    listing = client.get(reverse("events:list"))
    assert listing.status_code == 200 and cast.event.title in listing.text
    url = reverse("events:detail", args=[cast.event.public_id])
    assert "Join the waiting list" in client.get(url).text
    response = client.post(reverse("events:register", args=[cast.event.public_id]))
    assert response.status_code == 302
    page = client.get(url).text
    assert "You are on the waiting list: number 2." in page
    again = client.post(reverse("events:register", args=[cast.event.public_id]))
    assert again.status_code == 409
    assert "You are already registered for this event." in again.text
    assert Registration.objects.filter(event=cast.event, user=student).count() == 1


def test_confirmed_student_sees_qr_code_and_organiser_checks_in(client):
    cast = event_cast()
    reg = services.registration_create(actor=cast.students[0], event=cast.event)
    client.force_login(cast.students[0])
    page = client.get(reverse("events:detail", args=[cast.event.public_id])).text
    assert 'src="data:image/svg+xml' in page
    token = services.checkin_token(reg)
    assert token in page
    # The student may not open the check-in page.
    assert client.get(reverse("events:check_in", args=[cast.event.public_id])).status_code == 403
    client.force_login(cast.coordinator)
    url = reverse("events:check_in", args=[cast.event.public_id])
    ok = client.post(url, {"token": token})
    assert ok.status_code == 200
    assert f"{cast.students[0].full_name} is checked in." in ok.text
    twice = client.post(url, {"token": token})
    assert twice.status_code == 409 and "Already checked in at" in twice.text
    bad = client.post(url, {"token": "nonsense"})
    assert bad.status_code == 400 and "not a valid check-in code" in bad.text


def test_coordinator_creates_and_publishes(client):
    cast = event_cast()
    client.force_login(cast.educator)
    response = client.post(
        reverse("events:create"),
        {
            "institution": cast.inst.pk,
            "kind": "workshop",
            "mode": "hybrid",
            "title": "CV workshop",
            "time_zone": "Europe/Paris",
            "starts_at": "2031-03-10T14:00",
            "ends_at": "2031-03-10T16:00",
            "location": "Room 4",
            "join_url": "https://meet.example.org/cv",
            "capacity": "20",
        },
    )
    assert response.status_code == 302, response.text
    event = Event.objects.get(title="CV workshop")
    assert event.status == "draft"
    assert event.local_start.hour == 14 and event.starts_at.astimezone(dt.UTC).hour == 13
    client.post(reverse("events:publish", args=[event.public_id]))
    assert Event.objects.get(pk=event.pk).status == "published"
    bad = client.post(
        reverse("events:create"),
        {
            "institution": cast.inst.pk,
            "kind": "workshop",
            "mode": "virtual",
            "title": "x",
            "time_zone": "UTC",
            "starts_at": "2031-03-10T14:00",
            "ends_at": "2031-03-10T13:00",
            "capacity": "5",
        },
    )
    assert bad.status_code == 422
    assert "The event must end after it starts." in bad.text


def test_student_of_another_institution_gets_404(client):
    cast = event_cast()
    from tests.factories import InstitutionFactory, member

    client.force_login(member(InstitutionFactory(), "student"))
    assert client.get(reverse("events:detail", args=[cast.event.public_id])).status_code == 404
    assert client.post(reverse("events:register", args=[cast.event.public_id])).status_code == 404


def test_speaker_request_flow(client):
    cast = event_cast()
    concepts = small_taxonomy()
    client.force_login(cast.speaker)
    saved = client.post(
        reverse("events:speaker_profile"),
        {"topics": "databases", "skills": "SQL\nNot a skill", "available": "on"},
    )
    assert saved.status_code == 422 and "Not ESCO skills: Not a skill" in saved.text
    client.post(
        reverse("events:speaker_profile"),
        {"topics": "databases", "skills": "SQL", "available": "on"},
    )
    client.force_login(cast.coordinator)
    found = client.get(
        reverse("events:speaker_request_new"), {"institution": cast.inst.pk, "topic": "SQL"}
    )
    assert cast.speaker.full_name in found.text
    assert "ESCO skills that match: SQL" in found.text
    sent = client.post(
        reverse("events:speaker_request_new"),
        {
            "institution": cast.inst.pk,
            "topic": "SQL",
            "speaker": str(cast.speaker_membership.public_id),
        },
    )
    assert sent.status_code == 302
    from tandem.events.models import SpeakerRequest

    request = SpeakerRequest.objects.get()
    assert request.reasons[0] == "ESCO skills that match: SQL"
    assert list(request.skills.all()) == [concepts["SQL"]]
    client.force_login(cast.speaker)
    client.post(
        reverse("events:speaker_request_answer", args=[request.public_id]), {"decision": "accept"}
    )
    assert SpeakerRequest.objects.get().status == "accepted"


def test_api_register_twice_and_check_in(client):
    cast = event_cast()
    client.force_login(cast.students[0])
    url = f"/api/v1/events/{cast.event.public_id}/registrations"
    first = client.post(url)
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    second = client.post(url)
    assert second.status_code == 409
    assert second.json()["detail"] == "You are already registered for this event."
    reg = Registration.objects.get(event=cast.event, user=cast.students[0])
    client.force_login(cast.coordinator)
    check = client.post(
        f"/api/v1/events/{cast.event.public_id}/check-in",
        {"token": services.checkin_token(reg)},
        content_type="application/json",
    )
    assert check.status_code == 200 and check.json()["checked_in_at"]
    assert (
        client.get(f"/api/v1/events/{cast.event.public_id}/registrations").json()[0]["name"]
        == cast.students[0].full_name
    )


def test_list_page_query_count(client, django_assert_max_num_queries):
    cast = event_cast()
    for i in range(5):
        from tests.factories import published_event

        published_event(
            cast.inst,
            title=f"Event {i}",
            starts_at=timezone.now() + dt.timedelta(days=i + 1),
            ends_at=timezone.now() + dt.timedelta(days=i + 1, hours=1),
        )
    client.force_login(cast.students[0])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("events:list")).status_code == 200


def test_times_are_shown_in_the_event_zone(client):
    import zoneinfo

    start = dt.datetime(2031, 7, 15, 14, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    cast = event_cast(
        starts_at=start, ends_at=start + dt.timedelta(hours=1), time_zone="America/New_York"
    )
    client.force_login(cast.students[0])
    page = client.get(reverse("events:detail", args=[cast.event.public_id])).text
    assert "Tuesday 15 July 2031, 14:00 – 15:00 (America/New_York)" in page
    assert "15 Jul 2031, 14:00 (America/New_York)" in client.get(reverse("events:list")).text
