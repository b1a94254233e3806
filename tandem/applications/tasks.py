"""Applications' notifications: stage changes, through the one delivery path
(:func:`tandem.notifications.services.notify`).

The student hears of every change of their application (kind ``applications.stage_changed``),
the host's recruiters and supervisors of what the student did (``applications.student_activity``:
an application received, an offer accepted or declined, a withdrawal). Their e-mail keeps its
own wording (``applications/email/*``): :func:`stage_email_context` rebuilds the context from
the stored notification in the worker. Logs carry public ids and stage values only.
"""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.core.links import absolute_url
from tandem.notifications.data import Kind, register_kind
from tandem.notifications.models import Notification
from tandem.notifications.services import notify
from tandem.organizations.models import Membership

from .models import Application, Stage

logger = logging.getLogger(__name__)

HOST_NOTIFIED_ROLES = ("recruiter", "supervisor")
STUDENT_KIND = "applications.stage_changed"
HOST_KIND = "applications.student_activity"


def _stage_label(value: str) -> Any:
    try:
        return Stage(value).label
    except ValueError:
        return value


def stage_email_context(notification: Notification) -> dict[str, Any] | None:
    """The context of the stage-change e-mails (rendered in the recipient's language)."""
    application = (
        Application.objects.select_related("student", "opportunity__host", "institution")
        .filter(public_id=notification.subject_id)
        .first()
    )
    if application is None:
        return None
    from_stage = str(notification.data.get("from_stage", ""))
    to_stage = str(notification.data.get("to_stage", ""))
    return {
        "application": application,
        "opportunity": application.opportunity,
        "from_stage": from_stage,
        "to_stage": to_stage,
        "from_label": str(_stage_label(from_stage)) if from_stage else "",
        "to_label": str(_stage_label(to_stage)),
        "url": absolute_url(notification.link),
    }


def register_kinds() -> None:
    register_kind(
        Kind(
            key=STUDENT_KIND,
            label=_("My applications"),
            description=_("Your application was received or moved to another stage."),
            default="email",
            email_templates=(
                "applications/email/student_stage_changed_subject.txt",
                "applications/email/student_stage_changed_body.txt",
            ),
            email_context=stage_email_context,
        )
    )
    register_kind(
        Kind(
            key=HOST_KIND,
            label=_("Applicants' actions"),
            description=_(
                "A student applied to, accepted, declined or withdrew from one of your "
                "organization's opportunities (recruiters and supervisors)."
            ),
            default="email",
            email_templates=(
                "applications/email/host_stage_changed_subject.txt",
                "applications/email/host_stage_changed_body.txt",
            ),
            email_context=stage_email_context,
        )
    )


def notify_stage_change(
    application: Application, from_stage: str, to_stage: str, *, student_acted: bool, key: str
) -> int:
    """Notify the student of a stage change and, when the student acted, the host's
    recruiters and supervisors (in the caller's transaction; e-mails on commit)."""
    opportunity = application.opportunity
    link = reverse("applications:detail", kwargs={"public_id": application.public_id})
    data = {"from_stage": str(from_stage), "to_stage": str(to_stage)}
    params = {
        "title": opportunity.title,
        "host": opportunity.host.name,
        "stage": _stage_label(str(to_stage)),
        "student": application.student.full_name,
    }
    if from_stage:
        title = _("Your application to “%(title)s” at %(host)s is now: %(stage)s")
    else:
        title = _("We have received your application to “%(title)s” at %(host)s")
    sent = notify(
        recipients=[application.student_id],
        kind=STUDENT_KIND,
        title=title,
        params=params,
        link=link,
        subject=application,
        data=data,
        dedupe_key=key,
    )
    if student_acted:
        staff = (
            Membership.objects.filter(
                organization_id=opportunity.host_id,
                role__in=HOST_NOTIFIED_ROLES,
                is_active=True,
            )
            .exclude(user_id=application.student_id)
            .values_list("user_id", flat=True)
        )
        if from_stage:
            host_title = _("%(student)s moved their application to “%(title)s” to: %(stage)s")
        else:
            host_title = _("%(student)s applied to “%(title)s”")
        sent += notify(
            recipients=list(staff),
            kind=HOST_KIND,
            title=host_title,
            params=params,
            link=link,
            subject=application,
            data=data,
            dedupe_key=key,
        )
    logger.info(
        "application %s notified (%s -> %s)", application.public_id, from_stage or "-", to_stage
    )
    return sent
