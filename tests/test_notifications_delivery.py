"""The one delivery path: in-app rows in bulk, e-mail through the task queue by preference,
never twice per recipient and key (also concurrently), the daily digest, and the features
wired to it (stage changes, partnership due dates)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.accounts.personal_data import erasers, export_personal_data
from tandem.applications.services import application_move
from tandem.core.errors import DomainError
from tandem.notifications.data import Kind, register_kind
from tandem.notifications.models import Delivery, Notification, NotificationPreference
from tandem.notifications.selectors import unread_count
from tandem.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preference_set,
    notify,
)
from tandem.notifications.tasks import deliver_emails, send_daily_digests
from tandem.partnerships.models import ActionItem
from tandem.partnerships.tasks import send_due_reminders
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
    application_at,
    application_cast,
    member,
)

pytestmark = pytest.mark.django_db

KIND = "test.event"
register_kind(Kind(key=KIND, label=_("Test events"), default="email"))
register_kind(Kind(key="test.quiet", label=_("Quiet events"), default="in_app"))


def _notify(people: list[Any], key: str = "k1", kind: str = KIND) -> int:
    return notify(
        recipients=people,
        kind=kind,
        title=_("Event %(name)s"),
        params={"name": "Alpha & <b>Co</b>"},
        body="Body text",
        link="/notifications/",
        dedupe_key=key,
    )


def test_rows_in_app_and_one_email_each(django_capture_on_commit_callbacks):
    people = [UserFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _notify(people) == 3
    assert len(callbacks) == 1  # one task for the whole fan-out
    rows = Notification.objects.order_by("recipient_id")
    assert [n.recipient_id for n in rows] == sorted(p.pk for p in people)
    assert {n.title for n in rows} == {"Event Alpha & <b>Co</b>"}
    assert {n.delivery for n in rows} == {Delivery.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert mail.outbox[0].subject == "Event Alpha & <b>Co</b>"
    assert "http://" in mail.outbox[0].body or "https://" in mail.outbox[0].body


def test_never_twice_for_the_same_key(django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([person, person])
        _notify([person])
    assert Notification.objects.filter(recipient=person).count() == 1
    assert len(mail.outbox) == 1
    # The task run again finds nothing pending: still one e-mail.
    deliver_emails.call(f"{KIND}:k1")
    assert len(mail.outbox) == 1
    # Another key is another notification.
    with django_capture_on_commit_callbacks(execute=True):
        _notify([person], key="k2")
    assert Notification.objects.filter(recipient=person).count() == 2


def test_preferences_respected(django_capture_on_commit_callbacks):
    off, in_app, digest, default = (UserFactory() for _ in range(4))
    notification_preference_set(actor=off, kind=KIND, channel="off")
    notification_preference_set(actor=in_app, kind=KIND, channel="in_app")
    notification_preference_set(actor=digest, kind=KIND, channel="digest")
    with django_capture_on_commit_callbacks(execute=True):
        _notify([off, in_app, digest, default])
        _notify([off, in_app, digest, default], key="k2")
    # off → nothing at all
    assert not Notification.objects.filter(recipient=off).exists()
    assert Notification.objects.filter(recipient=in_app, delivery=Delivery.NONE).count() == 2
    assert [m.to for m in mail.outbox] == [[default.email], [default.email]]
    # digest → rows wait; one daily e-mail lists both, and a second run sends nothing
    assert Notification.objects.filter(recipient=digest, delivery=Delivery.DIGEST).count() == 2
    mail.outbox.clear()
    assert send_daily_digests.call(None) == 1
    assert [m.to for m in mail.outbox] == [[digest.email]]
    assert mail.outbox[0].body.count("Event Alpha & <b>Co</b>") == 2
    assert "2 notifications" in mail.outbox[0].subject
    assert send_daily_digests.call(None) == 0
    assert len(mail.outbox) == 1


def test_inactive_and_erased_people_get_nothing(django_capture_on_commit_callbacks):
    gone = UserFactory(is_active=False)
    erased = UserFactory(erased_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([gone, erased]) == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_unknown_kind_and_channel_refused():
    person = UserFactory()
    with pytest.raises(ValueError):
        notify(recipients=[person], kind="nope", title="x", dedupe_key="k")
    with pytest.raises(DomainError):
        notification_preference_set(actor=person, kind=KIND, channel="pigeon")
    with pytest.raises(DomainError):
        notification_preference_set(actor=person, kind="nope", channel="off")
    assert not NotificationPreference.objects.exists()


def test_read_and_unread_count():
    person, other = UserFactory(), UserFactory()
    _notify([person, other], kind="test.quiet")
    _notify([person], key="k2", kind="test.quiet")
    assert unread_count(person) == 2
    first = Notification.objects.filter(recipient=person).first()
    assert first is not None
    notification_mark_read(actor=person, notification=first)
    assert unread_count(person) == 1
    with pytest.raises(DomainError):
        notification_mark_read(actor=other, notification=first)
    assert notification_mark_all_read(actor=person) == 1
    assert unread_count(person) == 0
    assert unread_count(other) == 1


def test_fan_out_goes_out_in_slices(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_EMAIL_SLICE = 4
    people = [UserFactory() for _ in range(10)]
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people)
    # The immediate backend ran the first slice and the two it enqueued after it.
    assert len(mail.outbox) == 10
    assert set(Notification.objects.values_list("delivery", flat=True)) == {Delivery.SENT}


def test_stage_change_reaches_the_student_in_app_and_by_email(
    django_capture_on_commit_callbacks,
):
    cast = application_cast(title="Lab technician")
    app = application_at(cast, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=cast.recruiter, application=app, to_stage="under_review")
    notes = list(Notification.objects.filter(recipient=cast.student))
    assert len(notes) == 1
    assert notes[0].kind == "applications.stage_changed"
    assert "Lab technician" in notes[0].title
    assert notes[0].link == f"/applications/{app.public_id}/"
    # The existing e-mail, with its own wording, still goes out once.
    sent = [m for m in mail.outbox if m.to == [cast.student.email]]
    assert len(sent) == 1
    assert "Lab technician" in sent[0].subject
    # A student who turned the kind off gets neither.
    notification_preference_set(
        actor=cast.student, kind="applications.stage_changed", channel="off"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=cast.recruiter, application=app, to_stage="shortlisted")
    assert Notification.objects.filter(recipient=cast.student).count() == 1
    assert [m for m in mail.outbox if m.to == [cast.student.email]] == []


def test_due_dates_reminded_once_per_due_date(django_capture_on_commit_callbacks):
    inst, partner = InstitutionFactory(), PartnerFactory()
    owner = member(inst, "coordinator")
    ps = PartnershipFactory(institutions=[inst], partners=[partner])
    today = timezone.localdate()
    item = ActionItem.objects.create(
        partnership=ps, description="Send the MoU", owner=owner, due_date=today + dt.timedelta(3)
    )
    ActionItem.objects.create(
        partnership=ps, description="Far away", owner=owner, due_date=today + dt.timedelta(60)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders.call(None) == 1
        assert send_due_reminders.call(None) == 0
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "Send the MoU" in mail.outbox[0].subject
    # A new due date is reminded about again.
    item.due_date = today + dt.timedelta(5)
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders.call(None) == 1
    assert Notification.objects.filter(recipient=owner).count() == 2


def test_personal_data_export_and_erasure():
    person = UserFactory()
    _notify([person], kind="test.quiet")
    notification_preference_set(actor=person, kind=KIND, channel="digest")
    exported = export_personal_data(person)["notifications"]
    assert exported["notifications"][0]["title"] == "Event Alpha & <b>Co</b>"
    assert exported["preferences"] == {KIND: "digest"}
    erasers()["notifications"](person)
    assert not Notification.objects.filter(recipient=person).exists()
    assert not NotificationPreference.objects.filter(user=person).exists()


def _run_together(jobs: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = jobs[i]()
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_never_twice_concurrently():
    people = [UserFactory() for _ in range(20)]
    results = _run_together([lambda: _notify(people, kind="test.quiet") for _ in range(4)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Notification.objects.count() == 20
    assert Notification.objects.values("recipient").distinct().count() == 20
