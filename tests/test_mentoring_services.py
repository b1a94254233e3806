"""The mentoring services: who may write, what they refuse (with field messages and no
partial write), an ended pair is read-only, rematch reasons stay private, reflections open
when a pair ends, and the personal-data export and erasure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.accounts.personal_data import erasers, export_personal_data
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.mentoring import selectors, services
from tandem.mentoring.models import (
    PairEnding,
    PairGoal,
    PairSession,
    Reflection,
    RematchRequest,
    SessionStatus,
)
from tandem.notifications.models import Notification
from tests.mentoring_support import mentoring_cast

pytestmark = pytest.mark.django_db

NOW = timezone.now


def _counts() -> tuple[int, ...]:
    return (
        PairGoal.objects.count(),
        PairSession.objects.count(),
        RematchRequest.objects.count(),
        Reflection.objects.count(),
        PairEnding.objects.count(),
    )


def test_members_add_and_update_goals_and_who_updated_is_kept():
    cast = mentoring_cast()
    goal = services.goal_create(
        actor=cast.mentee(), pair=cast.pair, title="  Apply to university  ", progress=10
    )
    assert (goal.title, goal.progress, goal.updated_by) == (
        "Apply to university",
        10,
        cast.mentee(),
    )
    services.goal_update(actor=cast.mentor(), goal=goal, data={"progress": 100})
    goal.refresh_from_db()
    assert (goal.progress, goal.status, goal.updated_by) == (100, "achieved", cast.mentor())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Ok", "progress": 101}, "progress"),
        ({"title": "Ok", "progress": -1}, "progress"),
        ({"title": "Ok", "progress": "lots"}, "progress"),
    ],
)
def test_bad_goals_are_refused_with_a_field_message(kwargs, field):
    cast = mentoring_cast(1)
    with pytest.raises(DomainError) as caught:
        services.goal_create(actor=cast.mentee(), pair=cast.pair, **kwargs)
    assert field in caught.value.fields
    assert PairGoal.objects.count() == 0


def test_goal_update_refuses_an_unknown_status_and_changes_nothing():
    cast = mentoring_cast(1)
    goal = services.goal_create(actor=cast.mentee(), pair=cast.pair, title="Shadow a nurse")
    with pytest.raises(DomainError) as caught:
        services.goal_update(
            actor=cast.mentee(), goal=goal, data={"progress": 50, "status": "finished"}
        )
    assert "status" in caught.value.fields
    goal.refresh_from_db()
    assert (goal.progress, goal.status) == (0, "active")


@pytest.mark.parametrize(
    ("minutes", "ok"), [(4, False), (5, True), (600, True), (601, False), ("x", False)]
)
def test_session_length_is_bounded(minutes, ok):
    cast = mentoring_cast(1)
    call = lambda: services.session_log(  # noqa: E731
        actor=cast.mentor(), pair=cast.pair, starts_at=NOW() - dt.timedelta(days=1), minutes=minutes
    )
    if ok:
        assert call().minutes == int(minutes)
    else:
        with pytest.raises(DomainError) as caught:
            call()
        assert "minutes" in caught.value.fields
        assert PairSession.objects.count() == 0


def test_a_session_is_logged_after_it_took_place_and_scheduled_ahead():
    cast = mentoring_cast(1)
    with pytest.raises(DomainError) as caught:
        services.session_log(
            actor=cast.mentor(), pair=cast.pair, starts_at=NOW() + dt.timedelta(days=2), minutes=30
        )
    assert "starts_at" in caught.value.fields
    with pytest.raises(DomainError) as caught:
        services.session_schedule(
            actor=cast.mentor(),
            pair=cast.pair,
            starts_at=NOW() - dt.timedelta(hours=1),
            minutes=30,
            place="Room 4",
        )
    assert "starts_at" in caught.value.fields
    with pytest.raises(DomainError) as caught:
        services.session_schedule(
            actor=cast.mentor(), pair=cast.pair, starts_at=NOW() + dt.timedelta(days=1), minutes=30
        )
    assert "place" in caught.value.fields
    with pytest.raises(DomainError) as caught:
        services.session_schedule(
            actor=cast.mentor(),
            pair=cast.pair,
            starts_at=NOW() + dt.timedelta(days=1),
            minutes=30,
            video_link="javascript:alert(1)",
        )
    assert "video_link" in caught.value.fields
    assert PairSession.objects.count() == 0
    assert not Notification.objects.exists()


def test_scheduling_notifies_the_other_member_with_the_invitation():
    cast = mentoring_cast(1)
    session = services.session_schedule(
        actor=cast.mentor(),
        pair=cast.pair,
        starts_at=NOW() + dt.timedelta(days=3),
        minutes=45,
        video_link="https://meet.example.org/abc",
    )
    note = Notification.objects.get(kind=services.KIND_SESSION_PROPOSED)
    assert note.recipient == cast.mentee()
    assert f"/mentoring/sessions/{session.public_id}/invitation.ics" in note.body
    assert note.link == f"/mentoring/pairs/{cast.pair.public_id}/"
    assert not Notification.objects.filter(recipient=cast.mentor()).exists()

    moved = services.session_reschedule(
        actor=cast.mentee(), session=session, starts_at=NOW() + dt.timedelta(days=4)
    )
    assert moved.sequence == 1
    changed = Notification.objects.get(kind=services.KIND_SESSION_CHANGED)
    assert changed.recipient == cast.mentor() and "moved" in changed.title
    cancelled = services.session_cancel(actor=cast.mentor(), session=moved)
    assert (cancelled.status, cancelled.sequence) == (SessionStatus.CANCELLED, 2)
    assert Notification.objects.filter(
        kind=services.KIND_SESSION_CHANGED, recipient=cast.mentee(), title__contains="cancelled"
    ).exists()
    with pytest.raises(ConflictError):
        services.session_cancel(actor=cast.mentor(), session=cancelled)


def test_non_members_are_refused_and_nothing_is_written():
    cast = mentoring_cast(2)
    other_pairs_mentor = cast.mentor(1)
    for actor in (cast.coordinator, other_pairs_mentor, cast.other_coordinator, cast.stranger):
        before = _counts()
        with pytest.raises(PermissionDeniedError):
            services.goal_create(actor=actor, pair=cast.pair, title="Sneaky goal")
        with pytest.raises(PermissionDeniedError):
            services.session_log(
                actor=actor, pair=cast.pair, starts_at=NOW() - dt.timedelta(hours=2), minutes=30
            )
        with pytest.raises(PermissionDeniedError):
            services.rematch_request_create(actor=actor, pair=cast.pair, reason="Because")
        assert _counts() == before
    for actor in (cast.mentor(), cast.mentee(), cast.other_coordinator, cast.stranger):
        with pytest.raises(PermissionDeniedError):
            services.pair_close(actor=actor, pair=cast.pair, reason="No")
    assert not PairEnding.objects.exists()


def test_an_ended_pair_is_read_only_but_takes_reflections():
    cast = mentoring_cast(1)
    goal = services.goal_create(actor=cast.mentee(), pair=cast.pair, title="A goal")
    upcoming = services.session_schedule(
        actor=cast.mentee(),
        pair=cast.pair,
        starts_at=NOW() + dt.timedelta(days=2),
        minutes=30,
        place="Library",
    )
    with pytest.raises(ConflictError):
        services.reflection_submit(actor=cast.mentee(), pair=cast.pair, rating=4)
    with pytest.raises(DomainError) as caught:
        services.pair_close(actor=cast.coordinator, pair=cast.pair, reason="  ")
    assert "reason" in caught.value.fields
    services.pair_close(actor=cast.coordinator, pair=cast.pair, reason="Mentor moved abroad")
    upcoming.refresh_from_db()
    assert upcoming.status == SessionStatus.CANCELLED
    before = _counts()
    with pytest.raises(ConflictError):
        services.goal_create(actor=cast.mentee(), pair=cast.pair, title="Another")
    with pytest.raises(ConflictError):
        services.goal_update(actor=cast.mentor(), goal=goal, data={"progress": 90})
    with pytest.raises(ConflictError):
        services.session_log(
            actor=cast.mentor(), pair=cast.pair, starts_at=NOW() - dt.timedelta(days=1), minutes=30
        )
    with pytest.raises(ConflictError):
        services.rematch_request_create(actor=cast.mentee(), pair=cast.pair, reason="Late")
    with pytest.raises(ConflictError):
        services.pair_close(actor=cast.coordinator, pair=cast.pair, reason="Again")
    assert _counts() == before
    goal.refresh_from_db()
    assert goal.progress == 0
    with pytest.raises(DomainError) as caught:
        services.reflection_submit(actor=cast.mentee(), pair=cast.pair, rating=6)
    assert "rating" in caught.value.fields
    services.reflection_submit(actor=cast.mentee(), pair=cast.pair, rating=5, went_well="All")
    services.reflection_submit(actor=cast.mentee(), pair=cast.pair, rating=4, went_well="Most")
    assert Reflection.objects.get().rating == 4  # one per member, rewritten
    with pytest.raises(PermissionDeniedError):
        services.reflection_submit(actor=cast.coordinator, pair=cast.pair, rating=1)
    assert (
        Notification.objects.filter(
            kind=services.KIND_PAIR_ENDED, recipient__in=[cast.mentor(), cast.mentee()]
        ).count()
        == 2
    )


def test_rematch_reason_is_private_from_the_other_member():
    cast = mentoring_cast(1)
    services.rematch_request_create(
        actor=cast.mentee(), pair=cast.pair, reason="We never agree on times"
    )
    with pytest.raises(ConflictError):
        services.rematch_request_create(actor=cast.mentee(), pair=cast.pair, reason="Again")
    assert list(selectors.pair_rematch_requests(cast.mentor(), cast.pair)) == []
    assert [r.reason for r in selectors.pair_rematch_requests(cast.mentee(), cast.pair)] == [
        "We never agree on times"
    ]
    assert [r.reason for r in selectors.pair_rematch_requests(cast.coordinator, cast.pair)] == [
        "We never agree on times"
    ]
    note = Notification.objects.get(kind=services.KIND_REMATCH)
    assert note.recipient == cast.coordinator and "never agree" not in note.title + note.body
    services.pair_close(actor=cast.coordinator, pair=cast.pair, reason="Rematched")
    assert RematchRequest.objects.get().status == "closed"


def test_coordinators_see_notes_only_when_shared():
    cast = mentoring_cast(1)
    for shared, note in ((False, "Private worry"), (True, "Shared progress")):
        services.session_log(
            actor=cast.mentor(),
            pair=cast.pair,
            starts_at=NOW() - dt.timedelta(days=1),
            minutes=30,
            notes=note,
            shared_with_coordinator=shared,
        )
    seen = {
        r.session.notes: r.content_visible
        for r in selectors.pair_sessions(cast.coordinator, cast.pair)
    }
    assert seen == {"Private worry": False, "Shared progress": True}
    assert all(r.content_visible for r in selectors.pair_sessions(cast.mentee(), cast.pair))


def test_program_settings_are_bounded_and_for_coordinators():
    cast = mentoring_cast(1)
    with pytest.raises(DomainError) as caught:
        services.program_settings_set(actor=cast.coordinator, program=cast.program, quiet_days=2)
    assert "quiet_days" in caught.value.fields
    with pytest.raises(PermissionDeniedError):
        services.program_settings_set(actor=cast.mentor(), program=cast.program, quiet_days=30)
    assert (
        services.program_settings_set(
            actor=cast.coordinator, program=cast.program, quiet_days=30
        ).quiet_days
        == 30
    )


def test_ending_the_program_ends_every_active_pair():
    cast = mentoring_cast(3)
    services.pair_close(actor=cast.coordinator, pair=cast.pairs[0], reason="Early")
    assert services.program_pairs_end(actor=cast.coordinator, program=cast.program) == 2
    assert PairEnding.objects.count() == 3


def test_personal_data_export_and_erasure():
    cast = mentoring_cast(1)
    mentee = cast.mentee()
    services.goal_create(actor=mentee, pair=cast.pair, title="Learn phlebotomy")
    services.session_log(
        actor=cast.mentor(),
        pair=cast.pair,
        starts_at=NOW() - dt.timedelta(days=3),
        minutes=40,
        topics="Blood tests",
        notes="Nervous about needles",
    )
    services.rematch_request_create(actor=mentee, pair=cast.pair, reason="Different hours")
    services.pair_close(actor=cast.coordinator, pair=cast.pair, reason="Rematched")
    services.reflection_submit(actor=mentee, pair=cast.pair, rating=3, went_well="Needles")
    data = export_personal_data(mentee)["mentoring"]
    assert data["goals"][0]["goal"] == "Learn phlebotomy"
    assert data["sessions"][0]["notes"] == "Nervous about needles"
    assert data["rematch_requests"][0]["reason"] == "Different hours"
    assert data["reflections"][0] == {
        "program": cast.program.title,
        "rating": 3,
        "went_well": "Needles",
    }
    # The mentor's export holds the pair's goals and sessions, not the mentee's own requests.
    mentor_data = export_personal_data(cast.mentor())["mentoring"]
    assert mentor_data["rematch_requests"] == [] and mentor_data["reflections"] == []
    assert mentor_data["sessions"][0]["topics"] == "Blood tests"

    erasers()["mentoring"](mentee)
    assert not PairGoal.objects.exists()
    assert not RematchRequest.objects.exists() and not Reflection.objects.exists()
    session = PairSession.objects.get()
    assert (session.topics, session.notes, session.minutes) == ("", "", 40)
    assert PairEnding.objects.get().reason == ""
