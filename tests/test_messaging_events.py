"""Conversations about an event: between its organisers, speakers and the people registered
or waiting; outsiders refused with a clear message; the institution's student-messaging rule;
a message's own % signs are text."""

from __future__ import annotations

import pytest

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.events import services as events
from tandem.messaging.models import Conversation
from tandem.messaging.services import conversation_start, message_send
from tandem.notifications.models import Notification
from tests.factories import event_cast, member

pytestmark = pytest.mark.django_db


def _start(cast, actor, participants, body="See you there"):
    return conversation_start(
        actor=actor,
        subject_type="event",
        subject_id=str(cast.event.public_id),
        title="",
        body=body,
        participants=participants,
    )


def test_organiser_writes_to_the_registered_and_outsiders_are_refused():
    cast = event_cast(capacity=1, students=3)
    confirmed, waiting, outsider = cast.students
    events.registration_create(actor=confirmed, event=cast.event)
    events.registration_create(actor=waiting, event=cast.event)
    conv = _start(cast, cast.coordinator, [confirmed, waiting, cast.speaker])
    assert conv.title == cast.event.title
    assert {p.user_id for p in conv.participants.all()} == {
        cast.coordinator.pk,
        confirmed.pk,
        waiting.pk,
        cast.speaker.pk,
    }
    note = Notification.objects.get(recipient=confirmed, kind="messaging.message")
    assert note.link == f"/messages/{conv.public_id}/"
    # A student of the institution who did not register is not part of the event,
    with pytest.raises(DomainError) as refused:
        _start(cast, cast.coordinator, [outsider])
    assert "is not part of this event" in refused.value.message
    # and cannot start a conversation about it.
    with pytest.raises(PermissionDeniedError):
        _start(cast, outsider, [cast.coordinator])
    # Someone who cancelled has left the event.
    registration = events.registration_create(actor=outsider, event=cast.event)
    events.registration_cancel(actor=outsider, registration=registration)
    with pytest.raises(DomainError):
        _start(cast, cast.coordinator, [outsider])
    assert Conversation.objects.count() == 1


def test_a_speaker_follows_the_institution_rule_for_students():
    cast = event_cast(capacity=2, students=1)
    [student] = cast.students
    events.registration_create(actor=student, event=cast.event)
    # The speaker is a partner's mentor, not its recruiter or supervisor: only the
    # institution's staff may start a conversation with its students for them.
    with pytest.raises(PermissionDeniedError, match="only its staff"):
        _start(cast, cast.speaker, [student])
    # The speaker may write to the organisers, and the student to the speaker.
    _start(cast, cast.speaker, [cast.educator])
    _start(cast, student, [cast.speaker])


def test_a_draft_event_has_no_conversations():
    cast = event_cast()
    from tests.factories.events import event_fields

    draft = events.event_create(actor=cast.coordinator, institution=cast.inst, **event_fields())
    with pytest.raises(PermissionDeniedError):
        conversation_start(
            actor=cast.coordinator,
            subject_type="event",
            subject_id=str(draft.public_id),
            title="",
            body="x",
            participants=[cast.educator],
        )


def test_percent_signs_in_a_message_are_text():
    cast = event_cast(capacity=2, students=1)
    conv = _start(cast, cast.coordinator, [cast.educator], body="Room is 100% booked")
    message_send(actor=cast.educator, conversation=conv, body="50% off, 100%s")
    bodies = list(
        Notification.objects.filter(kind="messaging.message")
        .order_by("created_at", "pk")
        .values_list("body", flat=True)
    )
    assert bodies == ["Room is 100% booked", "50% off, 100%s"]


def test_event_page_offers_a_conversation_to_its_people_only(client):
    cast = event_cast(capacity=2, students=2)
    registered, other = cast.students
    events.registration_create(actor=registered, event=cast.event)
    url = f"/events/{cast.event.public_id}/"
    start = f"/messages/new/event/{cast.event.public_id}/"
    client.force_login(registered)
    assert start in client.get(url).content.decode()
    assert client.get(start).status_code == 200
    client.force_login(other)
    assert start not in client.get(url).content.decode()
    assert client.get(start).status_code in (403, 404)
    client.force_login(member(cast.inst, "coordinator"))
    assert start in client.get(url).content.decode()


def test_api_starts_an_event_conversation_and_refuses_an_unknown_subject(client):
    cast = event_cast(capacity=2, students=1)
    [student] = cast.students
    events.registration_create(actor=student, event=cast.event)
    client.force_login(cast.coordinator)
    body = {
        "subject_type": "event",
        "subject_id": str(cast.event.public_id),
        "body": "Bring your laptop",
        "participant_ids": [str(student.public_id)],
    }
    started = client.post("/api/v1/messaging/conversations", body, content_type="application/json")
    assert started.status_code == 201, started.content
    assert started.json()["subject_type"] == "event"
    unknown = client.post(
        "/api/v1/messaging/conversations",
        {**body, "subject_type": "spaceship"},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert Conversation.objects.count() == 1
