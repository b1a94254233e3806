"""Check-in surveys on a schedule: every N weeks after the pairs are published (4 by
default), each member of each pair that has not ended gets their side's check-in (the
library's mentor and mentee templates, in the institution's copy); once a period; none when
the coordinator sets 0; the daily command sends them; the setting is validated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.mentoring import services
from tandem.mentoring.models import ProgramSettings
from tandem.surveys.models import SurveyInvitation
from tests.mentoring_support import mentoring_cast

pytestmark = pytest.mark.django_db


def _invited() -> set[tuple[int, str]]:
    return set(SurveyInvitation.objects.values_list("user_id", "survey__template_key"))


def test_no_checkin_before_the_first_period_then_one_each_per_period(
    django_capture_on_commit_callbacks,
):
    cast = mentoring_cast(3, published_days_ago=20)
    services.pair_close(actor=cast.coordinator, pair=cast.pairs[2], reason="Moved away")
    assert services.send_checkins() == 0  # 20 days < 4 weeks
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_checkins(today=today + dt.timedelta(days=8)) == 4
    assert _invited() == {
        (cast.mentor(0).pk, "mentor_checkin"),
        (cast.mentee(0).pk, "mentee_checkin"),
        (cast.mentor(1).pk, "mentor_checkin"),
        (cast.mentee(1).pk, "mentee_checkin"),
    }  # the ended pair is left out
    assert len(mail.outbox) == 4
    keys = set(SurveyInvitation.objects.values_list("trigger_key", flat=True))
    assert f"mentoring-checkin:{cast.pairs[0].public_id}:1:mentor" in keys
    # The same period again: nothing new. The next period: a new round.
    assert services.send_checkins(today=today + dt.timedelta(days=9)) == 0
    assert services.send_checkins(today=today + dt.timedelta(days=8 + 28)) == 4
    assert SurveyInvitation.objects.count() == 8
    labels = set(SurveyInvitation.objects.values_list("subject_label", flat=True))
    assert labels == {cast.program.title}


def test_the_coordinator_sets_the_interval_or_switches_checkins_off(client):
    cast = mentoring_cast(1, published_days_ago=15)
    today = timezone.localdate()
    services.program_settings_set(
        actor=cast.coordinator, program=cast.program, quiet_days=21, checkin_weeks=2
    )
    assert services.send_checkins(today=today) == 2  # 15 days: the first 2-week period
    services.program_settings_set(
        actor=cast.coordinator, program=cast.program, quiet_days=21, checkin_weeks=0
    )
    assert services.send_checkins(today=today + dt.timedelta(days=60)) == 0
    # The quiet-days setting alone keeps the interval.
    services.program_settings_set(actor=cast.coordinator, program=cast.program, quiet_days=30)
    assert ProgramSettings.objects.get(program=cast.program).checkin_weeks == 0

    for bad in (-1, 27, "often"):
        with pytest.raises(DomainError) as err:
            services.program_settings_set(
                actor=cast.coordinator, program=cast.program, quiet_days=21, checkin_weeks=bad
            )
        assert "checkin_weeks" in err.value.fields
    with pytest.raises(PermissionDeniedError):
        services.program_settings_set(
            actor=cast.mentor(0), program=cast.program, quiet_days=21, checkin_weeks=1
        )

    client.force_login(cast.coordinator)
    url = reverse("mentoring:program_settings", args=[cast.program.public_id])
    response = client.post(url, {"quiet_days": "21", "checkin_weeks": "40"})
    assert response.status_code == 400
    assert "checkin_weeks" in response.context["settings_form"].errors
    response = client.post(url, {"quiet_days": "21", "checkin_weeks": "6"})
    assert response.status_code == 302
    assert ProgramSettings.objects.get(program=cast.program).checkin_weeks == 6
    health = client.get(f"/api/v1/mentoring/programs/{cast.program.public_id}/health").json()
    assert health["checkin_weeks"] == 6


def test_the_daily_command_sends_the_checkins_due(capsys):
    cast = mentoring_cast(1, published_days_ago=29)
    call_command("mentoring_nudges")
    out = capsys.readouterr().out
    assert "2 check-in invitations sent" in out
    assert {u for u, _k in _invited()} == {cast.mentor(0).pk, cast.mentee(0).pk}
    call_command("mentoring_nudges")
    assert "0 check-in invitations sent" in capsys.readouterr().out
