"""The demo world gives everyone notifications (with a preference set) and a partnership a
conversation between the coordinator and the recruiter."""

from __future__ import annotations

import pytest

from tandem.accounts.models import User
from tandem.demo.world import build_demo_world
from tandem.messaging.models import Conversation
from tandem.messaging.selectors import conversations_for
from tandem.notifications.models import Notification, NotificationPreference

# slow: builds the whole demo world.
pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_everyone_has_notifications_and_a_partnership_has_a_conversation():
    build_demo_world(seed=2026)
    people = User.objects.filter(email__endswith="@demo.tandem.test")
    assert people.exists()
    without = people.exclude(pk__in=Notification.objects.values("recipient_id"))
    assert not without.exists(), list(without.values_list("email", flat=True)[:5])
    student = people.get(email="student@demo.tandem.test")
    kinds = set(Notification.objects.filter(recipient=student).values_list("kind", flat=True))
    assert {"notifications.announcement", "applications.stage_changed"} <= kinds
    assert NotificationPreference.objects.filter(user=student, channel="digest").exists()
    conversation = Conversation.objects.get(subject_type="partnership")
    assert conversation.messages.count() == 2
    coordinator = people.get(email="coordinator@demo.tandem.test")
    assert conversations_for(coordinator).get().unread == 1
    # Rebuilding starts again cleanly.
    build_demo_world(seed=2026, reset=True)
    assert Conversation.objects.filter(subject_type="partnership").count() == 1
