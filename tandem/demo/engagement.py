"""Demo notifications and messaging: everyone has notifications (a welcome, the latest stage
of their applications, reminders of the KPIs and action items they own), the demo student
reads match results in a daily digest, and a Riverside–Brightwave partnership has a
conversation between the coordinator and the recruiter.

In-app only (no e-mail leaves for the demo's own history), written through the one delivery
path like every feature's.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.applications.models import Application, Stage
from tandem.messaging.models import Conversation
from tandem.messaging.services import conversation_start, message_send
from tandem.notifications.models import Notification, NotificationPreference
from tandem.notifications.services import notification_preference_set, notify
from tandem.partnerships.models import Partnership
from tandem.partnerships.tasks import send_due_reminders

DEMO_CONVERSATION = "Spring cohort: places and start dates"


def delete_engagement(domain: str) -> None:
    people = User.objects.filter(email__endswith="@" + domain)
    Notification.objects.filter(recipient__in=people).delete()
    NotificationPreference.objects.filter(user__in=people).delete()
    Conversation.objects.filter(title=DEMO_CONVERSATION).delete()


def build_engagement(domain: str) -> None:
    people = list(User.objects.filter(email__endswith="@" + domain).order_by("pk"))
    notify(
        recipients=people,
        kind="notifications.announcement",
        title=_("Welcome to Tandem: choose how you hear about what matters to you"),
        body=_("Each kind of notification can come in the app, by e-mail, in a daily digest."),
        link=reverse("notifications:preferences"),
        dedupe_key="demo-welcome",
        deliver_email=False,
    )
    applications = (
        Application.objects.filter(student__in=people)
        .exclude(stage=Stage.SUBMITTED)
        .select_related("opportunity__host", "student")
        .order_by("student_id", "-updated_at")
    )
    seen: set[int] = set()
    for application in applications:
        if application.student_id in seen:
            continue
        seen.add(application.student_id)
        notify(
            recipients=[application.student_id],
            kind="applications.stage_changed",
            title=_("Your application to “%(title)s” at %(host)s is now: %(stage)s"),
            params={
                "title": application.opportunity.title,
                "host": application.opportunity.host.name,
                "stage": Stage(application.stage).label,
            },
            link=reverse("applications:detail", kwargs={"public_id": application.public_id}),
            subject=application,
            data={"from_stage": "", "to_stage": application.stage},
            dedupe_key=f"demo:{application.public_id}",
            deliver_email=False,
        )
    send_due_reminders.call(None)
    student = User.objects.filter(email=f"student@{domain}").first()
    if student is not None:
        notification_preference_set(actor=student, kind="matching.result", channel="digest")
    _conversation(domain)


def _conversation(domain: str) -> None:
    coordinator = User.objects.filter(email=f"coordinator@{domain}").first()
    recruiter = User.objects.filter(email=f"recruiter@{domain}").first()
    if coordinator is None or recruiter is None:
        return
    partnership = (
        Partnership.objects.filter(
            institutions__memberships__user=coordinator, partners__memberships__user=recruiter
        )
        .order_by("pk")
        .first()
    )
    if partnership is None:
        return
    conversation = conversation_start(
        actor=coordinator,
        subject_type="partnership",
        subject_id=str(partnership.public_id),
        title=DEMO_CONVERSATION,
        body=(
            "Hello! Could Brightwave take six students from the spring cohort? "
            "They could start on the first Monday of March."
        ),
        participants=[recruiter],
    )
    message_send(
        actor=recruiter,
        conversation=conversation,
        body="Yes, six places work for us. Could we meet next week to agree the projects?",
    )
