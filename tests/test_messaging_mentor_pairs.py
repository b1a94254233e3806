"""Conversations about a mentoring pair: between its mentor and mentee only; outsiders
(another pair's mentee, the coordinator) refused with a clear message; an ended pair takes no
new conversation; the pair's page links to it for its members."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.mentoring import services
from tandem.messaging.models import Conversation
from tandem.messaging.services import conversation_start
from tandem.notifications.models import Notification
from tests.mentoring_support import mentoring_cast

pytestmark = pytest.mark.django_db


def _start(actor, pair, participants, body="Shall we meet on Tuesday?"):
    return conversation_start(
        actor=actor,
        subject_type="mentor_pair",
        subject_id=str(pair.public_id),
        title="",
        body=body,
        participants=participants,
    )


def test_the_mentee_writes_to_their_mentor_and_outsiders_are_refused():
    cast = mentoring_cast(2)
    pair = cast.pairs[0]
    conv = _start(cast.mentee(0), pair, [cast.mentor(0)])
    assert {p.user_id for p in conv.participants.all()} == {cast.mentee(0).pk, cast.mentor(0).pk}
    assert cast.program.title in conv.title
    note = Notification.objects.get(recipient=cast.mentor(0), kind="messaging.message")
    assert note.link == f"/messages/{conv.public_id}/"
    # Another pair's mentee is not part of this pair,
    with pytest.raises(DomainError) as refused:
        _start(cast.mentor(0), pair, [cast.mentee(1)])
    assert refused.value.message
    # and may not start a conversation about it; nor may the coordinator or a stranger.
    for outsider in (cast.mentee(1), cast.coordinator, cast.stranger):
        with pytest.raises(PermissionDeniedError):
            _start(outsider, pair, [cast.mentor(0)])
    assert Conversation.objects.count() == 1


def test_an_ended_pair_takes_no_new_conversation():
    cast = mentoring_cast(1)
    pair = cast.pairs[0]
    services.pair_close(actor=cast.coordinator, pair=pair, reason="Moved away")
    with pytest.raises(PermissionDeniedError):
        _start(cast.mentee(0), pair, [cast.mentor(0)])
    assert not Conversation.objects.exists()


def test_the_pair_page_links_its_members_to_a_conversation(client):
    cast = mentoring_cast(1)
    pair = cast.pairs[0]
    start = reverse("messaging:start", args=["mentor_pair", pair.public_id])
    client.force_login(cast.mentee(0))
    page = client.get(reverse("mentoring:pair", args=[pair.public_id])).content.decode()
    assert start in page
    client.force_login(cast.coordinator)
    page = client.get(reverse("mentoring:pair", args=[pair.public_id])).content.decode()
    assert start not in page
