"""Events' services: registration and the waiting list, cancellation and promotion,
check-in by code and by link, reminders once, cancellation notices, the follow-up survey,
speaker requests with suggestions, and the partnership counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.events import selectors, services
from tandem.events.models import Event, Registration, SpeakerRequest
from tandem.events.tasks import starts_label
from tandem.organizations.models import Membership
from tandem.surveys.models import SurveyInvitation
from tests.factories import InstitutionFactory, event_cast, member, published_event, small_taxonomy

pytestmark = pytest.mark.django_db


def _register_all(cast):
    return [services.registration_create(actor=s, event=cast.event) for s in cast.students]


def test_registrations_past_capacity_wait_in_order(django_capture_on_commit_callbacks, mailoutbox):
    cast = event_cast(capacity=2, students=4)
    with django_capture_on_commit_callbacks(execute=True):
        regs = _register_all(cast)
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [selectors.waitlist_position(r) for r in regs] == [None, None, 1, 2]
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects.count(f"You are registered: {cast.event.title}") == 2
    assert subjects.count(f"You are on the waiting list: {cast.event.title}") == 2


def test_registering_twice_is_refused():
    cast = event_cast()
    student = cast.students[0]
    services.registration_create(actor=student, event=cast.event)
    with pytest.raises(ConflictError) as exc:
        services.registration_create(actor=student, event=cast.event)
    assert str(exc.value) == "You are already registered for this event."
    assert Registration.objects.filter(event=cast.event, user=student).count() == 1


def test_cancelling_promotes_the_first_waiting(django_capture_on_commit_callbacks, mailoutbox):
    cast = event_cast(capacity=2, students=4)
    regs = _register_all(cast)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=cast.students[0], registration=regs[0])
    regs = [Registration.objects.get(pk=r.pk) for r in regs]
    assert [r.status for r in regs] == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    assert selectors.waitlist_position(regs[3]) == 1
    assert [m.to for m in mailoutbox] == [[cast.students[2].email]]
    assert mailoutbox[0].subject == f"A place is yours: {cast.event.title}"
    # Registering again after cancelling goes to the end of the queue.
    again = services.registration_create(actor=cast.students[0], event=cast.event)
    assert again.pk == regs[0].pk and again.status == "waitlisted"
    assert selectors.waitlist_position(again) == 2


def test_larger_capacity_promotes():
    cast = event_cast(capacity=1, students=3)
    regs = _register_all(cast)
    services.event_update(actor=cast.coordinator, event=cast.event, capacity=3)
    assert set(
        Registration.objects.filter(pk__in=[r.pk for r in regs]).values_list("status", flat=True)
    ) == {"confirmed"}


def test_others_may_not_register_or_cancel_for_someone():
    cast = event_cast()
    other_student = member(InstitutionFactory(), "student")
    with pytest.raises(PermissionDeniedError):
        services.registration_create(actor=other_student, event=cast.event)
    reg = services.registration_create(actor=cast.students[0], event=cast.event)
    with pytest.raises(PermissionDeniedError):
        services.registration_cancel(actor=cast.students[1], registration=reg)
    assert Registration.objects.get(pk=reg.pk).status == "confirmed"
    with pytest.raises(PermissionDeniedError):
        services.registration_create(actor=cast.speaker, event=cast.event)


def test_program_restricted_event():
    cast = event_cast(program="Nursing")
    with pytest.raises(PermissionDeniedError):
        services.registration_create(actor=cast.students[0], event=cast.event)
    nurse = member(cast.inst, "student", program="Nursing")
    assert services.registration_create(actor=nurse, event=cast.event).status == "confirmed"


def test_registration_window_closed():
    cast = event_cast(registration_closes_at=timezone.now() + dt.timedelta(days=2))
    Event.objects.filter(pk=cast.event.pk).update(
        registration_closes_at=timezone.now() - dt.timedelta(minutes=1),
        registration_opens_at=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(ConflictError, match=r"Registration has closed\."):
        services.registration_create(actor=cast.students[0], event=cast.event)


def test_check_in_by_code():
    cast = event_cast()
    reg = services.registration_create(actor=cast.students[0], event=cast.event)
    token = services.checkin_token(reg)
    checked = services.registration_check_in(actor=cast.coordinator, event=cast.event, token=token)
    assert checked.checked_in_at is not None and checked.checked_in_by == cast.coordinator
    with pytest.raises(ConflictError, match="Already checked in at"):
        services.registration_check_in(actor=cast.coordinator, event=cast.event, token=token)
    assert AuditEvent.objects.filter(action="event.check_in").count() == 1


def test_code_for_another_event_is_refused():
    cast = event_cast()
    other = published_event(cast.inst, title="Another event")
    reg = services.registration_create(actor=cast.students[0], event=other)
    with pytest.raises(DomainError) as exc:
        services.registration_check_in(
            actor=cast.coordinator, event=cast.event, token=services.checkin_token(reg)
        )
    assert exc.value.message == "This code is for another event."
    with pytest.raises(DomainError, match="not a valid check-in code"):
        services.registration_check_in(actor=cast.coordinator, event=cast.event, token="forged")
    assert Registration.objects.get(pk=reg.pk).checked_in_at is None


def test_waiting_person_cannot_be_checked_in_and_students_cannot_scan():
    cast = event_cast(capacity=1, students=2)
    regs = _register_all(cast)
    with pytest.raises(ConflictError, match="no confirmed place"):
        services.registration_check_in(
            actor=cast.coordinator, event=cast.event, token=services.checkin_token(regs[1])
        )
    with pytest.raises(PermissionDeniedError):
        services.registration_check_in(
            actor=cast.students[1], event=cast.event, token=services.checkin_token(regs[0])
        )


def test_self_check_in_only_in_the_window_for_virtual_events():
    cast = event_cast(mode="virtual", location="", join_url="https://meet.example.org/abc")
    reg = services.registration_create(actor=cast.students[0], event=cast.event)
    with pytest.raises(ConflictError, match="Self check-in opens"):
        services.registration_self_check_in(actor=cast.students[0], event=cast.event)
    now = timezone.now()
    Event.objects.filter(pk=cast.event.pk).update(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(minutes=55)
    )
    assert services.registration_self_check_in(
        actor=cast.students[0], event=cast.event
    ).checked_in_at
    with pytest.raises(ConflictError, match="Already checked in"):
        services.registration_self_check_in(actor=cast.students[0], event=cast.event)
    assert Registration.objects.get(pk=reg.pk).checked_in_by == cast.students[0]


def test_in_person_event_has_no_self_check_in():
    cast = event_cast()
    services.registration_create(actor=cast.students[0], event=cast.event)
    with pytest.raises(ConflictError, match="only for virtual"):
        services.registration_self_check_in(actor=cast.students[0], event=cast.event)


def test_reminders_are_sent_once(django_capture_on_commit_callbacks, mailoutbox):
    cast = event_cast(capacity=1, students=2)
    _register_all(cast)
    mailoutbox.clear()
    soon = cast.event.starts_at - dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=soon) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=soon) == 0
    assert [m.to for m in mailoutbox] == [[cast.students[0].email]]
    assert mailoutbox[0].subject == f"Reminder: {cast.event.title}"
    # Too early: nothing.
    assert services.reminders_send(now=cast.event.starts_at - dt.timedelta(days=2)) == 0


def test_cancelling_the_event_tells_everyone(django_capture_on_commit_callbacks, mailoutbox):
    cast = event_cast(capacity=1, students=3)
    _register_all(cast)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_cancel(actor=cast.coordinator, event=cast.event, reason="Snow")
    assert event.status == "cancelled" and event.sequence == cast.event.sequence + 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.email for s in cast.students)
    assert all("Snow" in m.body for m in mailoutbox)
    with pytest.raises(ConflictError, match="The event is cancelled"):
        services.registration_create(actor=member(cast.inst, "student"), event=event)


def test_only_organisers_manage():
    cast = event_cast()
    for actor in (cast.students[0], cast.speaker, member(InstitutionFactory(), "coordinator")):
        with pytest.raises(PermissionDeniedError):
            services.event_cancel(actor=actor, event=cast.event)
    assert Event.objects.get(pk=cast.event.pk).status == "published"
    # Educators organise too.
    services.event_update(actor=cast.educator, event=cast.event, title="Renamed")


def test_calendar_changes_bump_the_sequence():
    cast = event_cast()
    before = Event.objects.get(pk=cast.event.pk).sequence
    services.event_update(actor=cast.coordinator, event=cast.event, capacity=5)
    assert Event.objects.get(pk=cast.event.pk).sequence == before
    services.event_update(actor=cast.coordinator, event=cast.event, location="Room 101")
    assert Event.objects.get(pk=cast.event.pk).sequence == before + 1


def test_event_validation_messages():
    inst = InstitutionFactory()
    coordinator = member(inst, "coordinator")
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        services.event_create(
            actor=coordinator,
            institution=inst,
            kind="workshop",
            mode="virtual",
            title="x",
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
            time_zone="Mars/Olympus",
            capacity=10,
        )
    assert set(exc.value.fields) >= {"ends_at", "join_url", "time_zone"}


def test_speaker_must_be_partner_staff():
    cast = event_cast()
    student_membership = Membership.objects.get(user=cast.students[0])
    with pytest.raises(DomainError, match="partner organization"):
        services.event_speaker_add(
            actor=cast.coordinator, event=cast.event, membership=student_membership
        )


def test_followup_survey_goes_to_attendees_once():
    cast = event_cast(capacity=3, students=3)
    regs = _register_all(cast)
    services.registration_check_in(
        actor=cast.coordinator, event=cast.event, token=services.checkin_token(regs[0])
    )
    after = cast.event.ends_at + dt.timedelta(hours=1)
    assert services.followups_send(now=after) == 1
    assert services.followups_send(now=after) == 0
    invitation = SurveyInvitation.objects.get()
    assert invitation.user == cast.students[0]
    assert invitation.survey.template_key == "event_feedback"
    assert invitation.subject_label == cast.event.title


def test_partnership_counts_from_attendance():
    cast = event_cast(capacity=3, students=3)
    regs = _register_all(cast)
    for reg in regs[:2]:
        services.registration_check_in(
            actor=cast.coordinator, event=cast.event, token=services.checkin_token(reg)
        )
    assert selectors.partnership_event_counts(cast.partnership).guest_lectures_held == 0
    later = cast.event.ends_at + dt.timedelta(minutes=1)
    counts = selectors.partnership_event_counts(cast.partnership, until=later)
    assert (counts.guest_lectures_held, counts.events_held, counts.students_reached) == (1, 1, 2)


def test_speaker_suggestions_with_reasons_and_answers(
    django_capture_on_commit_callbacks, mailoutbox
):
    cast = event_cast()
    concepts = small_taxonomy()
    python = concepts["Python (computer programming)"]
    services.speaker_profile_set(
        actor=cast.speaker,
        membership=cast.speaker_membership,
        skills=[python, concepts["SQL"]],
        topics="cloud computing, data engineering",
    )
    # Staff of a partner outside any partnership with the institution are never suggested.
    from tests.factories import PartnerFactory

    outsider = member(PartnerFactory(), "mentor")
    services.speaker_profile_set(
        actor=outsider,
        membership=Membership.objects.get(user=outsider),
        skills=[python],
        topics="python",
    )
    found = selectors.speaker_suggestions(cast.coordinator, institution=cast.inst, topic="Python")
    assert [s.membership for s in found] == [cast.speaker_membership]
    assert found[0].reasons[0] == "ESCO skills that match: Python (computer programming)"
    assert "Has spoken at 1 event" in found[0].reasons
    with django_capture_on_commit_callbacks(execute=True):
        request = services.speaker_request_create(
            actor=cast.educator,
            institution=cast.inst,
            speaker=cast.speaker_membership,
            topic="Python in industry",
            class_name="CS101",
            reasons=found[0].reasons,
        )
    assert mailoutbox[-1].to == [cast.speaker.email]
    with pytest.raises(PermissionDeniedError):
        services.speaker_request_respond(actor=cast.educator, request=request, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.speaker_request_respond(
            actor=cast.speaker, request=request, accept=False, note="Busy"
        )
    assert SpeakerRequest.objects.get(pk=request.pk).status == "declined"
    assert mailoutbox[-1].to == [cast.educator.email]
    with pytest.raises(ConflictError):
        services.speaker_request_respond(actor=cast.speaker, request=request, accept=True)


def test_personal_data_export_and_erase_promotes():
    from tandem.accounts.personal_data import export_personal_data

    cast = event_cast(capacity=1, students=2)
    regs = _register_all(cast)
    services.calendar_feed_get_or_create(actor=cast.students[0])
    data = services.event_personal_data_export(cast.students[0])
    assert data["registrations"][0]["status"] == "confirmed"
    assert data["calendar_feed"] is True
    services.event_personal_data_erase(cast.students[0])
    assert not Registration.objects.filter(user=cast.students[0]).exists()
    assert Registration.objects.get(pk=regs[1].pk).status == "confirmed"
    assert services.event_personal_data_export(cast.students[0])["registrations"] == []
    assert "events" in export_personal_data(cast.students[1])


def test_attendance_feeds_the_guest_lectures_kpi():
    """The partnership's "guest lectures held" KPI counts events held with attendance
    (computed by tandem.analytics, recorded through partnerships' kpi_record_metric)."""
    from decimal import Decimal

    from tandem.analytics import services as analytics
    from tandem.partnerships.models import KPI, Objective

    cast = event_cast(capacity=3, students=1)
    objective = Objective.objects.create(partnership=cast.partnership, title="Inspire students")
    today = timezone.localdate()
    kpi = KPI.objects.create(
        objective=objective,
        name="Guest lectures",
        metric="guest_lectures",
        baseline=0,
        target=4,
        start_date=today - dt.timedelta(days=30),
        due_date=today + dt.timedelta(days=300),
    )
    (reg,) = _register_all(cast)
    services.registration_check_in(
        actor=cast.coordinator, event=cast.event, token=services.checkin_token(reg)
    )
    Event.objects.filter(pk=cast.event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    analytics.partnership_metrics_refresh(partnership=cast.partnership)
    assert kpi.measurements.get().value == Decimal(1)


def test_event_jobs_command(capsys):
    from django.core.management import call_command

    cast = event_cast(capacity=1, students=1)
    _register_all(cast)
    Event.objects.filter(pk=cast.event.pk).update(
        starts_at=timezone.now() + dt.timedelta(hours=3),
        ends_at=timezone.now() + dt.timedelta(hours=4),
    )
    call_command("event_jobs")
    assert capsys.readouterr().out.strip() == "1 reminders, 0 survey invitations"
    call_command("event_jobs")
    assert capsys.readouterr().out.strip() == "0 reminders, 0 survey invitations"


def test_a_new_time_or_place_is_told_once_per_version(
    django_capture_on_commit_callbacks, mailoutbox
):
    cast = event_cast(capacity=1, students=3)
    regs = _register_all(cast)
    services.registration_cancel(actor=cast.students[2], registration=regs[2])
    mailoutbox.clear()
    # A text change is not news to the people coming.
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=cast.coordinator, event=cast.event, title="Renamed talk")
    assert mailoutbox == []
    later = cast.event.starts_at + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_update(
            actor=cast.coordinator,
            event=cast.event,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=1),
            location="Main hall",
        )
    # The confirmed and the waiting are told; the one who cancelled is not.
    told = sorted(m.to[0] for m in mailoutbox)
    assert told == sorted(s.email for s in cast.students[:2])
    mail = mailoutbox[0]
    assert mail.subject == "Changed: Renamed talk"
    assert "Main hall" in mail.body
    assert starts_label(event) in mail.body
    assert f"/events/{event.public_id}/event.ics" in mail.body
    # Saving the same values again is no change: nobody is told twice.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=cast.coordinator, event=event, location="Main hall")
    assert mailoutbox == []
    # A second move is a new calendar version: told again.
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=cast.coordinator, event=event, location="Room 2")
    assert sorted(m.to[0] for m in mailoutbox) == told
