"""Events tell people through the notifications (one delivery path): an in-app row per
person and message, e-mailed by the task queue as each person chose, in their language, with
the calendar entry linked, never twice."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.events import services
from tandem.notifications.models import Delivery, Notification
from tandem.notifications.services import notification_preference_set
from tests.factories import event_cast

pytestmark = pytest.mark.django_db


def _rows(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("created_at", "pk"))


def test_registration_writes_an_in_app_row_and_mails_with_the_calendar_link(
    django_capture_on_commit_callbacks, mailoutbox
):
    cast = event_cast(capacity=1, students=2)
    first, second = cast.students
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(actor=first, event=cast.event)
        services.registration_create(actor=second, event=cast.event)
    [row] = _rows(first, "events.registration")
    assert row.title == f"You are registered: {cast.event.title}"
    assert row.link == f"/events/{cast.event.public_id}/"
    assert row.subject_id == str(cast.event.public_id)
    assert row.delivery == Delivery.SENT
    [waiting] = _rows(second, "events.registration")
    assert waiting.title == f"You are on the waiting list: {cast.event.title}"
    mail = {m.to[0]: m for m in mailoutbox}
    assert mail[first.email].subject == f"You are registered: {cast.event.title}"
    assert f"/events/{cast.event.public_id}/event.ics" in mail[first.email].body
    # The waiting list has no place to put in a calendar yet.
    assert "event.ics" not in mail[second.email].body


def test_preferences_are_honoured(django_capture_on_commit_callbacks, mailoutbox):
    cast = event_cast(capacity=3, students=3)
    off, in_app, digest = cast.students
    notification_preference_set(actor=off, kind="events.registration", channel="off")
    notification_preference_set(actor=in_app, kind="events.registration", channel="in_app")
    notification_preference_set(actor=digest, kind="events.registration", channel="digest")
    with django_capture_on_commit_callbacks(execute=True):
        for student in cast.students:
            services.registration_create(actor=student, event=cast.event)
    assert _rows(off, "events.registration") == []
    assert _rows(in_app, "events.registration")[0].delivery == Delivery.NONE
    assert _rows(digest, "events.registration")[0].delivery == Delivery.DIGEST
    assert mailoutbox == []
    # Reminders are their own kind: the default (e-mail now) still applies to it.
    soon = cast.event.starts_at - dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=soon) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.email for s in cast.students)


def test_each_recipient_is_written_to_in_their_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    cast = event_cast(capacity=2, students=2)
    french, english = cast.students
    french.preferred_language = "fr"
    french.save(update_fields=["preferred_language"])
    for student in cast.students:
        services.registration_create(actor=student, event=cast.event)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=cast.coordinator, event=cast.event, reason="Grève")
    [fr_row] = _rows(french, "events.cancelled")
    [en_row] = _rows(english, "events.cancelled")
    assert en_row.title == f"Cancelled: {cast.event.title}"
    assert fr_row.title != en_row.title and cast.event.title in fr_row.title
    assert "Grève" in fr_row.body and "Grève" in en_row.body
    mail = {m.to[0]: m for m in mailoutbox}
    assert mail[english.email].subject == f"Cancelled: {cast.event.title}"
    assert mail[french.email].subject != mail[english.email].subject
    assert "Grève" in mail[french.email].body


def test_never_twice(django_capture_on_commit_callbacks, mailoutbox):
    cast = event_cast(capacity=1, students=1)
    [student] = cast.students
    registration = services.registration_create(actor=student, event=cast.event)
    # Telling the same state again writes nothing and sends nothing.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.tell_registration("registered", registration) == 0
    assert mailoutbox == []
    soon = cast.event.starts_at - dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=soon)
        services.reminders_send(now=soon)
    assert len(_rows(student, "events.reminder")) == 1
    assert len(mailoutbox) == 1
    # A new registration after a cancellation is a new state: told again.
    services.registration_cancel(actor=student, registration=registration)
    services.registration_create(actor=student, event=cast.event)
    assert len(_rows(student, "events.registration")) == 2


def test_speaker_request_and_answer_are_notifications(
    django_capture_on_commit_callbacks, mailoutbox
):
    cast = event_cast()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.speaker_request_create(
            actor=cast.educator,
            institution=cast.inst,
            speaker=cast.speaker_membership,
            topic="Cloud 101",
        )
    [asked] = _rows(cast.speaker, "events.speaker_request")
    assert asked.title == "You are asked to speak: Cloud 101"
    assert asked.link == "/events/speakers/"
    with django_capture_on_commit_callbacks(execute=True):
        services.speaker_request_respond(actor=cast.speaker, request=request, accept=True)
    [answer] = _rows(cast.educator, "events.speaker_request")
    assert answer.body == "Your request was answered: Accepted."
    assert mailoutbox[-1].to == [cast.educator.email]
    assert "answered: Accepted." in mailoutbox[-1].body


def test_nothing_is_told_for_a_change_that_rolled_back(mailoutbox):
    cast = event_cast(capacity=1, students=1)
    services.registration_create(actor=cast.students[0], event=cast.event)
    before = Notification.objects.count()
    with pytest.raises(Exception, match="already registered"):
        services.registration_create(actor=cast.students[0], event=cast.event)
    assert Notification.objects.count() == before
