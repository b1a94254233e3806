"""Background work for applications: stage-change e-mails.

Enqueued from ``transaction.on_commit`` by the services, so nothing is sent for a change that
rolled back. Logs carry only public ids and stage values, never names or addresses.
"""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils import translation
from django_tasks import task

from tandem.core.email import recipient_language, send_text_email
from tandem.core.links import absolute_url
from tandem.organizations.models import Membership

from .models import Application, Stage

logger = logging.getLogger(__name__)

HOST_NOTIFIED_ROLES = ("recruiter", "supervisor")


def _stage_label(value: str) -> str:
    try:
        return str(Stage(value).label)
    except ValueError:
        return value


def _send(to: Any, template: str, context: dict[str, Any]) -> None:
    language = recipient_language(to)
    with translation.override(language):
        # Stage labels are lazy translations: resolve them in the recipient's language.
        ctx = {
            **context,
            "recipient": to,
            "from_label": _stage_label(context["from_stage"]) if context["from_stage"] else "",
            "to_label": _stage_label(context["to_stage"]),
        }
    send_text_email(
        to=to.email,
        subject_template=f"applications/email/{template}_subject.txt",
        body_template=f"applications/email/{template}_body.txt",
        context=ctx,
        language=language,
    )


@task()
def notify_stage_change(
    application_id: int, from_stage: str, to_stage: str, notify_host: bool
) -> int:
    """E-mail the student about a stage change; when the student acted, also the host's
    recruiters and supervisors. Returns the number of messages sent."""
    application = (
        Application.objects.select_related("student", "opportunity__host", "institution")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        logger.warning("stage-change notice skipped: application no longer exists")
        return 0
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "from_stage": from_stage,
        "to_stage": to_stage,
        "url": absolute_url(
            reverse("applications:detail", kwargs={"public_id": application.public_id})
        ),
    }
    sent = 0
    student = application.student
    if student.is_active and student.email and student.erased_at is None:
        _send(student, "student_stage_changed", context)
        sent += 1
    if notify_host:
        staff = (
            Membership.objects.filter(
                organization_id=application.opportunity.host_id,
                role__in=HOST_NOTIFIED_ROLES,
                is_active=True,
                user__is_active=True,
            )
            .select_related("user")
            .order_by("user_id")
        )
        seen: set[int] = set()
        for membership in staff:
            if membership.user_id in seen or membership.user_id == student.pk:
                continue
            seen.add(membership.user_id)
            _send(membership.user, "host_stage_changed", context)
            sent += 1
    logger.info(
        "application %s notice sent (%s -> %s, %d messages)",
        application.public_id,
        from_stage or "-",
        to_stage,
        sent,
    )
    return sent
