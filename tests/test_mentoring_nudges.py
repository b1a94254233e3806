"""The "pair has gone quiet" nudge: both members after the program's N days without a
session, the coordinators too after 2×N; once per quiet spell; never an active or ended
pair; the management command runs it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.mentoring import services
from tandem.mentoring.tasks import send_quiet_nudges
from tandem.notifications.models import Notification
from tests.mentoring_support import mentoring_cast

pytestmark = pytest.mark.django_db


def _log(cast, i: int, days_ago: int) -> None:
    services.session_log(
        actor=cast.mentor(i),
        pair=cast.pairs[i],
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
        minutes=30,
    )


def _quiet_recipients() -> set[int]:
    return set(
        Notification.objects.filter(kind=services.KIND_QUIET).values_list("recipient_id", flat=True)
    )


def test_quiet_pairs_are_nudged_once_per_spell_and_active_ones_never():
    cast = mentoring_cast(4, published_days_ago=60)
    _log(cast, 0, 3)  # active
    _log(cast, 1, 25)  # quiet (21 days by default)
    _log(cast, 2, 50)  # quiet for more than 2×21 days: the coordinator is told too
    # pair 3: no session since the publication 60 days ago, but it has ended
    services.pair_close(actor=cast.coordinator, pair=cast.pairs[3], reason="Moved")

    assert send_quiet_nudges.call(None) == 5  # 2 + 2 members, 1 coordinator
    assert _quiet_recipients() == {
        cast.mentor(1).pk,
        cast.mentee(1).pk,
        cast.mentor(2).pk,
        cast.mentee(2).pk,
    }
    escalated = Notification.objects.get(kind=services.KIND_QUIET_COORDINATOR)
    assert escalated.recipient == cast.coordinator
    assert cast.mentee(2).full_name in escalated.title
    assert escalated.link == f"/mentoring/pairs/{cast.pairs[2].public_id}/"

    # Run again: nobody is nudged twice for the same spell.
    assert send_quiet_nudges.call(None) == 0
    # A new session ends the spell; when the pair goes quiet again, a new nudge follows.
    _log(cast, 1, 22)
    assert services.nudge_quiet_pairs() == 2
    assert (
        Notification.objects.filter(kind=services.KIND_QUIET, recipient=cast.mentee(1)).count() == 2
    )


def test_the_program_setting_decides_when_a_pair_is_quiet():
    cast = mentoring_cast(1, published_days_ago=60)
    _log(cast, 0, 10)
    assert services.nudge_quiet_pairs() == 0
    services.program_settings_set(actor=cast.coordinator, program=cast.program, quiet_days=7)
    assert services.nudge_quiet_pairs() == 2


def test_a_pair_without_sessions_counts_from_the_publication():
    recent = mentoring_cast(1, published_days_ago=5, name="Recent")
    old = mentoring_cast(1, published_days_ago=30, name="Older")
    assert services.nudge_quiet_pairs() == 2
    assert _quiet_recipients() == {old.mentor().pk, old.mentee().pk}
    assert recent.pair.pk != old.pair.pk


def test_the_management_command_runs_the_nudges(capsys):
    mentoring_cast(1, published_days_ago=10)
    call_command("mentoring_nudges")
    assert "0 nudges written" in capsys.readouterr().out
    # Twelve days later (a time without an offset is the server's local time) it is quiet.
    later = (timezone.localtime() + dt.timedelta(days=12)).replace(tzinfo=None)
    call_command("mentoring_nudges", now=later.isoformat())
    assert "2 nudges written" in capsys.readouterr().out
